"""Expire commitments past their deadline and release their quantity (run daily from cron)."""

from django.core.management.base import BaseCommand

from commitments.services import close_overdue_deliveries, expire_overdue


class Command(BaseCommand):
    help = (
        "Expire undelivered commitments whose deadline has passed, and close partly delivered "
        "ones (their rest goes back to the need). Safe to run repeatedly."
    )

    def handle(self, *args, **options) -> None:
        numbers = expire_overdue()
        for number in numbers:
            self.stdout.write(f"expired {number}")
        self.stdout.write(f"{len(numbers)} commitment(s) expired")
        closed = close_overdue_deliveries()
        for number in closed:
            self.stdout.write(f"closed {number}")
        self.stdout.write(f"{len(closed)} partly delivered commitment(s) closed")
