from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "ksbb.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        from ksbb.jobs.schedules import sync_after_migrate

        # After every `migrate`: the periodic jobs in settings.KSBB_SCHEDULES exist in django-q2.
        post_migrate.connect(sync_after_migrate, sender=self)
