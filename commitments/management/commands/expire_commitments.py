"""Expire commitments past their deadline and release their quantity (run daily from cron)."""

from django.core.management.base import BaseCommand

from commitments.services import expire_overdue


class Command(BaseCommand):
    help = "Expire undelivered commitments whose deadline has passed. Safe to run repeatedly."

    def handle(self, *args, **options) -> None:
        numbers = expire_overdue()
        for number in numbers:
            self.stdout.write(f"expired {number}")
        self.stdout.write(f"{len(numbers)} commitment(s) expired")
