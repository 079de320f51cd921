"""Importers of the official 2020 COVID-19 counts per kelurahan into CaseReport: the ten
month-end files (Mar-Dec) and the daily series (26 Mar - 16 Jul).

Decisions:
- One CaseReport per (kelurahan, day), and the official month-end files win. The month-end
  importer overwrites whatever is stored for its days; the daily importer skips every day a
  month-end file provides (a file in the data directory, or a stored report whose source is a
  month-end file), counted in one summary note. Both importers are idempotent, and running
  them in either order gives the same table.
- Month-end CSVs repeat column names (two ID_KEL, several "Perawatan RS", "Meninggal", ...)
  and add columns over the year, so they are read by position: an upper-case header (ODP, PDP,
  SUSPEK, PROBABLE, PELAKU PERJALANAN, KONTAK ERAT, DISCARDED, POSITIF) opens a group and the
  columns after it are its sub-counts, keyed "<group>_<column>" in snake case
  ("probable_perawatan_rs"). The headline counts fill their own columns; the POSITIF group's
  Dirawat / Sembuh / Meninggal / Self Isolation fill dirawat, sembuh, meninggal,
  self_isolation; every other count goes to `details`. "N/A" (all suspek columns of December)
  and empty cells are stored as null. TOTAL / BELUM DIKETAHUI / LUAR DKI JAKARTA / PROSES
  UPDATE DATA rows are not kelurahan: they are counted in one note, not reported as errors.
- The daily series is keyed by upper-case kelurahan name: names are matched through the
  month-end files' nama_kelurahan -> ID_KEL and then the Area names, ignoring case, spaces and
  punctuation, after folding the Kepulauan Seribu aliases ("P. HARAPAN" -> "PULAU HARAPAN",
  "UNTUNG JAWA" -> "PULAU UNTUNG JAWA"); when an alias and the official name give the same
  day, the official name's figures are kept. Days after 16 Jul 2020 are skipped: from 17 Jul
  the source switched to the KMK 413/2020 definitions, so its "odp"/"pdp" fields no longer
  mean ODP/PDP (province-wide "ODP selesai pemantauan" falls from 84,917 to 388 overnight).
- Writes go through one query that reads the stored reports of the affected days into a dict,
  then bulk_create / bulk_update in batches, so the whole import takes seconds.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ksbb.lib.httpcache import bump
from recipients.importers.base import DataFileError, Summary, progress
from recipients.models import Area, CaseReport

MONTH_END_DIR = Path("dki-covid-kelurahan-2020") / "csv"
MONTH_END_NAME = re.compile(r"^kelurahan_(\d{4}-\d{2}-\d{2})\.csv$")
DAILY_FILE = Path("emsifa-covid-heatmap") / "data.json"
# The prefix tells a report from a month-end file apart from a daily one (see the docstring).
MONTH_END_SOURCE = "Pemprov DKI Jakarta, Standar Kelurahan Data Corona"
DAILY_SOURCE = "Pemprov DKI Jakarta daily kelurahan files, via emsifa/jakarta-covid-19-heatmap"
DAILY_LAST_DAY = date(2020, 7, 16)
BATCH_SIZE = 1000

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
# Column key -> CaseReport field; every other count column goes to `details`.
HEADLINE_KEYS = {
    "odp": "odp",
    "pdp": "pdp",
    "suspek": "suspek",
    "probable": "probable",
    "positif": "positif",
    "positif_dirawat": "dirawat",
    "positif_sembuh": "sembuh",
    "positif_meninggal": "meninggal",
    "positif_self_isolation": "self_isolation",
}
HEADLINE_FIELDS = tuple(HEADLINE_KEYS.values())
SAVED_FIELDS = ("schema", *HEADLINE_FIELDS, "details", "source")
POSITIF_KEYS = ("positif", "positif_dirawat", "positif_sembuh", "positif_meninggal")
REQUIRED = {
    CaseReport.Schema.ODP_PDP: ("odp", "pdp", *POSITIF_KEYS),
    CaseReport.Schema.SUSPEK: ("suspek", "probable", *POSITIF_KEYS),
}
NOT_KELURAHAN = {"TOTAL", "BELUM DIKETAHUI", "LUAR DKI JAKARTA", "PROSES UPDATE DATA"}
# Field of the daily series -> CaseReport field or `details` key (same keys as the CSVs).
DAILY_FIELDS = {
    "odp": "odp",
    "odppp": "odp_proses_pemantauan",
    "odpsp": "odp_selesai_pemantauan",
    "pdp": "pdp",
    "pdpmd": "pdp_masih_dirawat",
    "pdpps": "pdp_pulang_dan_sehat",
    "positif": "positif",
    "dirawat": "dirawat",
    "sembuh": "sembuh",
    "meninggal": "meninggal",
    "isolasi": "self_isolation",
}
DAILY_ALIASES = {"UNTUNG JAWA": "PULAU UNTUNG JAWA"}

Key = tuple[int, date]  # (kelurahan pk, report date)


def snake(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def name_key(name: str) -> str:
    """Kelurahan names compared without case, spaces or punctuation ("BALE KAMBANG")."""
    return re.sub(r"[^A-Z0-9]", "", name.upper())


def fold_alias(name: str) -> str:
    """The official name behind a short-lived alias of the daily series ("P. PARI")."""
    name = " ".join(name.upper().split())
    name = re.sub(r"^P\.\s*", "PULAU ", name)
    return DAILY_ALIASES.get(name, name)


def dotted_code(plain: str) -> str:
    """3171011001 -> 31.71.01.1001 (Kemendagri kelurahan code)."""
    return f"{plain[:2]}.{plain[2:4]}.{plain[4:6]}.{plain[6:]}"


def kelurahan_by_code() -> dict[str, int]:
    """Dotted Kemendagri code -> pk of every kelurahan (one query)."""
    return dict(Area.objects.kelurahan().values_list("code", "pk"))


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


def missing_message(columns: list[str]) -> str:
    return ngettext("missing column %(columns)s", "missing columns %(columns)s", len(columns)) % {
        "columns": ", ".join(columns)
    }


def parse_count(raw: Any, path: Path, row: int | str, column: str) -> int | None:
    """A count cell: a whole number >= 0; "N/A" and empty cells are null."""
    if type(raw) is int and raw >= 0:  # the daily series' 320,000 counts take this path
        return raw
    if raw is None or (isinstance(raw, str) and raw.strip() in ("", "N/A")):
        return None
    if isinstance(raw, str) and raw.strip().isdigit():
        return int(raw.strip())
    message = _("column %(column)s: %(value)r is not a whole number") % {
        "column": column,
        "value": raw,
    }
    raise DataFileError(path, message, row=row)


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
    existing = stored_reports(CaseReport.objects.filter(report_date__in=[d for d, _p in files]))
    save_reports(summary, reports, existing)


def kelurahan_by_name(data_dir: Path) -> dict[str, int]:
    """Normalised kelurahan name -> pk: the month-end files' own names first, then Areas."""
    codes = kelurahan_by_code()
    names: dict[str, int] = {}
    for _day, path in month_end_files(data_dir):
        try:
            rows = read_rows(path)
            layout = read_layout(path, rows[0] if rows else [])
        except DataFileError:
            continue  # the month-end importer reports broken files
        for row in rows[1:]:
            if len(row) > layout.name_col and re.fullmatch(r"\d{10}", row[0].strip()):
                pk = codes.get(dotted_code(row[0].strip()))
                if pk is not None:
                    names.setdefault(name_key(row[layout.name_col]), pk)
    for name, pk in Area.objects.kelurahan().values_list("name", "pk"):
        names.setdefault(name_key(name), pk)
    return names


def load_daily_series(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as handle:
            series = json.load(handle)
    except FileNotFoundError:
        raise DataFileError(path, _("file not found")) from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise DataFileError(path, _("not valid JSON: %(error)s") % {"error": error}) from None
    if not isinstance(series, dict):
        raise DataFileError(path, _("expected an object keyed by kelurahan name"))
    return series


def daily_values(path: Path, where: str, counts: Any) -> dict[str, Any]:
    if not isinstance(counts, dict):
        raise DataFileError(path, _("expected an object of counts"), row=where)
    values: dict[str, Any] = dict.fromkeys(HEADLINE_FIELDS)
    details: dict[str, int | None] = {}
    for field, target in DAILY_FIELDS.items():
        if field not in counts:
            raise DataFileError(path, missing_message([field]), row=where)
        count = parse_count(counts[field], path, where, field)
        if target in values:
            values[target] = count
        else:
            details[target] = count
    return {"schema": CaseReport.Schema.ODP_PDP, **values, "details": details}


def import_daily_cases(data_dir: Path, summary: Summary) -> None:
    """Load the daily series, leaving alone every day that a month-end file provides."""
    path = data_dir / DAILY_FILE
    series = load_daily_series(path)
    names = kelurahan_by_name(data_dir)
    if not names:
        raise DataFileError(data_dir, _("no kelurahan in the database: import the areas first"))
    month_end_days = {day for day, _path in month_end_files(data_dir)}
    reports: dict[Key, dict[str, Any]] = {}
    tally: Counter[str] = Counter()
    folded: Counter[str] = Counter()
    # Official names before aliases, so that the official figures win a day both give.
    ordered = sorted(series, key=lambda name: (fold_alias(name) != name, name))
    for name in progress(ordered, desc="daily series", total=len(ordered)):
        days = series[name]
        official = fold_alias(name)
        pk = names.get(name_key(official))
        if not isinstance(days, dict):
            summary.skip(DataFileError(path, _("expected an object keyed by date"), row=name))
            continue
        if pk is None:
            message = ngettext(
                "unknown kelurahan name; its %(count)d day was skipped",
                "unknown kelurahan name; its %(count)d days were skipped",
                len(days),
            )
            summary.skip(DataFileError(path, message % {"count": len(days)}, row=name))
            continue
        for day_text, counts in days.items():
            where = f"{name} {day_text}"
            try:
                day = date.fromisoformat(day_text)
            except ValueError:
                summary.skip(DataFileError(path, _("not a date (YYYY-MM-DD)"), row=where))
                continue
            if day > DAILY_LAST_DAY:
                tally["redefined"] += 1
            elif day in month_end_days:
                tally["month_end"] += 1
            elif (pk, day) in reports:
                tally["twice"] += 1
            else:
                try:
                    reports[pk, day] = {**daily_values(path, where, counts), "source": DAILY_SOURCE}
                except DataFileError as error:
                    summary.skip(error)
                    continue
                if official != name:
                    folded[f"{name} -> {official}"] += 1
    if reports:
        first, last = min(day for _pk, day in reports), max(day for _pk, day in reports)
        existing = stored_reports(CaseReport.objects.filter(report_date__range=(first, last)))
    else:
        existing = {}
    for key, (_pk, stored) in existing.items():
        if key in reports and stored["source"].startswith(MONTH_END_SOURCE):
            del reports[key]
            tally["month_end"] += 1
    note_daily_tally(summary, tally, folded)
    save_reports(summary, reports, existing)


def note_daily_tally(summary: Summary, tally: Counter[str], folded: Counter[str]) -> None:
    if tally["month_end"]:
        message = _("%(count)d kelurahan-days left out: a month-end file provides those days")
        summary.note(message % {"count": tally["month_end"]})
    if tally["redefined"]:
        message = _(
            "%(count)d kelurahan-days after %(day)s left out: the source changed its "
            "definitions then, so its ODP/PDP fields no longer mean ODP/PDP"
        )
        summary.note(message % {"count": tally["redefined"], "day": DAILY_LAST_DAY.isoformat()})
    if tally["twice"]:
        message = _("%(count)d kelurahan-days given twice (alias and official name): kept one")
        summary.note(message % {"count": tally["twice"]})
    if folded:
        aliases = ", ".join(f"{pair} ({count})" for pair, count in sorted(folded.items()))
        summary.note(_("aliases folded into their kelurahan: %(aliases)s") % {"aliases": aliases})


def stored_reports(reports: QuerySet[CaseReport]) -> dict[Key, tuple[int, dict[str, Any]]]:
    """(pk, saved values) of each report by (kelurahan, day), in one query and without model
    instances: 30,000 of those cost a second."""
    rows = reports.values_list("kelurahan_id", "report_date", "pk", *SAVED_FIELDS)
    return {
        (row[0], row[1]): (row[2], dict(zip(SAVED_FIELDS, row[3:], strict=True))) for row in rows
    }


def save_reports(
    summary: Summary,
    reports: dict[Key, dict[str, Any]],
    existing: dict[Key, tuple[int, dict[str, Any]]],
) -> None:
    """Create the new reports and update the changed ones in bulk, counting each."""
    new, changed = [], []
    for (kelurahan, day), values in reports.items():
        pk, stored = existing.get((kelurahan, day), (None, None))
        if values == stored:
            summary.unchanged += 1
            continue
        report = CaseReport(pk=pk, kelurahan_id=kelurahan, report_date=day, **values)
        (new if pk is None else changed).append(report)
    CaseReport.objects.bulk_create(new, batch_size=BATCH_SIZE)
    CaseReport.objects.bulk_update(changed, SAVED_FIELDS, batch_size=BATCH_SIZE)
    summary.created += len(new)
    summary.updated += len(changed)
    if new or changed:
        bump("cases")  # bulk writes send no signals
