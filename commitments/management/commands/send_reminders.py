"""Send the timed reminders about commitments (run daily from the systemd timer or cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext, ngettext

from commitments.reminders import send_reminders
from ksbb.lib.commands import add_today_argument, today_option


class Command(BaseCommand):
    help = (
        "Mail the reminders due today (Asia/Jakarta): a delivery tomorrow, a deadline passed "
        "without a confirmed delivery. Each reminder is sent once, however often this runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_today_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        today = today_option(options)
        run = send_reminders(today=today)
        for label in run.sent:
            self.stdout.write(gettext("sent %(reminder)s") % {"reminder": label})
        message = ngettext(
            "%(count)d reminder sent, %(skipped)d skipped (sent before)",
            "%(count)d reminders sent, %(skipped)d skipped (sent before)",
            len(run.sent),
        )
        self.stdout.write(message % {"count": len(run.sent), "skipped": len(run.skipped)})
