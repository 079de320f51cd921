"""recipients.csv: public fields of active recipients, the list page's filters."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.cache import cache
from django.urls import reverse

from ksbb.lib.httpcache import memo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    memo.clear()


def rows(client, **params) -> list[dict]:
    response = client.get(reverse("recipients:api-recipients-csv"), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_lists_every_active_recipient_with_figures(client, recipient_a, recipient_b):
    data = {row["name"]: row for row in rows(client)}
    assert set(data) == {"RW 01 Gambir", "Panti Asuhan Harapan"}
    rw = data["RW 01 Gambir"]
    assert rw["kelurahan"] == "Gambir" and rw["kota"] == "Jakarta Pusat"
    assert rw["rw"] == "1" and rw["households"] == "120"
    assert rw["need"] == "120" and rw["remaining"] == "120"
    assert rw["url"].endswith(reverse("recipients:detail", args=[recipient_a.pk]))


def test_csv_filters_like_the_list(client, areas, recipient_a, recipient_b):
    assert [r["name"] for r in rows(client, kind="panti_asuhan")] == ["Panti Asuhan Harapan"]
    only_a = rows(client, kota="31.71", kecamatan="31.71.01", kelurahan="31.71.01.1001")
    assert [r["name"] for r in only_a] == ["RW 01 Gambir"]
    assert [r["name"] for r in rows(client, q="harapan")] == ["Panti Asuhan Harapan"]


def test_an_unknown_area_is_ignored_not_a_500(client, recipient_a, recipient_b):
    assert len(rows(client, kota="99.99")) == 2


def test_csv_has_no_personal_data(client, recipient_a):
    recipient_a.pj_phone, recipient_a.pj_email = "0811-SENTINEL", "sentinel@example.org"
    recipient_a.save()
    body = client.get(reverse("recipients:api-recipients-csv")).content.decode()
    assert "SENTINEL" not in body and "sentinel@" not in body


def test_formula_like_cells_are_defused(client, recipient_a):
    recipient_a.name = "=HYPERLINK(1)"
    recipient_a.save()
    assert rows(client)[0]["name"] == "'=HYPERLINK(1)"


def test_csv_runs_two_queries(client, recipient_a, recipient_b, django_assert_num_queries):
    # 1. the area index behind the filter (kota, kecamatan, kelurahan codes)
    # 2. the recipients with area chain, RW and need sums
    with django_assert_num_queries(2):
        client.get(reverse("recipients:api-recipients-csv"))


def test_a_free_text_search_is_answered_but_not_cached(client, recipient_a, recipient_b):
    url = reverse("recipients:api-recipients-csv")
    response = client.get(url, {"q": "gambir"})
    assert response.status_code == 200
    assert "RW 01 Gambir" in response.content.decode()
    assert "Panti Asuhan Harapan" not in response.content.decode()
    assert not [key for key in memo.items if "gambir" in key]
