"""Estimated COVID-19 counts per RW: each kelurahan's report shared among its RWs by households,
stored as RW-level CaseReports with provenance "estimated" (the demo generator runs this).

Decisions:
- Largest-remainder rounding per count, so the RWs of a kelurahan sum exactly to its figure;
  ties go to the lower RW number. Households weigh each RW; a kelurahan where an RW has no
  household figure (or all have 0) shares equally, since a partial weighting would be arbitrary.
- Only the latest report date of each schema (ODP/PDP and suspek/konfirmasi) gets estimates:
  every date of 2020 would be 2,687 RWs x ~150 dates = ~400,000 rows for figures that are only
  guesses, and would slow every import; two dates (~5,400 rows on Jakarta) show the RW map in
  both vocabularies of 2020 at a cost the import benchmark does not notice. Other dates show
  the kelurahan, where the counts are official.
- Counted RW figures win: a kelurahan that has any official RW report on a date gets no
  estimate for that date (the RW importer deletes the estimates it replaces), and the generator
  deletes its estimates of dates that are no longer the latest, so the table never keeps stale
  guesses. Estimates follow their kelurahan report: re-run, they are updated, not duplicated.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db.models import Max

from recipients.importers.base import Summary
from recipients.models import RW, CaseReport, Provenance

ESTIMATE_SOURCE = "KSBB estimate (kelurahan report shared by households): "
ESTIMATED_FIELDS = ("schema", *CaseReport.COUNT_COLUMNS, "details", "source", "provenance")
BATCH_SIZE = 1000


def apportion(
    total: int, weights: Sequence[float], order: Sequence[Any] | None = None
) -> list[int]:
    """`total` split in proportion to `weights` into whole numbers that sum to `total`
    (largest remainder; ties to the earlier `order` key). Equal shares when no weight is > 0."""
    if not weights:
        return []
    if sum(weights) <= 0:
        weights = [1.0] * len(weights)
    keys = list(order) if order is not None else list(range(len(weights)))
    quotas = [total * weight / sum(weights) for weight in weights]
    shares = [math.floor(quota) for quota in quotas]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - shares[i]), keys[i]))
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


RWRow = tuple[int, int, int | None]  # (pk, number, households)


def rw_shares(counts: dict[str, int | None], rws: Sequence[RWRow]) -> list[dict[str, int | None]]:
    """Each RW's share of every count (in the order of `rws`); a null count stays null."""
    households = [kk for _pk, _number, kk in rws]
    known = all(kk is not None for kk in households)
    weights = [float(kk or 0) for kk in households] if known else [1.0] * len(rws)
    numbers = [number for _pk, number, _kk in rws]
    shares: list[dict[str, int | None]] = [{} for _rw in rws]
    for column, total in counts.items():
        split: list[int | None] = [None] * len(rws)
        if total is not None:
            split = list(apportion(total, weights, numbers))
        for share, value in zip(shares, split, strict=True):
            share[column] = value
    return shares


def estimate_dates() -> list[date]:
    """The latest kelurahan report date of each schema (1 query)."""
    latest = CaseReport.objects.kelurahan_level().values("schema").annotate(day=Max("report_date"))
    return sorted({row["day"] for row in latest})


def generate_case_estimates(summary: Summary) -> None:
    """Store the RW estimates of estimate_dates(); see the module docstring."""
    dates = estimate_dates()
    rws: dict[int, list[RWRow]] = defaultdict(list)
    for pk, kelurahan, number, households in RW.objects.order_by(
        "kelurahan_id", "number"
    ).values_list("pk", "kelurahan_id", "number", "households"):
        rws[kelurahan].append((pk, number, households))
    stored = CaseReport.objects.rw_level().filter(report_date__in=dates)
    existing: dict[tuple[int, date], tuple[int, dict[str, Any]]] = {}
    counted: set[tuple[int, date]] = set()
    for row in stored.values_list(
        "rw_id", "rw__kelurahan_id", "report_date", "pk", *ESTIMATED_FIELDS
    ):
        rw, kelurahan, day, pk = row[:4]
        values = dict(zip(ESTIMATED_FIELDS, row[4:], strict=True))
        if values["provenance"] == Provenance.ESTIMATED:
            existing[rw, day] = (pk, values)
        else:
            counted.add((kelurahan, day))
    wanted: dict[tuple[int, date], dict[str, Any]] = {}
    reports = CaseReport.objects.kelurahan_level().filter(report_date__in=dates)
    for report in reports.only(
        "kelurahan_id", "report_date", "schema", "source", *CaseReport.COUNT_COLUMNS
    ):
        members = rws.get(report.kelurahan_id or 0, [])
        if not members or (report.kelurahan_id, report.report_date) in counted:
            continue
        counts = {column: getattr(report, column) for column in CaseReport.COUNT_COLUMNS}
        for (pk, _number, _kk), share in zip(members, rw_shares(counts, members), strict=True):
            wanted[pk, report.report_date] = {
                "schema": report.schema,
                **share,
                "details": {},
                "source": (ESTIMATE_SOURCE + report.source)[:200],
                "provenance": Provenance.ESTIMATED,
            }
    save_estimates(summary, wanted, existing)
    # Estimates of other dates, or of kelurahan that now have counted RW figures.
    stale = CaseReport.objects.rw_level().estimated().exclude(report_date__in=dates)
    removed, _by_model = stale.delete()
    stale_pks = [pk for key, (pk, _values) in existing.items() if key not in wanted]
    removed += CaseReport.objects.filter(pk__in=stale_pks).delete()[0] if stale_pks else 0
    if removed:
        summary.updated += removed
        summary.note(f"{removed} outdated RW case estimates removed")
    if dates:
        days = ", ".join(day.isoformat() for day in dates)
        summary.note(f"{len(wanted)} RW case estimates on {days}")


def save_estimates(
    summary: Summary,
    wanted: dict[tuple[int, date], dict[str, Any]],
    existing: dict[tuple[int, date], tuple[int, dict[str, Any]]],
) -> None:
    new: list[CaseReport] = []
    changed: list[CaseReport] = []
    for (rw, day), values in wanted.items():
        pk, stored = existing.get((rw, day), (None, None))
        if values == stored:
            summary.unchanged += 1
            continue
        report = CaseReport(pk=pk, rw_id=rw, report_date=day, **values)
        (new if pk is None else changed).append(report)
    CaseReport.objects.bulk_create(new, batch_size=BATCH_SIZE)
    CaseReport.objects.bulk_update(changed, ESTIMATED_FIELDS, batch_size=BATCH_SIZE)
    summary.created += len(new)
    summary.updated += len(changed)
