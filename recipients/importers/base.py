"""What every importer shares: a summary of what it did, idempotent upserts, bad-row reports,
progress bars, and the management-command wrapper (one transaction per data set, --dry-run).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from tqdm import tqdm

T = TypeVar("T")
M = TypeVar("M", bound=models.Model)


class DataFileError(Exception):
    """Input that cannot be used, located by file and row so an admin can fix it."""

    def __init__(self, path: Path | str, message: str, row: int | str | None = None):
        self.path, self.row, self.message = Path(path), row, message
        where = f"{self.path.name}" + (f", row {row}" if row is not None else "")
        super().__init__(f"{where}: {message}")


@dataclass
class Summary:
    """Counts of one data set's import, with the reason for every row skipped."""

    name: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def skip(self, error: DataFileError | str) -> None:
        self.skipped.append(str(error))

    def note(self, text: str) -> None:
        self.notes.append(text)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def lines(self, max_skipped: int = 50) -> list[str]:
        out = [
            f"{self.name}: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {len(self.skipped)} skipped"
            + ("" if self.changed else " (nothing changed)")
        ]
        out += [f"  note: {text}" for text in self.notes]
        out += [f"  skipped: {reason}" for reason in self.skipped[:max_skipped]]
        if len(self.skipped) > max_skipped:
            out.append(f"  ... and {len(self.skipped) - max_skipped} more skipped rows")
        return out


def upsert(model: type[M], summary: Summary, lookup: dict[str, Any], values: dict[str, Any]) -> M:
    """Create or update one row, counting it; saves only the fields whose value changed."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        summary.created += 1
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
        summary.updated += 1
    else:
        summary.unchanged += 1
    return obj


def progress(items: Iterable[T], *, desc: str, total: int | None = None) -> Iterator[T]:
    """A progress bar on stderr when it is a terminal; silent in CI and tests."""
    return iter(tqdm(items, desc=desc, total=total, unit="row", leave=False, disable=None))


def data_dir_argument(value: str | None) -> Path:
    """The data directory from the command line, else KSBB_DATA_DIR; must exist."""
    raw = value or settings.KSBB_DATA_DIR
    if not raw:
        raise CommandError("Give the data directory as an argument or set KSBB_DATA_DIR.")
    path = Path(raw).expanduser()
    if not path.is_dir():
        raise CommandError(f"Data directory not found: {path}")
    return path


def run_data_set(
    importer: Callable[[Path, Summary], None],
    data_dir: Path,
    name: str,
    *,
    dry_run: bool = False,
) -> Summary:
    """Run one importer in its own transaction; a dry run rolls it back after counting."""
    summary = Summary(name)
    with transaction.atomic():
        importer(data_dir, summary)
        if dry_run:
            transaction.set_rollback(True)
    return summary


class ImportCommand(BaseCommand):
    """A management command that runs one or more importers on a data directory."""

    # (name, importer) pairs run in order, each in its own transaction.
    data_sets: list[tuple[str, Callable[[Path, Summary], None]]] = []

    def add_arguments(self, parser):
        parser.add_argument(
            "data_dir",
            nargs="?",
            help="directory laid out like shared/data (default: KSBB_DATA_DIR)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change, change nothing"
        )

    def handle(self, *args, data_dir=None, dry_run=False, **options):
        path = data_dir_argument(data_dir)
        if dry_run:
            self.stdout.write("Dry run: nothing will be saved.")
        for name, importer in self.data_sets:
            try:
                summary = run_data_set(importer, path, name, dry_run=dry_run)
            except DataFileError as error:
                raise CommandError(
                    f"{name}: {error} (nothing of this data set was saved)"
                ) from error
            for line in summary.lines():
                self.stdout.write(line)
            sys.stdout.flush()
