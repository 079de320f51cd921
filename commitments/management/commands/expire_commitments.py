"""Expire commitments past their deadline and release their quantity (run daily from cron)."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext, ngettext

from commitments.services import close_overdue_deliveries, expire_overdue


class Command(BaseCommand):
    help = (
        "Expire undelivered commitments whose deadline has passed, and close partly delivered "
        "ones (their rest goes back to the need). Safe to run repeatedly."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        numbers = expire_overdue()
        for number in numbers:
            self.stdout.write(gettext("expired %(number)s") % {"number": number})
        expired = ngettext(
            "%(count)d commitment expired", "%(count)d commitments expired", len(numbers)
        )
        self.stdout.write(expired % {"count": len(numbers)})
        closed = close_overdue_deliveries()
        for number in closed:
            self.stdout.write(gettext("closed %(number)s") % {"number": number})
        message = ngettext(
            "%(count)d partly delivered commitment closed",
            "%(count)d partly delivered commitments closed",
            len(closed),
        )
        self.stdout.write(message % {"count": len(closed)})
