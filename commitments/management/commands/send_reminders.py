"""Send the timed reminders about commitments (run daily from the systemd timer or cron)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext, ngettext

from commitments.reminders import send_reminders


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        message = gettext("--today must be a date as YYYY-MM-DD, not %(value)r")
        raise CommandError(message % {"value": value}) from None


class Command(BaseCommand):
    help = (
        "Mail the reminders due today (Asia/Jakarta): a delivery tomorrow, a deadline passed "
        "without a confirmed delivery. Each reminder is sent once, however often this runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            type=str,
            help="Run as if it were this day (YYYY-MM-DD), e.g. to catch up a missed day.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = _date(options["today"]) if options["today"] else None
        run = send_reminders(today=today)
        for label in run.sent:
            self.stdout.write(gettext("sent %(reminder)s") % {"reminder": label})
        message = ngettext(
            "%(count)d reminder sent, %(skipped)d skipped (sent before)",
            "%(count)d reminders sent, %(skipped)d skipped (sent before)",
            len(run.sent),
        )
        self.stdout.write(message % {"count": len(run.sent), "skipped": len(run.skipped)})
