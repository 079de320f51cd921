"""What every importer shares: a summary of what it did, idempotent upserts, bad-row reports,
progress bars, and the management-command wrapper (one transaction per data set, --dry-run).

Summaries and messages are translated: commands print in settings.LANGUAGE_CODE (Indonesian),
which Django 5 keeps active in management commands, and the admin shows them in the page's
language. Option help stays in English, like Django's own commands'.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction
from django.utils.translation import gettext, gettext_lazy, ngettext
from tqdm import tqdm

from ksbb.lib.httpcache import bump

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

T = TypeVar("T")
K = TypeVar("K")
M = TypeVar("M", bound=models.Model)


class DataFileError(Exception):
    """Input that cannot be used, located by file and row so an admin can fix it."""

    def __init__(self, path: Path | str, message: str, row: int | str | None = None):
        self.path, self.row, self.message = Path(path), row, message
        if row is None:
            where = self.path.name
        else:
            where = gettext("%(file)s, row %(row)s") % {"file": self.path.name, "row": row}
        super().__init__(f"{where}: {message}")


@dataclass
class Summary:
    """Counts of one data set's import, with the reason for every row skipped."""

    name: StrOrPromise  # a data set's name, translated when the summary is printed
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
        """The report a command prints, in the active language."""
        counts = {
            "name": self.name,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": len(self.skipped),
        }
        if self.changed:
            headline = gettext(
                "%(name)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
                "%(skipped)d skipped"
            )
        else:
            headline = gettext(
                "%(name)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
                "%(skipped)d skipped (nothing changed)"
            )
        out = [headline % counts]
        out += [gettext("  note: %(text)s") % {"text": text} for text in self.notes]
        out += [
            gettext("  skipped: %(reason)s") % {"reason": reason}
            for reason in self.skipped[:max_skipped]
        ]
        if len(self.skipped) > max_skipped:
            more = len(self.skipped) - max_skipped
            message = ngettext(
                "  ... and %(count)d more skipped row",
                "  ... and %(count)d more skipped rows",
                more,
            )
            out.append(message % {"count": more})
        return out


def upsert(model: type[M], summary: Summary, lookup: dict[str, Any], values: dict[str, Any]) -> M:
    """Create or update one row, counting it; saves only the fields whose value changed."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model._default_manager.create(**lookup, **values)
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


def bulk_upsert(
    model: type[M],
    summary: Summary,
    wanted: dict[K, tuple[dict[str, Any], dict[str, Any]]],
    existing: dict[K, M],
    *,
    batch_size: int = 250,
) -> dict[K, M]:
    """Bulk `upsert`: `wanted` maps a key to (lookup fields, values); `existing` holds the rows
    already in the database under the same keys (read with one query by the caller).

    Saves only rows whose values changed, in a few bulk queries, and counts them like upsert.
    Give foreign keys as `<name>_id` so that comparing them costs no query.
    """
    to_create: list[M] = []
    to_update: list[M] = []
    changed_fields: set[str] = set()
    result: dict[K, M] = {}
    for key, (lookup, values) in wanted.items():
        obj = existing.get(key)
        if obj is None:
            obj = model(**lookup, **values)
            to_create.append(obj)
        else:
            changed = [name for name, value in values.items() if getattr(obj, name) != value]
            for name in changed:
                setattr(obj, name, values[name])
            if changed:
                to_update.append(obj)
                changed_fields.update(changed)
            else:
                summary.unchanged += 1
        result[key] = obj
    if to_create:
        model._default_manager.bulk_create(to_create, batch_size=batch_size)
        summary.created += len(to_create)
    if to_update:
        model._default_manager.bulk_update(to_update, sorted(changed_fields), batch_size=batch_size)
        summary.updated += len(to_update)
    return result


def progress(items: Iterable[T], *, desc: str, total: int | None = None) -> Iterator[T]:
    """A progress bar on stderr when it is a terminal; silent in CI and tests."""
    return iter(tqdm(items, desc=desc, total=total, unit="row", leave=False, disable=None))


# What every command with --dry-run prints before and after its report.
DRY_RUN_START = gettext_lazy("Dry run: nothing will be saved.")
DRY_RUN_END = gettext_lazy("Dry run: everything above was rolled back.")


def add_dry_run_argument(parser: CommandParser) -> None:
    parser.add_argument(
        "--dry-run", action="store_true", help="report what would change, change nothing"
    )


def add_data_dir_arguments(parser: CommandParser, *, default: str = "KSBB_DATA_DIR") -> None:
    """The optional data directory (read by `resolve_data_dir`) and --dry-run."""
    parser.add_argument(
        "data_dir", nargs="?", help=f"directory laid out like shared/data (default: {default})"
    )
    add_dry_run_argument(parser)


def resolve_data_dir(value: str | None) -> Path:
    """The data directory from the command line, else KSBB_DATA_DIR; must exist."""
    raw = value or settings.KSBB_DATA_DIR
    if not raw:
        raise CommandError(gettext("Give the data directory as an argument or set KSBB_DATA_DIR."))
    path = Path(raw).expanduser()
    if not path.is_dir():
        raise CommandError(gettext("Data directory not found: %(path)s") % {"path": path})
    return path


def run_data_set(
    importer: Callable[[Path, Summary], None],
    data_dir: Path,
    name: StrOrPromise,
    *,
    dry_run: bool = False,
) -> Summary:
    """Run one importer in its own transaction, so a failure leaves no part of it saved;
    a dry run rolls it back after counting."""
    summary = Summary(name)
    with transaction.atomic():
        importer(data_dir, summary)
        if dry_run:
            transaction.set_rollback(True)
        elif summary.changed:
            # Bulk writes send no signals: tell the cached open-data payloads once, here.
            bump("areas", "recipients", "needs", "cases")
    return summary


class ImportCommand(BaseCommand):
    """A management command that runs one or more importers on a data directory."""

    # (name, importer) pairs run in order, each in its own transaction; names in gettext_lazy.
    data_sets: list[tuple[StrOrPromise, Callable[[Path, Summary], None]]] = []

    def add_arguments(self, parser: CommandParser) -> None:
        add_data_dir_arguments(parser)

    def handle(
        self, *args: Any, data_dir: str | None = None, dry_run: bool = False, **options: Any
    ) -> None:
        path = resolve_data_dir(data_dir)
        if not dry_run:
            self.run_all(path)
            return
        self.stdout.write(str(DRY_RUN_START))
        # Each data set may need the ones before it (RWs need the kelurahan), so a dry run
        # keeps them all, each in its own savepoint, and rolls everything back at the end.
        with transaction.atomic():
            self.run_all(path)
            transaction.set_rollback(True)
        self.stdout.write(str(DRY_RUN_END))

    def run_all(self, path: Path) -> None:
        for name, importer in self.data_sets:
            try:
                summary = run_data_set(importer, path, name)
            except DataFileError as error:
                message = gettext("%(name)s: %(error)s (nothing of this data set was saved)")
                raise CommandError(message % {"name": name, "error": error}) from error
            for line in summary.lines():
                self.stdout.write(line)
            sys.stdout.flush()
