"""`import_rw_cases FILE`: COVID-19 counts per RW from a CSV or XLSX file (see
recipients/importers/rw_cases.py and README, "RW case files")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from recipients.importers.base import DataFileError, add_dry_run_argument, run_data_set
from recipients.importers.rw_cases import file_importer


class Command(BaseCommand):
    help = (
        "Import COVID-19 counts per RW from a CSV or XLSX file: rw_code (BPS) or "
        "kelurahan_code + rw, date, and the counts. Counted figures replace the estimates of "
        "their kelurahan and date; bad rows are reported and skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the CSV or XLSX file")
        parser.add_argument(
            "--source", default="", help="where the figures come from (default: the file name)"
        )
        add_dry_run_argument(parser)

    def handle(
        self, *args: Any, file: str, source: str = "", dry_run: bool = False, **options: Any
    ) -> None:
        path = Path(file).expanduser()
        if dry_run:
            self.stdout.write("Dry run: nothing will be saved.")
        try:
            summary = run_data_set(
                file_importer(path, source=source), path, "RW case reports", dry_run=dry_run
            )
        except DataFileError as error:
            raise CommandError(f"{error} (nothing was saved)") from error
        for line in summary.lines():
            self.stdout.write(line)
        if dry_run:
            self.stdout.write("Dry run: everything above was rolled back.")
