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
