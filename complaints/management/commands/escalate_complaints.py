"""Escalate overdue complaints (run daily from the systemd timer or cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext, ngettext

from complaints.services import escalate_overdue
from ksbb.lib.commands import add_today_argument, today_option


class Command(BaseCommand):
    help = (
        "Mail the open complaints past their follow-up date (Asia/Jakarta days) to the "
        "kecamatan officers and the admins. Each complaint is escalated once, however often "
        "this runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_today_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        today = today_option(options)
        numbers = escalate_overdue(today=today)
        for number in numbers:
            self.stdout.write(gettext("escalated %(number)s") % {"number": number})
        message = ngettext(
            "%(count)d complaint escalated", "%(count)d complaints escalated", len(numbers)
        )
        self.stdout.write(message % {"count": len(numbers)})
