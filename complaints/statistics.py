"""The public statistics of complaints: counts per kota / kecamatan / kelurahan, per category
and per status, the share followed up within the target, the median time to *Selesai*, and
complaints received and closed per week. Never anything about a reporter.

Built in three queries (categories, statuses, one row per complaint with only the columns the
figures need) and summed here: the figures share one pass over the rows.
"""

from __future__ import annotations

import statistics as pystats
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from complaints.models import Category, Complaint, ComplaintEvent, Status

# How many weeks the chart shows, ending with the current one.
WEEKS = 12
# CRM's "done" status (fixtures/complaint_statuses.json). The follow-up target is met by any
# closed status (Menunggu Validasi too); the median is the time until the work is *Selesai*.
SELESAI_CODE = "selesai"


@dataclass
class AreaRow:
    code: str
    name: str
    complaints: int = 0
    open: int = 0
    overdue: int = 0


@dataclass
class CountRow:
    code: str
    name: str
    complaints: int


@dataclass
class Week:
    start: date
    received: int = 0
    closed: int = 0

    @property
    def label(self) -> str:
        year, week, _day = self.start.isocalendar()
        return f"{year}-W{week:02d}"


@dataclass
class Statistics:
    total: int
    open: int
    overdue: int
    # Complaints whose target is decided: followed up, or open past their due date.
    target_decided: int
    within_target: int
    median_days_to_selesai: float | None
    kota: list[AreaRow]
    kecamatan: list[AreaRow]
    kelurahan: list[AreaRow]
    categories: list[CountRow]
    statuses: list[CountRow]
    weeks: list[Week] = field(default_factory=list)

    @property
    def within_target_share(self) -> float | None:
        """Between 0 and 1; None while no complaint's target is decided."""
        if not self.target_decided:
            return None
        return self.within_target / self.target_decided

    @property
    def within_target_percent(self) -> int | None:
        share = self.within_target_share
        return None if share is None else round(share * 100)

    def as_json(self) -> dict[str, Any]:
        def areas(rows: list[AreaRow]) -> list[dict[str, Any]]:
            return [vars(row).copy() for row in rows]

        return {
            "complaints": self.total,
            "open": self.open,
            "overdue": self.overdue,
            "followed_up_within_target": {
                "decided": self.target_decided,
                "within_target": self.within_target,
                "share": self.within_target_share,
            },
            "median_days_to_selesai": self.median_days_to_selesai,
            "per_kota": areas(self.kota),
            "per_kecamatan": areas(self.kecamatan),
            "per_kelurahan": areas(self.kelurahan),
            "per_category": [vars(row).copy() for row in self.categories],
            "per_status": [vars(row).copy() for row in self.statuses],
            "per_week": [
                {
                    "week": week.label,
                    "start": week.start.isoformat(),
                    "received": week.received,
                    "closed": week.closed,
                }
                for week in self.weeks
            ],
        }

    def csv_rows(self) -> list[tuple[str, str, str, str, Any]]:
        """Long format: (table, code, name, measure, value)."""
        rows: list[tuple[str, str, str, str, Any]] = [
            ("summary", "", "", "complaints", self.total),
            ("summary", "", "", "open", self.open),
            ("summary", "", "", "overdue", self.overdue),
            ("summary", "", "", "target_decided", self.target_decided),
            ("summary", "", "", "followed_up_within_target", self.within_target),
            ("summary", "", "", "followed_up_within_target_share", self.within_target_share),
            ("summary", "", "", "median_days_to_selesai", self.median_days_to_selesai),
        ]
        for table, area_rows in (
            ("kota", self.kota),
            ("kecamatan", self.kecamatan),
            ("kelurahan", self.kelurahan),
        ):
            for row in area_rows:
                for measure in ("complaints", "open", "overdue"):
                    rows.append((table, row.code, row.name, measure, getattr(row, measure)))
        for table, count_rows in (("category", self.categories), ("status", self.statuses)):
            rows.extend(
                (table, row.code, row.name, "complaints", row.complaints) for row in count_rows
            )
        for week in self.weeks:
            rows.append(("week", week.label, week.start.isoformat(), "received", week.received))
            rows.append(("week", week.label, week.start.isoformat(), "closed", week.closed))
        return rows


def _local_date(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def build_statistics(today: date | None = None) -> Statistics:
    today = today or timezone.localdate()
    categories = list(
        Category.objects.order_by("sort_order", "name").values_list("pk", "code", "name")
    )
    statuses = list(Status.objects.order_by("sort_order", "code").values_list("pk", "code", "name"))
    first_selesai = (
        ComplaintEvent.objects.filter(
            complaint=OuterRef("pk"),
            kind=ComplaintEvent.Kind.STATUS,
            status__code=SELESAI_CODE,
        )
        .order_by("created", "id")
        .values("created")[:1]
    )
    rows = (
        Complaint.objects.annotate(selesai_at=Subquery(first_selesai))
        .values_list(
            "category_id",
            "status_id",
            "status__is_open",
            "due_date",
            "received_at",
            "followed_up_at",
            "closed_at",
            "kelurahan__code",
            "kelurahan__name",
            "kelurahan__parent__code",
            "kelurahan__parent__name",
            "kelurahan__parent__parent__code",
            "kelurahan__parent__parent__name",
            "selesai_at",
        )
        .order_by()
    )

    per_category: Counter[int] = Counter()
    per_status: Counter[int] = Counter()
    areas: dict[str, dict[str, AreaRow]] = {"kota": {}, "kecamatan": {}, "kelurahan": {}}
    monday = _monday(today)
    weeks = {monday - timedelta(weeks=n): Week(monday - timedelta(weeks=n)) for n in range(WEEKS)}
    total = open_count = overdue_count = decided = within = 0
    days_to_selesai: list[float] = []

    for (
        category_id, status_id, is_open, due, received, followed_up, closed,
        kel_code, kel_name, kec_code, kec_name, kota_code, kota_name, selesai_at,
    ) in rows:  # fmt: skip
        total += 1
        per_category[category_id] += 1
        per_status[status_id] += 1
        overdue = is_open and due < today
        open_count += is_open
        overdue_count += overdue
        followed_up_day = _local_date(followed_up)
        if followed_up_day is not None:
            decided += 1
            within += followed_up_day <= due
        elif due < today:
            decided += 1
        if selesai_at is not None:
            days_to_selesai.append((selesai_at - received).total_seconds() / 86400)
        for level, code, name in (
            ("kota", kota_code, kota_name),
            ("kecamatan", kec_code, kec_name),
            ("kelurahan", kel_code, kel_name),
        ):
            if code is None:
                continue
            row = areas[level].setdefault(code, AreaRow(code, name))
            row.complaints += 1
            row.open += is_open
            row.overdue += overdue
        received_week = weeks.get(_monday(timezone.localdate(received)))
        if received_week is not None:
            received_week.received += 1
        closed_day = _local_date(closed)
        closed_week = weeks.get(_monday(closed_day)) if closed_day else None
        if closed_week is not None:
            closed_week.closed += 1

    median = round(pystats.median(days_to_selesai), 1) if days_to_selesai else None
    return Statistics(
        total=total,
        open=open_count,
        overdue=overdue_count,
        target_decided=decided,
        within_target=within,
        median_days_to_selesai=median,
        kota=sorted(areas["kota"].values(), key=lambda row: row.code),
        kecamatan=sorted(areas["kecamatan"].values(), key=lambda row: row.code),
        kelurahan=sorted(areas["kelurahan"].values(), key=lambda row: row.code),
        categories=[CountRow(code, name, per_category[pk]) for pk, code, name in categories],
        statuses=[CountRow(code, name, per_status[pk]) for pk, code, name in statuses],
        weeks=sorted(weeks.values(), key=lambda week: week.start),
    )
