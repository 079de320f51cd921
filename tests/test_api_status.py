"""status.json: need / pledged / delivered per recipient and totals, no personal data."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from ksbb.lib.httpcache import memo
from recipients.models import Need, Provenance

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    memo.clear()


def get_status(client) -> dict:
    response = client.get(reverse("recipients:api-status"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def test_status_is_keyed_by_recipient_id_with_totals(client, recipient_a, recipient_b):
    Need.objects.filter(recipient=recipient_b).update(pledged=10, delivered=30)
    data = get_status(client)
    assert data["recipients"][str(recipient_a.pk)] == {
        "need": 120,
        "pledged": 0,
        "delivered": 0,
        "fulfilled": False,
        "source": "demo",
    }
    assert data["recipients"][str(recipient_b.pk)]["fulfilled"] is True
    assert data["totals"]["need"] == 160
    assert data["totals"]["pledged"] == 10
    assert data["totals"]["delivered"] == 30
    assert data["totals"]["fulfilled"] == 1
    assert data["totals"]["recipients"]["rw"] == 1
    assert data["totals"]["recipients"]["panti_asuhan"] == 1


def test_the_least_certain_source_of_a_recipients_needs_wins(client, recipient_a, packages):
    Need.objects.filter(recipient=recipient_a).update(provenance=Provenance.OFFICIAL)
    assert get_status(client)["recipients"][str(recipient_a.pk)]["source"] == "official"
    cache.clear()
    memo.clear()
    Need.objects.create(
        recipient=recipient_a,
        package=packages["lebaran"],
        quantity=1,
        provenance=Provenance.ESTIMATED,
    )
    assert get_status(client)["recipients"][str(recipient_a.pk)]["source"] == "estimated"


def test_inactive_recipients_are_left_out(client, recipient_a, recipient_b):
    recipient_b.is_active = False
    recipient_b.save()
    data = get_status(client)
    assert list(data["recipients"]) == [str(recipient_a.pk)]
    assert data["totals"]["need"] == 120


def test_status_runs_one_query(client, recipient_a, recipient_b, django_assert_num_queries):
    # 1. active recipients (pk, kind) with their need sums and least trusted need source;
    #    the counts per kind come from the same rows
    with django_assert_num_queries(1):
        client.get(reverse("recipients:api-status"))


def test_status_has_no_personal_data(client, recipient_a):
    recipient_a.pj_phone, recipient_a.pj_email = "0811-SENTINEL", "sentinel@example.org"
    recipient_a.save()
    body = client.get(reverse("recipients:api-status")).content.decode()
    assert "SENTINEL" not in body and "sentinel@" not in body and "Budi" not in body
