"""`generate_demo`: the demo parts on top of the data in the database, or (--standalone) the
whole fictional demo province for a machine without the real data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext_lazy as _

from recipients.demo import generate_demo_parts
from recipients.demo_dataset import generate_demo_dataset
from recipients.importers.base import DRY_RUN_START, add_dry_run_argument, run_data_set


class Command(BaseCommand):
    help = (
        "Generate the demo parts (priority RWs, KK estimates, Ketua RW names, panti, needs) "
        "on top of the areas and RWs in the database; --standalone generates a whole "
        "fictional province first. Needs come from the package catalogue (load_reference_data)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--standalone",
            action="store_true",
            help="generate the fictional demo province (for a machine without the real data)",
        )
        add_dry_run_argument(parser)

    def handle(
        self, *args: Any, standalone: bool = False, dry_run: bool = False, **options: Any
    ) -> None:
        if dry_run:
            self.stdout.write(str(DRY_RUN_START))
        if standalone:
            summary = run_data_set(
                generate_demo_dataset, Path("."), _("Demo data set"), dry_run=dry_run
            )
        else:
            summary = run_data_set(generate_demo_parts, Path("."), _("Demo parts"), dry_run=dry_run)
        for line in summary.lines():
            self.stdout.write(line)
