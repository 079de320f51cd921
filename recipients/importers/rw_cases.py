"""COVID-19 counts per RW from a CSV or XLSX file (management command `import_rw_cases`, and the
admin's import page of case reports): one row per RW and date.

An RW is named by its BPS code (`3174070005001000`, as RW.source_ref keeps it from the RW
layer) or by its kelurahan's Kemendagri code (`31.74.07.1005` or `3174071005`) and RW number.
The terms follow the counts given: ODP/PDP -> the 2020 ODP/PDP/positif terms, suspek/probable ->
suspek/probable/konfirmasi; positif alone -> by date (ODP/PDP until June 2020).

Imported rows are counted figures (provenance official): they replace the estimates of their
date in their kelurahan (recipients/case_estimates.py). The file is read by its content (a ZIP
signature is XLSX, anything else must be UTF-8 CSV), never by its name.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from recipients.importers.base import DataFileError, Summary, progress
from recipients.importers.cases.month_end import dotted_code
from recipients.importers.cases.reports import kelurahan_by_code, missing_message, parse_count
from recipients.models import RW, CaseReport, Provenance

# Header (lower case, spaces as _) -> the column it means; the first name is the documented one.
ALIASES = {
    "rw_code": "rw_code",
    "kode_rw": "rw_code",
    "rw_id": "rw_code",
    "kelurahan_code": "kelurahan_code",
    "kode_kelurahan": "kelurahan_code",
    "id_kel": "kelurahan_code",
    "rw": "rw",
    "no_rw": "rw",
    "date": "date",
    "tanggal": "date",
    "konfirmasi": "positif",
    "isolasi_mandiri": "self_isolation",
    "source": "source",
    "sumber": "source",
    **{column: column for column in CaseReport.COUNT_COLUMNS},
}
SAVED_FIELDS = ("schema", *CaseReport.COUNT_COLUMNS, "details", "source", "provenance")
# The first day of the KMK 413/2020 terms in the 2020 files (see CaseReport.Schema).
SUSPEK_FROM = date(2020, 7, 1)
XLSX_SIGNATURE = b"PK\x03\x04"
BATCH_SIZE = 1000

Row = tuple[int, dict[str, Any]]  # (row number in the file, column -> cell)


def read_table(name: str, data: bytes) -> list[Row]:
    """The data rows of a CSV or XLSX file (told apart by content) under canonical columns."""
    if data.startswith(XLSX_SIGNATURE):
        table = read_xlsx(name, data)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DataFileError(name, _("not a CSV (UTF-8) or XLSX file")) from None
        table = read_csv(name, text)
    if not table:
        raise DataFileError(name, _("the file is empty"))
    header = [
        ALIASES.get(re.sub(r"\W+", "_", str(h or "").strip().lower()).strip("_"), "")
        for h in table[0]
    ]
    if "date" not in header:
        raise DataFileError(name, missing_message(["date"]), row=1)
    if "rw_code" not in header and not {"kelurahan_code", "rw"} <= set(header):
        raise DataFileError(name, missing_message(["rw_code / kelurahan_code + rw"]), row=1)
    if not set(CaseReport.COUNT_COLUMNS) & set(header):
        raise DataFileError(name, missing_message(["positif"]), row=1)
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(str(cell).strip() for cell in cells if cell is not None):
            continue
        values = {col: cell for col, cell in zip(header, cells, strict=False) if col}
        rows.append((number, values))
    return rows


def read_csv(name: str, text: str) -> list[list[Any]]:
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)  # spreadsheet programs in Indonesia write ";"
    try:
        return list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as error:
        raise DataFileError(name, _("cannot read the file: %(error)s") % {"error": error}) from None


def read_xlsx(name: str, data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook  # only imports need it: keeps it out of web workers

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a broken file
        raise DataFileError(name, _("cannot read the file: %(error)s") % {"error": error}) from None
    try:
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def parse_date(name: str, number: int, raw: Any, today: date) -> date:
    if isinstance(raw, datetime):
        day = raw.date()
    elif isinstance(raw, date):
        day = raw
    else:
        try:
            day = date.fromisoformat(str(raw or "").strip()[:10])
        except ValueError:
            raise DataFileError(
                name, _("not a date (YYYY-MM-DD): %(value)r") % {"value": raw}, row=number
            ) from None
    if day > today:
        message = _("the date %(date)s is in the future") % {"date": day.isoformat()}
        raise DataFileError(name, message, row=number)
    return day


def count_cell(raw: Any) -> Any:
    """Spreadsheets store 5 as 5.0: a whole float is a whole number, any other is not."""
    return int(raw) if isinstance(raw, float) and raw.is_integer() and raw >= 0 else raw


class RWIndex:
    """Finds an RW by BPS code, or by kelurahan code and number (two queries, once)."""

    def __init__(self) -> None:
        self.kelurahan = kelurahan_by_code()
        self.by_number: dict[tuple[int, int], tuple[int, int]] = {}
        self.by_bps: dict[str, tuple[int, int]] = {}
        for pk, kelurahan, number, refs in RW.objects.values_list(
            "pk", "kelurahan_id", "number", "source_ref"
        ):
            self.by_number[kelurahan, number] = (pk, kelurahan)
            for ref in refs.split(","):
                if ref.strip():
                    self.by_bps[ref.strip()] = (pk, kelurahan)

    def find(self, name: str, number: int, values: dict[str, Any]) -> tuple[int, int]:
        """(RW pk, kelurahan pk) of the row's RW; DataFileError naming what is unknown."""
        code = str(values.get("rw_code") or "").strip()
        if code:
            found = self.by_bps.get(code)
            if found is None:
                message = _("unknown RW: no RW has the BPS code %(code)s") % {"code": code}
                raise DataFileError(name, message, row=number)
            return found
        kel_code = str(values.get("kelurahan_code") or "").strip()
        plain = kel_code.replace(".", "")
        kelurahan = (
            self.kelurahan.get(dotted_code(plain)) if re.fullmatch(r"\d{10}", plain) else None
        )
        if kelurahan is None:
            message = _("unknown kelurahan code %(code)r") % {"code": kel_code}
            raise DataFileError(name, message, row=number)
        rw_text = re.sub(r"(?i)^rw\s*", "", str(count_cell(values.get("rw")) or "").strip())
        found = self.by_number.get((kelurahan, int(rw_text))) if rw_text.isdigit() else None
        if found is None:
            message = _("unknown RW: kelurahan %(code)s has no RW %(rw)r") % {
                "code": kel_code,
                "rw": values.get("rw"),
            }
            raise DataFileError(name, message, row=number)
        return found


def row_values(name: str, number: int, values: dict[str, Any], day: date) -> dict[str, Any]:
    counts = {
        column: parse_count(count_cell(values.get(column)), Path(name), number, column)
        for column in CaseReport.COUNT_COLUMNS
    }
    if all(value is None for value in counts.values()):
        raise DataFileError(name, _("no count in this row"), row=number)
    old_terms = counts["odp"] is not None or counts["pdp"] is not None
    new_terms = counts["suspek"] is not None or counts["probable"] is not None
    if old_terms and new_terms:
        message = _("ODP/PDP and suspek/probable in one row: use the terms of the date")
        raise DataFileError(name, message, row=number)
    if old_terms or (not new_terms and day < SUSPEK_FROM):
        schema = CaseReport.Schema.ODP_PDP
    else:
        schema = CaseReport.Schema.SUSPEK
    return {"schema": schema, **counts, "details": {}}


def import_rw_case_file(
    name: str, data: bytes, summary: Summary, *, source: str = "", today: date | None = None
) -> None:
    """Load one RW case file: bad rows skipped with their reason, the good rows saved."""
    today = today or timezone.localdate()
    rows = read_table(name, data)
    index = RWIndex()
    reports: dict[tuple[int, date], dict[str, Any]] = {}
    first_row: dict[tuple[int, date], int] = {}
    covered: dict[date, set[int]] = defaultdict(set)
    for number, values in progress(rows, desc="RW case rows", total=len(rows)):
        try:
            rw, kelurahan = index.find(name, number, values)
            day = parse_date(name, number, values.get("date"), today)
            report = row_values(name, number, values, day)
            if (rw, day) in reports:
                message = _("duplicate row: this RW and date are already on row %(row)d")
                raise DataFileError(name, message % {"row": first_row[rw, day]}, row=number)
        except DataFileError as error:
            summary.skip(error)
            continue
        row_source = str(values.get("source") or "").strip() or source or Path(name).name
        reports[rw, day] = {**report, "source": row_source[:200], "provenance": Provenance.OFFICIAL}
        first_row[rw, day] = number
        covered[day].add(kelurahan)
    save_rw_reports(summary, reports, covered)


def save_rw_reports(
    summary: Summary,
    reports: dict[tuple[int, date], dict[str, Any]],
    covered: dict[date, set[int]],
) -> None:
    """Upsert the counted reports, then drop the estimates of their kelurahan and dates."""
    stored = CaseReport.objects.rw_level().filter(report_date__in=list(covered))
    existing = {
        (row[0], row[1]): (row[2], dict(zip(SAVED_FIELDS, row[3:], strict=True)))
        for row in stored.values_list("rw_id", "report_date", "pk", *SAVED_FIELDS)
    }
    new: list[CaseReport] = []
    changed: list[CaseReport] = []
    for (rw, day), values in reports.items():
        pk, before = existing.get((rw, day), (None, None))
        if values == before:
            summary.unchanged += 1
            continue
        report = CaseReport(pk=pk, rw_id=rw, report_date=day, **values)
        (new if pk is None else changed).append(report)
    CaseReport.objects.bulk_create(new, batch_size=BATCH_SIZE)
    CaseReport.objects.bulk_update(changed, SAVED_FIELDS, batch_size=BATCH_SIZE)
    summary.created += len(new)
    summary.updated += len(changed)
    replaced = 0
    for day, kelurahan in sorted(covered.items()):
        estimates = CaseReport.objects.rw_level().estimated()
        replaced += estimates.filter(report_date=day, rw__kelurahan__in=kelurahan).delete()[0]
    if replaced:
        summary.updated += replaced
        message = _(
            "%(count)d estimated RW figures replaced by counted ones (same kelurahan and date)"
        )
        summary.note(message % {"count": replaced})


def file_importer(path: Path, *, source: str = "") -> Callable[[Path, Summary], None]:
    """The importer of one file in the shape run_data_set() takes."""

    def run(_data_dir: Path, summary: Summary) -> None:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise DataFileError(
                path, _("cannot read the file: %(error)s") % {"error": error}
            ) from None
        import_rw_case_file(str(path), data, summary, source=source)

    return run
