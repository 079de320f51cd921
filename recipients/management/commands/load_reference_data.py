"""`load_reference_data`: create the reference rows of fixtures/ (the package catalogue) that
the database lacks; `load_data` runs it first."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils.translation import gettext

from ksbb.lib.reference_data import REFERENCE_DATA_DIR, load_reference_data
from recipients.importers.base import add_dry_run_argument


class Command(BaseCommand):
    help = (
        f"Create the rows of every fixture in {REFERENCE_DATA_DIR.name}/ that the database "
        "lacks. Rows already there, edited or deactivated by an admin, are left as they are; "
        "a deleted row is created again. Safe to repeat."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_dry_run_argument(parser)

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        with transaction.atomic():
            for loaded in load_reference_data():
                message = gettext(
                    "Reference data %(file)s: %(created)d created, %(kept)d already present "
                    "(left as they are)"
                )
                self.stdout.write(
                    message % {"file": loaded.file, "created": loaded.created, "kept": loaded.kept}
                )
            transaction.set_rollback(dry_run)
