"""CSV and spreadsheets written safely: every export, public or admin, goes through here.

A spreadsheet program runs a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
return as a formula, so a donor who types `=HYPERLINK(...)` as their name would plant a live link
in an auditor's spreadsheet (CSV injection). Following OWASP, such text cells are prefixed with
an apostrophe; numbers are left as numbers. The admin's django-import-export files use the same
two functions (recipients/resources.py).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# So that spreadsheet programs read the UTF-8 names correctly.
BOM = "\ufeff"


def neutralise(value: Any) -> Any:
    """The value as a cell that a spreadsheet shows and never runs (None becomes "")."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def restore(value: Any) -> Any:
    """The text that `neutralise` made inert, as it was typed (anything else unchanged)."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


class SafeWriter:
    """csv.writer whose rows are neutralised cell by cell."""

    def __init__(self, stream: _Writable):
        self._writer = csv.writer(stream)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([neutralise(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(stream: _Writable, *, bom: bool = True) -> SafeWriter:
    """A safe CSV writer on a text stream (an HttpResponse works), after the BOM."""
    if bom:
        stream.write(BOM)
    return SafeWriter(stream)


def csv_bytes(header: Sequence[str], rows: Iterable[Iterable[Any]]) -> bytes:
    """A whole CSV file: the header, then the rows, neutralised, UTF-8 with a BOM."""
    out = io.StringIO()
    safe = writer(out)
    safe.writerow(header)
    safe.writerows(rows)
    return out.getvalue().encode()
