"""`import_rw_cases FILE`: COVID-19 counts per RW from a CSV or XLSX file (see
recipients/importers/rw_cases.py and README, "RW case files")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from recipients.importers.base import (
    DRY_RUN_END,
    DRY_RUN_START,
    DataFileError,
    add_dry_run_argument,
    run_data_set,
)
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
            self.stdout.write(str(DRY_RUN_START))
        try:
            summary = run_data_set(
                file_importer(path, source=source), path, _("RW case reports"), dry_run=dry_run
            )
        except DataFileError as error:
            message = gettext("%(error)s (nothing was saved)") % {"error": error}
            raise CommandError(message) from error
        for line in summary.lines():
            self.stdout.write(line)
        if dry_run:
            self.stdout.write(str(DRY_RUN_END))
