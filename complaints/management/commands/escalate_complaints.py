"""Escalate overdue complaints (run daily from the systemd timer or cron)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext, ngettext

from complaints.services import escalate_overdue


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        message = gettext("--today must be a date as YYYY-MM-DD, not %(value)r")
        raise CommandError(message % {"value": value}) from None


class Command(BaseCommand):
    help = (
        "Mail the open complaints past their follow-up date (Asia/Jakarta days) to the "
        "kecamatan officers and the admins. Each complaint is escalated once, however often "
        "this runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            type=str,
            help="Run as if it were this day (YYYY-MM-DD), e.g. to catch up a missed day.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = _date(options["today"]) if options["today"] else None
        numbers = escalate_overdue(today=today)
        for number in numbers:
            self.stdout.write(gettext("escalated %(number)s") % {"number": number})
        message = ngettext(
            "%(count)d complaint escalated", "%(count)d complaints escalated", len(numbers)
        )
        self.stdout.write(message % {"count": len(numbers)})
