"""What both case importers share: reading a count cell and saving CaseReports in bulk."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ksbb.lib.httpcache import bump
from recipients.importers.base import DataFileError, Summary
from recipients.models import Area, CaseReport

BATCH_SIZE = 1000
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

Key = tuple[int, date]  # (kelurahan pk, report date)


def kelurahan_by_code() -> dict[str, int]:
    """Dotted Kemendagri code -> pk of every kelurahan (one query)."""
    return dict(Area.objects.kelurahan().values_list("code", "pk"))


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
    new: list[CaseReport] = []
    changed: list[CaseReport] = []
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
