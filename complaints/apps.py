from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The role complaints adds to recipients.services' invitations.
OFFICER_ROLE = "officer"


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        # recipients may not import complaints: the officer role is registered from here, and
        # complaints' own invitation page (admin_officers.py) passes its grant.
        from recipients import services

        services.EXTRA_ROLES[OFFICER_ROLE] = _("complaint officer")
