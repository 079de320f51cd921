"""The month-end kelurahan CSVs (Mar-Dec 2020), read by position: see the package docstring."""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from recipients.importers.base import DataFileError, Summary, progress
from recipients.importers.cases.reports import (
    HEADLINE_FIELDS,
    HEADLINE_KEYS,
    Key,
    kelurahan_by_code,
    missing_message,
    parse_count,
    save_reports,
    stored_reports,
)
from recipients.models import CaseReport

MONTH_END_DIR = Path("dki-covid-kelurahan-2020") / "csv"
MONTH_END_NAME = re.compile(r"^kelurahan_(\d{4}-\d{2}-\d{2})\.csv$")
# The prefix tells a month-end report from a daily one (see the package docstring).
MONTH_END_SOURCE = "Pemprov DKI Jakarta, Standar Kelurahan Data Corona"

# Upper-case headers that open a group of counts; the columns after one are its sub-counts.
GROUPS = {
    "ODP",
    "PDP",
    "SUSPEK",
    "PROBABLE",
    "PELAKU PERJALANAN",
    "KONTAK ERAT",
    "DISCARDED",
    "POSITIF",
}
POSITIF_KEYS = ("positif", "positif_dirawat", "positif_sembuh", "positif_meninggal")
REQUIRED = {
    CaseReport.Schema.ODP_PDP: ("odp", "pdp", *POSITIF_KEYS),
    CaseReport.Schema.SUSPEK: ("suspek", "probable", *POSITIF_KEYS),
}
NOT_KELURAHAN = {"TOTAL", "BELUM DIKETAHUI", "LUAR DKI JAKARTA", "PROSES UPDATE DATA"}


def snake(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def dotted_code(plain: str) -> str:
    """3171011001 -> 31.71.01.1001 (Kemendagri kelurahan code)."""
    return f"{plain[:2]}.{plain[2:4]}.{plain[4:6]}.{plain[6:]}"


def month_end_files(data_dir: Path) -> list[tuple[date, Path]]:
    """The month-end kelurahan CSVs by date; an empty list if there are none."""
    folder = data_dir / MONTH_END_DIR
    found = []
    for path in sorted(folder.glob("kelurahan_*.csv")) if folder.is_dir() else []:
        match = MONTH_END_NAME.match(path.name)
        if match:
            found.append((date.fromisoformat(match[1]), path))
    return found


def read_rows(path: Path) -> list[list[str]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return list(csv.reader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise DataFileError(path, _("cannot read the file: %(error)s") % {"error": error}) from None


@dataclass
class Layout:
    """Where the columns of one month-end file are: its schema and each count's key."""

    schema: str
    name_col: int
    width: int
    columns: list[tuple[int, str, str]]  # (position, key, header as written)


def read_layout(path: Path, header: list[str]) -> Layout:
    titles = [title.strip() for title in header]
    if not titles or titles[0].upper() != "ID_KEL":
        raise DataFileError(path, _("the first column must be ID_KEL"), row=1)
    lowered = [title.lower() for title in titles]
    if "nama_kelurahan" not in lowered:
        raise DataFileError(path, missing_message(["nama_kelurahan"]), row=1)
    name_col = lowered.index("nama_kelurahan")
    group, columns, seen = None, [], set()
    for pos in range(name_col + 1, len(titles)):
        title = titles[pos]
        if not title or title.lower() == "keterangan":
            continue  # free-text remarks, empty in every 2020 file
        if title.upper() in GROUPS:
            group = key = snake(title)
        elif group is None:
            message = _("column %(column)s comes before any count group (ODP, SUSPEK, ...)")
            raise DataFileError(path, message % {"column": title}, row=1)
        else:
            sub = snake(title).removeprefix(group + "_")
            key = f"{group}_{sub}"
        if key in seen:
            message = _("column %(column)s appears twice in the same group")
            raise DataFileError(path, message % {"column": title}, row=1)
        seen.add(key)
        columns.append((pos, key, title))
    if "odp" in seen:
        schema = CaseReport.Schema.ODP_PDP
    elif "suspek" in seen:
        schema = CaseReport.Schema.SUSPEK
    else:
        raise DataFileError(path, missing_message(["ODP / SUSPEK"]), row=1)
    missing = [key for key in REQUIRED[schema] if key not in seen]
    # Without its group header, a group's sub-counts are not missing but misplaced: name the
    # header alone ("POSITIF", not also "POSITIF DIRAWAT", ...).
    missing = [key for key in missing if key.split("_")[0] == key or key.split("_")[0] in seen]
    missing = [key.replace("_", " ").upper() for key in missing]
    if missing:
        raise DataFileError(path, missing_message(missing), row=1)
    return Layout(schema, name_col, len(titles), columns)


def parse_month_end_row(
    path: Path, rownum: int, row: list[str], layout: Layout, codes: dict[str, int]
) -> tuple[int | None, dict[str, Any]]:
    """(kelurahan pk, report values) of one data row; pk None for a non-kelurahan row."""
    plain = row[0].strip()
    label = row[layout.name_col].strip().upper() if len(row) > layout.name_col else ""
    if plain.upper() in NOT_KELURAHAN or (not plain and label in NOT_KELURAHAN | {""}):
        return None, {"label": plain.upper() or label or "TOTAL"}
    if len(row) < layout.width:
        message = _("expected %(expected)d cells, found %(found)d") % {
            "expected": layout.width,
            "found": len(row),
        }
        raise DataFileError(path, message, row=rownum)
    if not re.fullmatch(r"\d{10}", plain):
        message = _("ID_KEL %(code)r is not a 10-digit kelurahan code") % {"code": plain}
        raise DataFileError(path, message, row=rownum)
    pk = codes.get(dotted_code(plain))
    if pk is None:
        message = _("unknown ID_KEL %(code)s (no such kelurahan among the imported areas)")
        raise DataFileError(path, message % {"code": plain}, row=rownum)
    values: dict[str, Any] = dict.fromkeys(HEADLINE_FIELDS)
    details: dict[str, int | None] = {}
    for pos, key, title in layout.columns:
        count = parse_count(row[pos], path, rownum, title)
        if key in HEADLINE_KEYS:
            values[HEADLINE_KEYS[key]] = count
        else:
            details[key] = count
    return pk, {"schema": layout.schema, **values, "details": details}


def import_month_end_cases(data_dir: Path, summary: Summary) -> None:
    """Load every month-end kelurahan CSV, overwriting stored reports of those days."""
    files = month_end_files(data_dir)
    if not files:
        raise DataFileError(data_dir / MONTH_END_DIR, _("no kelurahan_YYYY-MM-DD.csv files"))
    codes = kelurahan_by_code()
    if not codes:
        raise DataFileError(data_dir, _("no kelurahan in the database: import the areas first"))
    reports: dict[Key, dict[str, Any]] = {}
    special: Counter[str] = Counter()
    for day, path in progress(files, desc="month-end files"):
        try:
            rows = read_rows(path)
            layout = read_layout(path, rows[0] if rows else [])
        except DataFileError as error:
            summary.skip(error)
            continue
        source = f"{MONTH_END_SOURCE}, {day.isoformat()} ({path.name})"
        for rownum, row in enumerate(rows[1:], start=2):
            if not any(cell.strip() for cell in row):
                continue
            try:
                pk, values = parse_month_end_row(path, rownum, row, layout, codes)
            except DataFileError as error:
                summary.skip(error)
                continue
            if pk is None:
                special[values["label"]] += 1
            elif (pk, day) in reports:
                summary.skip(DataFileError(path, _("kelurahan listed twice"), row=rownum))
            else:
                reports[pk, day] = {**values, "source": source}
    if special:
        labels = ", ".join(f"{label} ({count})" for label, count in sorted(special.items()))
        summary.note(_("rows that are not kelurahan left out: %(labels)s") % {"labels": labels})
    on_days = CaseReport.objects.kelurahan_level().filter(report_date__in=[d for d, _p in files])
    existing = stored_reports(on_days)
    save_reports(summary, reports, existing)
