"""The recipients app: areas, recipients, needs and the open data built from them."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecipientsConfig(AppConfig):
    name = "recipients"
    verbose_name = _("Recipients")

    def ready(self) -> None:
        # Here and only here: every save must refresh the cached payloads, whichever module
        # a process happens to import first.
        from recipients import signals

        signals.connect()
