"""RW case estimates: each kelurahan's report shared among its RWs by households, summing
exactly to the kelurahan figure, marked as estimates, replaced by counted figures."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from recipients.case_estimates import apportion, generate_case_estimates, rw_shares
from recipients.demo_dataset import generate_demo_dataset
from recipients.importers.base import Summary, run_data_set
from recipients.models import RW, CaseReport, Provenance

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("packages")]


@pytest.fixture
def demo() -> Summary:
    return run_data_set(generate_demo_dataset, Path("."), "demo")


def test_largest_remainder_sums_exactly_and_breaks_ties_by_order():
    assert apportion(10, [1, 1, 1]) == [4, 3, 3]
    assert apportion(10, [1, 1, 1], order=[3, 2, 1]) == [3, 3, 4]
    assert apportion(7, [0, 0]) == [4, 3]  # no weight: equal shares
    assert sum(apportion(1_000_003, [3.3, 7.1, 0.2, 9.9])) == 1_000_003


def test_every_kelurahan_on_every_date_sums_exactly_to_its_official_figure(demo):
    rws: dict[int, list[tuple[int, int, int | None]]] = {}
    for rw in RW.objects.order_by("number"):
        rws.setdefault(rw.kelurahan_id, []).append((rw.pk, rw.number, rw.households))
    reports = list(CaseReport.objects.kelurahan_level())
    assert len({r.report_date for r in reports}) == 6
    for report in reports:
        counts = {c: getattr(report, c) for c in CaseReport.COUNT_COLUMNS}
        shares = rw_shares(counts, rws[report.kelurahan_id])
        for column, total in counts.items():
            values = [share[column] for share in shares]
            assert (sum(v or 0 for v in values) if total is not None else set(values)) == (
                total if total is not None else {None}
            ), (report, column)


def test_stored_estimates_sum_to_the_kelurahan_on_the_latest_date_of_each_terms(demo):
    estimated = CaseReport.objects.rw_level()
    assert {r.provenance for r in estimated} == {Provenance.ESTIMATED}
    days = sorted({r.report_date for r in estimated})
    assert days == [datetime.date(2020, 6, 30), datetime.date(2020, 12, 31)]
    for report in CaseReport.objects.kelurahan_level().filter(report_date__in=days):
        shares = estimated.filter(report_date=report.report_date, rw__kelurahan=report.kelurahan_id)
        assert shares.count() == 6
        for column in ("positif", "sembuh", "meninggal", "odp", "suspek"):
            total = getattr(report, column)
            values = [getattr(s, column) for s in shares]
            assert (sum(values) if total is not None else set(values)) == (
                total if total is not None else {None}
            )
            assert all(s.schema == report.schema for s in shares)


def test_more_households_get_more_cases(areas):
    kel = areas["kelurahan_a"]
    small = RW.objects.create(kelurahan=kel, number=1, households=100)
    large = RW.objects.create(kelurahan=kel, number=2, households=900)
    CaseReport.objects.create(
        kelurahan=kel,
        report_date=datetime.date(2020, 5, 31),
        schema="odp_pdp",
        positif=10,
        source="x",
    )
    generate_case_estimates(Summary("x"))
    assert CaseReport.objects.get(rw=small).positif == 1
    assert CaseReport.objects.get(rw=large).positif == 9
    assert "KSBB estimate" in CaseReport.objects.get(rw=small).source


def test_a_second_run_changes_nothing(demo):
    again = run_data_set(generate_demo_dataset, Path("."), "demo")
    assert (again.created, again.updated) == (0, 0)


def test_a_kelurahan_with_counted_rw_figures_gets_no_estimate_that_day(areas):
    kel = areas["kelurahan_a"]
    day = datetime.date(2020, 5, 31)
    one = RW.objects.create(kelurahan=kel, number=1, households=100)
    two = RW.objects.create(kelurahan=kel, number=2, households=100)
    CaseReport.objects.create(
        kelurahan=kel, report_date=day, schema="odp_pdp", positif=10, source="x"
    )
    CaseReport.objects.create(rw=one, report_date=day, schema="odp_pdp", positif=3, source="count")
    generate_case_estimates(Summary("x"))
    assert not CaseReport.objects.filter(rw=two).exists()
    assert CaseReport.objects.get(rw=one).positif == 3


def test_estimates_of_a_date_no_longer_the_latest_are_removed(areas):
    kel = areas["kelurahan_a"]
    RW.objects.create(kelurahan=kel, number=1, households=100)
    for day in (datetime.date(2020, 5, 30), datetime.date(2020, 5, 31)):
        CaseReport.objects.create(
            kelurahan=kel, report_date=day, schema="odp_pdp", positif=1, source="x"
        )
        generate_case_estimates(Summary("x"))
    dates = set(CaseReport.objects.rw_level().values_list("report_date", flat=True))
    assert dates == {datetime.date(2020, 5, 31)}


def test_a_report_belongs_to_a_kelurahan_or_an_rw_never_both(areas):
    from django.db import IntegrityError, transaction

    rw = RW.objects.create(kelurahan=areas["kelurahan_a"], number=1)
    for owner in ({"kelurahan": areas["kelurahan_a"], "rw": rw}, {}):
        with pytest.raises(IntegrityError), transaction.atomic():
            CaseReport.objects.create(
                report_date=datetime.date(2020, 5, 31), schema="odp_pdp", source="x", **owner
            )
