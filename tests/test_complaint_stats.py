"""The public complaint statistics: the page with its chart and tables, the CSV and the JSON —
figures per area, category and status, the follow-up target, the median, the weeks; pinned
query counts; no reporter ever."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import Category, Complaint, ComplaintEvent, Status
from complaints.statistics import build_statistics
from complaints.weekly_chart import build_chart

JAKARTA = ZoneInfo("Asia/Jakarta")
# The views count against today: the figures are built around it.
TODAY = timezone.localdate()
SENTINELS = ["Sentinel Reporter 5d1e", "+62811000555", "sentinel-reporter-5d1e@example.org"]


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=JAKARTA)


@pytest.fixture
def reference(db):
    categories = {
        "undelivered": Category.objects.create(code="undelivered", name="Bantuan tidak sampai"),
        "wrong": Category.objects.create(
            code="wrong", name="Salah penerima", follow_up_days=3, sort_order=1
        ),
    }
    statuses = {
        "menunggu": Status.objects.create(code="menunggu", name="Menunggu", is_initial=True),
        "proses": Status.objects.create(code="proses", name="Proses", sort_order=3),
        "selesai": Status.objects.create(
            code="selesai", name="Selesai", is_open=False, sort_order=5
        ),
    }
    return categories, statuses


def complaint(reference, kelurahan, *, received: date, category="undelivered", status="menunggu",
              followed_up: date | None = None, number: int = 0) -> Complaint:  # fmt: skip
    categories, statuses = reference
    category_obj = categories[category]
    created = Complaint.objects.create(
        number=f"CRM-2026-{number:06d}",
        category=category_obj,
        kelurahan=kelurahan,
        description="Paket tidak sampai",
        reporter_name=SENTINELS[0],
        reporter_phone=SENTINELS[1],
        reporter_email=SENTINELS[2],
        status=statuses[status],
        received_at=at(received),
        due_date=Complaint.due_date_for(category_obj, received),
        followed_up_at=at(followed_up) if followed_up else None,
        closed_at=at(followed_up) if followed_up else None,
    )
    if followed_up:
        ComplaintEvent.objects.create(
            complaint=created,
            kind=ComplaintEvent.Kind.STATUS,
            status=statuses[status],
            public_text="Sudah diantar",
            actor_label="user",
            created=at(followed_up),
        )
    return created


@pytest.fixture
def complaints(reference, areas):
    a, b = areas["kelurahan_a"], areas["kelurahan_b"]
    return [
        # Followed up on day 2: within the 7-day target.
        complaint(
            reference,
            a,
            received=TODAY - timedelta(days=20),
            status="selesai",
            followed_up=TODAY - timedelta(days=18),
            number=1,
        ),  # fmt: skip
        # Followed up on day 10: late.
        complaint(
            reference,
            a,
            received=TODAY - timedelta(days=14),
            status="selesai",
            followed_up=TODAY - timedelta(days=4),
            number=2,
        ),  # fmt: skip
        # Open, 3-day category, received 5 days ago: overdue, target missed.
        complaint(
            reference,
            b,
            received=TODAY - timedelta(days=5),
            category="wrong",
            status="proses",
            number=3,
        ),  # fmt: skip
        # Open, not yet due: its target is not decided yet.
        complaint(reference, b, received=TODAY - timedelta(days=1), number=4),
    ]


def test_the_figures_count_per_area_category_and_status(complaints, areas):
    stats = build_statistics(TODAY)
    assert (stats.total, stats.open, stats.overdue) == (4, 2, 1)
    assert [(r.name, r.complaints, r.open, r.overdue) for r in stats.kelurahan] == [
        ("Gambir", 2, 0, 0),
        ("Cideng", 2, 2, 1),
    ]
    assert [(r.name, r.complaints) for r in stats.kecamatan] == [("Gambir", 4)]
    assert [(r.name, r.complaints) for r in stats.kota] == [("Jakarta Pusat", 4)]
    assert [(r.code, r.complaints) for r in stats.categories] == [("undelivered", 3), ("wrong", 1)]
    assert [(r.code, r.complaints) for r in stats.statuses] == [
        ("menunggu", 1),
        ("proses", 1),
        ("selesai", 2),
    ]


def test_the_target_share_counts_only_complaints_whose_target_is_decided(complaints):
    stats = build_statistics(TODAY)
    # Decided: the two followed up and the overdue one; the one not yet due is left out.
    assert (stats.within_target, stats.target_decided) == (1, 3)
    assert stats.within_target_percent == 33


def test_the_median_time_to_selesai_is_in_days(complaints):
    assert build_statistics(TODAY).median_days_to_selesai == 6.0  # 2 and 10 days


def test_the_median_counts_the_first_move_to_selesai_not_menunggu_validasi(
    reference, areas, complaints
):
    _categories, statuses = reference
    validation = Status.objects.create(code="menunggu-validasi", name="Menunggu Validasi",
                                       is_open=False)  # fmt: skip
    waiting = complaint(reference, areas["kelurahan_a"], received=TODAY - timedelta(days=3),
                        number=5)  # fmt: skip
    ComplaintEvent.objects.create(complaint=waiting, kind=ComplaintEvent.Kind.STATUS,
                                  status=validation, actor_label="user")  # fmt: skip
    assert build_statistics(TODAY).median_days_to_selesai == 6.0


def test_without_complaints_the_share_and_median_are_unknown(reference):
    stats = build_statistics(TODAY)
    assert stats.total == 0
    assert stats.within_target_share is None
    assert stats.median_days_to_selesai is None
    assert len(stats.weeks) == 12
    assert [c.complaints for c in stats.categories] == [0, 0]


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def test_weeks_count_received_and_closed_by_their_monday(complaints):
    weeks = {week.start: week for week in build_statistics(TODAY).weeks}
    assert max(weeks) == monday(TODAY)
    assert sum(w.received for w in weeks.values()) == 4
    for received in (1, 5, 14, 20):
        assert weeks[monday(TODAY - timedelta(days=received))].received >= 1
    for closed in (4, 18):
        assert weeks[monday(TODAY - timedelta(days=closed))].closed >= 1
    assert sum(w.closed for w in weeks.values()) == 2


def test_the_chart_labels_every_bar_and_scales_to_a_round_top(complaints):
    chart = build_chart(build_statistics(TODAY).weeks)
    assert len(chart.bars) == 24
    assert {bar.kind for bar in chart.bars} == {"received", "closed"}
    assert chart.ticks[-1].value == 4
    assert all(bar.y + bar.height == pytest.approx(chart.baseline) for bar in chart.bars)


def test_the_page_shows_the_chart_with_title_description_and_a_table(client, complaints):
    response = client.get(reverse("complaints:stats"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="img"' in html and "<title id=" in html and "<desc id=" in html
    assert "weekly-chart-hatch" in html  # closed bars read without colour
    assert "<table" in html and "Cideng" in html


def test_the_csv_holds_the_same_figures_and_is_formula_safe(client, reference, areas):
    categories, _statuses = reference
    categories["wrong"].name = '=HYPERLINK("http://evil")'
    categories["wrong"].save()
    complaint(reference, areas["kelurahan_a"], received=TODAY, category="wrong", number=9)
    response = client.get(reverse("complaints:stats-csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["table", "code", "name", "measure", "value"]
    assert ["summary", "", "", "complaints", "1"] in rows
    assert ["category", "wrong", '\'=HYPERLINK("http://evil")', "complaints", "1"] in rows
    assert ["kelurahan", "31.71.01.1001", "Gambir", "complaints", "1"] in rows


def test_the_json_holds_the_same_figures(client, complaints):
    data = client.get(reverse("complaints:stats-json")).json()
    assert data["complaints"] == 4
    assert data["followed_up_within_target"] == {"decided": 3, "within_target": 1, "share": 1 / 3}
    assert [k["name"] for k in data["per_kota"]] == ["Jakarta Pusat"]
    assert len(data["per_week"]) == 12


@pytest.mark.parametrize(
    "name", ["complaints:stats", "complaints:stats-csv", "complaints:stats-json"]
)
def test_no_reporter_detail_appears_in_the_statistics(client, complaints, name):
    text = client.get(reverse(name)).content.decode()
    for sentinel in SENTINELS:
        assert sentinel not in text


@pytest.mark.parametrize(
    "name", ["complaints:stats", "complaints:stats-csv", "complaints:stats-json"]
)
def test_statistics_query_count_does_not_grow_with_the_complaints(
    client, complaints, name, django_assert_num_queries
):
    client.get(reverse(name))  # warms the page's demo-data banner flags (cached)
    # 1. categories  2. statuses  3. one row per complaint with its area names
    with django_assert_num_queries(3):
        client.get(reverse(name))
