"""The open-data payloads of COVID-19 case reports: cases.json per kelurahan or per RW, and
cases.csv with both levels; built from public fields, once per data version.

An RW is keyed `<kelurahan code>/<RW number, 3 digits>` ("31.71.01.1001/001") in cases.json
and in the all-RW layer (recipients/layers.py), so the map joins them without the database ids.
Every RW row carries its provenance: "estimated" (shared out from the kelurahan's report,
recipients/case_estimates.py) or "official" (counted, imported from an RW file).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from ksbb.lib import spreadsheet
from ksbb.lib.httpcache import get_value
from recipients.models import CaseReport, area_name_columns
from recipients.opendata import SOURCES_BY_TRUST

# What each payload is built from: a change to one of these rebuilds it.
CASES_TOPICS = ("areas", "cases")
LEVELS = tuple(CaseReport.Level.values)
COUNT_FIELDS = ("schema", "report_date", "source", "provenance", *CaseReport.COUNT_COLUMNS)


def rw_key(kelurahan_code: str, number: int) -> str:
    """The public key of an RW: "31.71.01.1001/001"."""
    return f"{kelurahan_code}/{number:03d}"


def least_trusted(sources: set[str] | list[str]) -> str | None:
    """The least trustworthy of some provenances (one estimate makes the sum an estimate)."""
    ranked = [s for s in SOURCES_BY_TRUST if s in sources]
    return ranked[-1] if ranked else None


def case_index() -> dict[str, Any]:
    """{"dates": every report date, "kelurahan" and "rw": {date: the provenances of its reports
    at that level}}, ISO dates oldest first (1 query per data version)."""

    def build() -> dict[str, Any]:
        is_rw = ExpressionWrapper(Q(rw__isnull=False), output_field=BooleanField())
        rows = (
            CaseReport.objects.annotate(is_rw=is_rw)
            .values_list("report_date", "is_rw", "provenance")
            .order_by("report_date")
            .distinct()
        )
        dates: list[str] = []
        by_level: dict[str, dict[str, set[str]]] = {level: {} for level in LEVELS}
        for day, by_rw, provenance in rows:
            iso = day.isoformat()
            if not dates or dates[-1] != iso:
                dates.append(iso)
            at = CaseReport.Level.RW if by_rw else CaseReport.Level.KELURAHAN
            by_level[at].setdefault(iso, set()).add(provenance)
        index: dict[str, Any] = {"dates": dates}
        for level, days in by_level.items():
            index[level] = {day: sorted(p) for day, p in days.items()}
        return index

    return get_value("case-index", CASES_TOPICS, build)


def case_dates(level: str = "") -> list[str]:
    """ISO dates with reports (of that level, if given), oldest first."""
    index = case_index()
    return list(index[level]) if level else index["dates"]


def rw_sources(day: str | None) -> list[str]:
    """The provenances of the RW reports on a date ([] when it has none)."""
    return case_index()[CaseReport.Level.RW].get(day, []) if day else []


def shown_level(day: str | None) -> tuple[str, str | None]:
    """(level, provenance) of what the map's case layer shows on a date: RWs when the date has
    RW figures, else kelurahan; the least trusted provenance of that level's figures."""
    index = case_index()
    level = CaseReport.Level.RW if rw_sources(day) else CaseReport.Level.KELURAHAN
    return level, least_trusted(index[level].get(day, [])) if day else None


def cases_data(day: str | None, dates: list[str]) -> dict[str, Any]:
    """Case counts per kelurahan code on one report date (1 query; none without a date), and
    whether (and how) the date has RW figures: "rw_level" lists their provenances."""
    on_day = (
        CaseReport.objects.none()
        if day is None
        else CaseReport.objects.kelurahan_level().filter(report_date=day)
    )
    reports = (
        on_day.select_related("kelurahan")
        .only("kelurahan__code", *COUNT_FIELDS)
        .order_by("kelurahan__code")
    )
    schema: str | None = None
    source, per, provenances = "", {}, set()
    for report in reports:
        schema, source = report.schema, report.source
        provenances.add(report.provenance)
        assert report.kelurahan is not None  # kelurahan_level()
        per[report.kelurahan.code] = report.counts()
    return {
        "date": day,
        "level": CaseReport.Level.KELURAHAN,
        "schema": schema,
        "terms": CaseReport.TERMS.get(schema, {}) if schema is not None else {},
        "source": source,
        "provenance": least_trusted(provenances),
        "rw_level": rw_sources(day),
        "dates": dates,
        "kelurahan": per,
    }


def rw_cases_data(day: str | None, dates: list[str]) -> dict[str, Any]:
    """Case counts per RW key on one report date, each with its provenance (1 query)."""
    on_day = (
        CaseReport.objects.none()
        if day is None
        else CaseReport.objects.rw_level().filter(report_date=day)
    )
    reports = (
        on_day.select_related("rw__kelurahan")
        .only("rw__number", "rw__kelurahan__code", *COUNT_FIELDS)
        .order_by("rw__kelurahan__code", "rw__number")
    )
    schema: str | None = None
    sources, per, provenances = set(), {}, set()
    for report in reports:
        assert report.rw is not None  # rw_level()
        schema = report.schema
        sources.add(report.source)
        provenances.add(report.provenance)
        per[rw_key(report.rw.kelurahan.code, report.rw.number)] = {
            "kelurahan": report.rw.kelurahan.code,
            "rw": report.rw.number,
            "provenance": report.provenance,
            **report.counts(),
        }
    return {
        "date": day,
        "level": CaseReport.Level.RW,
        "schema": schema,
        "terms": CaseReport.TERMS.get(schema, {}) if schema is not None else {},
        "sources": sorted(sources),
        "provenance": least_trusted(provenances),
        "dates": dates,
        "rw": per,
    }


CSV_COLUMNS = (
    "date",
    "level",
    "kota",
    "kecamatan",
    "kelurahan",
    "kelurahan_code",
    "rw",
    "terms",
    *CaseReport.COUNT_COLUMNS,
    "provenance",
    "source",
)


def csv_rows(day: str, levels: tuple[str, ...]) -> Iterator[tuple[Any, ...]]:
    """The kelurahan rows, then the RW rows, of one date (1 query per level)."""
    reports = CaseReport.objects.filter(report_date=day)
    groups: list[tuple[str, QuerySet[CaseReport]]] = []
    if CaseReport.Level.KELURAHAN in levels:
        groups.append(
            (
                CaseReport.Level.KELURAHAN,
                reports.kelurahan_level()
                .select_related("kelurahan__parent__parent")
                .only(*COUNT_FIELDS, *area_name_columns("kelurahan__"))
                .order_by("kelurahan__code"),
            )
        )
    if CaseReport.Level.RW in levels:
        groups.append(
            (
                CaseReport.Level.RW,
                reports.rw_level()
                .select_related("rw__kelurahan__parent__parent")
                .only("rw__number", *COUNT_FIELDS, *area_name_columns("rw__kelurahan__"))
                .order_by("rw__kelurahan__code", "rw__number"),
            )
        )
    for level, group in groups:
        for report in group:
            by_rw = level == CaseReport.Level.RW
            area = report.rw.kelurahan if by_rw and report.rw else report.kelurahan
            assert area is not None  # a report belongs to a kelurahan or an RW
            names = area.names()
            yield (
                day,
                level,
                names["kota"],
                names["kecamatan"],
                names["kelurahan"],
                area.code,
                report.rw.number if by_rw and report.rw else "",
                report.schema,
                *(getattr(report, column) for column in CaseReport.COUNT_COLUMNS),
                report.provenance,
                report.source,
            )


def build_csv(day: str | None, levels: tuple[str, ...]) -> bytes:
    """The case reports of one date as a formula-safe CSV (a header only without a date)."""
    rows = csv_rows(day, levels) if day else iter(())
    return spreadsheet.csv_bytes(CSV_COLUMNS, rows)


def latest_rw_report(rw_id: int) -> CaseReport | None:
    """The most recent report of one RW (for its recipient page; 1 query)."""
    return (
        CaseReport.objects.filter(rw_id=rw_id)
        .only("rw_id", *COUNT_FIELDS)
        .order_by("-report_date")
        .first()
    )
