"""The daily series of 2020 (emsifa-covid-heatmap/data.json), keyed by kelurahan name: see the
package docstring for the names, the aliases and the last day used."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from recipients.importers.base import DataFileError, Summary, progress
from recipients.importers.cases.month_end import (
    MONTH_END_SOURCE,
    dotted_code,
    month_end_files,
    read_layout,
    read_rows,
)
from recipients.importers.cases.reports import (
    HEADLINE_FIELDS,
    Key,
    kelurahan_by_code,
    missing_message,
    parse_count,
    save_reports,
    stored_reports,
)
from recipients.models import Area, CaseReport

DAILY_FILE = Path("emsifa-covid-heatmap") / "data.json"
DAILY_SOURCE = "Pemprov DKI Jakarta daily kelurahan files, via emsifa/jakarta-covid-19-heatmap"
DAILY_LAST_DAY = date(2020, 7, 16)
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


def name_key(name: str) -> str:
    """Kelurahan names compared without case, spaces or punctuation ("BALE KAMBANG")."""
    return re.sub(r"[^A-Z0-9]", "", name.upper())


def fold_alias(name: str) -> str:
    """The official name behind a short-lived alias of the daily series ("P. PARI")."""
    name = " ".join(name.upper().split())
    name = re.sub(r"^P\.\s*", "PULAU ", name)
    return DAILY_ALIASES.get(name, name)


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
        existing = stored_reports(
            CaseReport.objects.kelurahan_level().filter(report_date__range=(first, last))
        )
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
