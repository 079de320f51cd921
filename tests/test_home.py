"""The home page: the map of needs, with totals and the least served beside it."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from ksbb.lib.httpcache import memo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    memo.clear()


def test_home_shows_counts_per_kind_and_need_totals(client, recipient_a, recipient_b):
    response = client.get(reverse("recipients:home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "RW 01 Gambir" in body  # in the least-served list
    assert "Panti Asuhan Harapan" in body
    totals = response.context["totals"]
    assert (totals["need"], totals["pledged"], totals["delivered"]) == (160, 0, 0)
    counts = {item["kind"]: item["count"] for item in totals["kinds"]}
    assert counts["rw"] == 1 and counts["panti_asuhan"] == 1 and counts["pesantren"] == 0


def test_home_is_indonesian_by_default_even_for_english_browsers(client):
    response = client.get(reverse("recipients:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "id"


def test_language_switcher_turns_the_page_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("recipients:home"))
    assert response["Content-Language"] == "en"
