"""`load_data`, what `make run` calls: the real data when there is a data directory (argument
or KSBB_DATA_DIR), else the fictional demo data set the project generates itself."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

from recipients.importers.base import data_dir_argument
from recipients.models import Area, Provenance


class Command(BaseCommand):
    help = (
        "Load the portal's data: import_jakarta on the data directory (argument or "
        "KSBB_DATA_DIR), or the generated demo data set when there is none. Safe to repeat."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "data_dir",
            nargs="?",
            help="directory laid out like shared/data (default: KSBB_DATA_DIR, else demo data)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change, change nothing"
        )

    def handle(self, *args, data_dir=None, dry_run=False, **options):
        if data_dir or settings.KSBB_DATA_DIR:
            self.load_real_data(data_dir_argument(data_dir), dry_run)
        else:
            self.load_demo_dataset(dry_run)
        if not dry_run:
            # The map's geometry files exist before the first visitor asks for them.
            call_command("publish_geometry", stdout=self.stdout)

    def load_real_data(self, path: Path, dry_run: bool) -> None:
        if "import_jakarta" not in get_commands():
            raise CommandError("The import_jakarta command is not installed; cannot import.")
        if Area.objects.filter(provenance=Provenance.DEMO, level=Area.Level.PROVINCE).exists():
            self.stderr.write(
                "Warning: the database also holds the fictional demo province; "
                "use a fresh database for the real data."
            )
        self.stdout.write(f"Importing the data in {path}")
        call_command("import_jakarta", str(path), dry_run=dry_run, stdout=self.stdout)

    def load_demo_dataset(self, dry_run: bool) -> None:
        if Area.objects.exclude(provenance=Provenance.DEMO).exists():
            # Mixing a fictional province into official areas would mislead every page.
            self.stdout.write(
                "No data directory given, but the database already holds official areas: "
                "the demo data set is not added. Set KSBB_DATA_DIR to update the real data."
            )
            return
        self.stdout.write("No data directory (KSBB_DATA_DIR is empty): loading the demo data set.")
        call_command("generate_demo", standalone=True, dry_run=dry_run, stdout=self.stdout)
