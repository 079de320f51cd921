"""`load_data`, what `make run` calls: the reference data of fixtures/, then the real data when
there is a data directory (argument or KSBB_DATA_DIR), else the fictional demo data set the
project generates itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext

from recipients.importers.base import add_data_dir_arguments, resolve_data_dir
from recipients.models import Area, Provenance


class Command(BaseCommand):
    help = (
        "Load the portal's data: the reference data (load_reference_data), then import_jakarta "
        "on the data directory (argument or KSBB_DATA_DIR), or the generated demo data set "
        "when there is none. Safe to repeat."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_data_dir_arguments(parser, default="KSBB_DATA_DIR, else demo data")

    def handle(
        self, *args: Any, data_dir: str | None = None, dry_run: bool = False, **options: Any
    ) -> None:
        # Resolved first: a mistyped directory fails before anything is written.
        path = resolve_data_dir(data_dir) if data_dir or settings.KSBB_DATA_DIR else None
        if not dry_run:
            self.load(path, dry_run=False)
            # The map's geometry files exist before the first visitor asks for them.
            call_command("publish_geometry", stdout=self.stdout)
            return
        # The demo needs are drawn from the package catalogue, so a dry run keeps the reference
        # data until the end, then rolls everything back.
        with transaction.atomic():
            self.load(path, dry_run=True)
            transaction.set_rollback(True)

    def load(self, path: Path | None, dry_run: bool) -> None:
        call_command("load_reference_data", stdout=self.stdout)
        if path:
            self.load_real_data(path, dry_run)
        else:
            self.load_demo_dataset(dry_run)

    def load_real_data(self, path: Path, dry_run: bool) -> None:
        if "import_jakarta" not in get_commands():
            raise CommandError(
                gettext("The import_jakarta command is not installed; cannot import.")
            )
        if Area.objects.filter(provenance=Provenance.DEMO, level=Area.Level.PROVINCE).exists():
            self.stderr.write(
                gettext(
                    "Warning: the database also holds the fictional demo province; "
                    "use a fresh database for the real data."
                )
            )
        self.stdout.write(gettext("Importing the data in %(path)s") % {"path": path})
        call_command("import_jakarta", str(path), dry_run=dry_run, stdout=self.stdout)

    def load_demo_dataset(self, dry_run: bool) -> None:
        if Area.objects.exclude(provenance=Provenance.DEMO).exists():
            # Mixing a fictional province into official areas would mislead every page.
            self.stdout.write(
                gettext(
                    "No data directory given, but the database already holds official areas: "
                    "the demo data set is not added. Set KSBB_DATA_DIR to update the real data."
                )
            )
            return
        self.stdout.write(
            gettext("No data directory (KSBB_DATA_DIR is empty): loading the demo data set.")
        )
        call_command("generate_demo", standalone=True, dry_run=dry_run, stdout=self.stdout)
