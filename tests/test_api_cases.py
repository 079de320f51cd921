"""cases.json: COVID-19 counts per kelurahan on a report date, in the terms of that date."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from ksbb.lib.httpcache import memo
from recipients.models import CaseReport

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    memo.clear()


@pytest.fixture
def reports(areas):
    kel = areas["kelurahan_a"]
    may = CaseReport.objects.create(
        kelurahan=kel,
        report_date=datetime.date(2020, 5, 31),
        schema="odp_pdp",
        odp=12,
        pdp=3,
        positif=2,
        sembuh=1,
        source="Standar Kelurahan Data Corona 31 Mei 2020",
    )
    july = CaseReport.objects.create(
        kelurahan=kel,
        report_date=datetime.date(2020, 7, 31),
        schema="suspek",
        suspek=20,
        probable=1,
        positif=9,
        source="Standar Kelurahan Data Corona 31 Juli 2020",
    )
    return may, july


def get(client, **params):
    return client.get(reverse("recipients:api-cases"), params)


def test_latest_date_by_default_in_the_terms_of_july(client, reports):
    data = json.loads(get(client).content)
    assert data["date"] == "2020-07-31"
    assert data["schema"] == "suspek"
    assert data["terms"] == {"suspek": "suspek", "probable": "probable", "positif": "konfirmasi"}
    assert data["dates"] == ["2020-05-31", "2020-07-31"]
    row = data["kelurahan"]["31.71.01.1001"]
    assert row["suspek"] == 20 and row["positif"] == 9
    assert "odp" not in row


def test_a_may_date_uses_odp_pdp_positif(client, reports):
    data = json.loads(get(client, date="2020-05-31").content)
    assert data["terms"] == {"odp": "ODP", "pdp": "PDP", "positif": "positif"}
    assert data["kelurahan"]["31.71.01.1001"]["odp"] == 12


def test_a_malformed_date_is_a_400_with_a_message(client, reports):
    response = get(client, date="31-05-2020")
    assert response.status_code == 400
    assert json.loads(response.content)["error"]


def test_a_date_without_reports_is_a_404_listing_the_dates(client, reports):
    response = get(client, date="2020-06-01")
    assert response.status_code == 404
    assert json.loads(response.content)["dates"] == ["2020-05-31", "2020-07-31"]


def test_no_reports_at_all_gives_an_empty_answer(client, areas):
    data = json.loads(get(client).content)
    assert data["date"] is None and data["kelurahan"] == {} and data["dates"] == []


def test_cases_run_two_queries_then_none(client, reports, django_assert_num_queries):
    # 1. the distinct report dates
    # 2. the reports of the date with their kelurahan code
    with django_assert_num_queries(2):
        get(client, date="2020-05-31")
    with django_assert_num_queries(0):
        assert get(client, date="2020-05-31").status_code == 200


# --- per RW -------------------------------------------------------------------------------------


@pytest.fixture
def rw_reports(reports, areas):
    from recipients.models import RW

    kel = areas["kelurahan_a"]
    one = RW.objects.create(kelurahan=kel, number=1, households=10)
    two = RW.objects.create(kelurahan=kel, number=2, households=30)
    day = datetime.date(2020, 7, 31)
    for rw, positif, provenance in ((one, 2, "estimated"), (two, 7, "official")):
        CaseReport.objects.create(
            rw=rw,
            report_date=day,
            schema="suspek",
            positif=positif,
            suspek=5,
            source="=cmd|' /C calc'!A0",
            provenance=provenance,
        )
    return one, two


def test_level_rw_gives_each_rw_with_its_provenance(client, rw_reports):
    data = json.loads(get(client, level="rw").content)
    assert (
        data["level"] == "rw" and data["date"] == "2020-07-31" and data["dates"] == ["2020-07-31"]
    )
    assert data["terms"]["positif"] == "konfirmasi"
    assert data["rw"]["31.71.01.1001/001"] == {
        "kelurahan": "31.71.01.1001",
        "rw": 1,
        "provenance": "estimated",
        "suspek": 5,
        "probable": None,
        "positif": 2,
        "dirawat": None,
        "sembuh": None,
        "meninggal": None,
        "self_isolation": None,
    }
    assert data["rw"]["31.71.01.1001/002"]["provenance"] == "official"
    assert data["provenance"] == "estimated"  # the least trusted figure names the whole


def test_the_kelurahan_answer_says_which_dates_have_rw_figures(client, rw_reports):
    assert json.loads(get(client, date="2020-07-31").content)["rw_level"] == [
        "estimated",
        "official",
    ]
    assert json.loads(get(client, date="2020-05-31").content)["rw_level"] == []


def test_level_rw_on_a_date_without_rw_figures_is_a_404_listing_the_rw_dates(client, rw_reports):
    response = get(client, level="rw", date="2020-05-31")
    assert response.status_code == 404
    assert json.loads(response.content)["dates"] == ["2020-07-31"]


def test_an_unknown_level_is_a_400(client, rw_reports):
    assert get(client, level="kota").status_code == 400


def test_level_rw_runs_two_queries_then_none(client, rw_reports, django_assert_num_queries):
    # 1. the report dates with their level and provenance (the case index)
    # 2. the RW reports of the date with their RW number and kelurahan code
    with django_assert_num_queries(2):
        get(client, level="rw")
    with django_assert_num_queries(0):
        assert get(client, level="rw").status_code == 200


def test_cases_csv_has_kelurahan_and_rw_rows_with_provenance_and_safe_cells(client, rw_reports):
    response = client.get(reverse("recipients:api-cases-csv"), {"date": "2020-07-31"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("date,level,kota,kecamatan,kelurahan,kelurahan_code,rw,terms")
    assert lines[1].startswith("2020-07-31,kelurahan,Jakarta Pusat,Gambir,Gambir,31.71.01.1001,,")
    assert lines[2].startswith("2020-07-31,rw,Jakarta Pusat,Gambir,Gambir,31.71.01.1001,1,suspek")
    assert lines[2].split(",")[-2:] == ["estimated", "'=cmd|' /C calc'!A0"]
    assert len(lines) == 4
    only_rw = client.get(reverse("recipients:api-cases-csv"), {"level": "rw"})
    assert len(only_rw.content.decode("utf-8-sig").splitlines()) == 3


def test_cases_csv_runs_three_queries(client, rw_reports, django_assert_num_queries):
    # 1. the case index  2. the kelurahan reports with names  3. the RW reports with names
    with django_assert_num_queries(3):
        client.get(reverse("recipients:api-cases-csv"))
