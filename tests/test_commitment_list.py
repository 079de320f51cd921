"""The public list of commitments, its filters, its CSV and JSON exports, and the recipient
page's list."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from commitments.models import Commitment
from commitments.testing import make_commitment

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(recipient_a, recipient_b, packages):
    today = timezone.localdate()
    a = make_commitment(recipient_a, {packages["sembako"]: 10}, name="Toko Sinar")
    b = make_commitment(
        recipient_b,
        {packages["siap-saji"]: 20},
        name="Yayasan Peduli",
        is_anonymous=True,
        delivery_date=today + timedelta(days=20),
        deadline=today + timedelta(days=25),
    )
    return a, b


def numbers(response) -> list[str]:
    return [c.number for c in response.context["page"].object_list]


def test_list_shows_every_commitment_with_its_public_name(client, two):
    a, b = two
    response = client.get(reverse("commitments:list"))
    assert response.status_code == 200
    assert set(numbers(response)) == {a.number, b.number}
    body = response.content.decode()
    assert "Toko Sinar" in body
    assert "Hamba Allah" in body
    assert "Yayasan Peduli" not in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("area=31.71.01.1001", "a"),
        ("area=31.71.01", "ab"),
        ("kind=panti_asuhan", "b"),
        ("package=sembako", "a"),
        ("status=submitted", "ab"),
        ("status=cancelled", ""),
        ("date_from={late}", "b"),
        ("date_to={soon}", "a"),
    ],
)
def test_list_filters(client, two, query, expected):
    today = timezone.localdate()
    query = query.format(late=today + timedelta(days=15), soon=today + timedelta(days=10))
    response = client.get(reverse("commitments:list") + "?" + query)
    wanted = {dict(zip("ab", two, strict=True))[key].number for key in expected}
    assert set(numbers(response)) == wanted


@pytest.mark.parametrize("query", ["area=99.99", "status=nope", "date_from=kemarin", "page=x"])
def test_bad_filters_are_reported_not_a_500(client, two, query):
    response = client.get(reverse("commitments:list") + "?" + query)
    assert response.status_code == 200
    assert set(numbers(response)) == {c.number for c in two}


@pytest.mark.parametrize(
    ("bad", "field"),
    [("area=99.99", "area"), ("status=nope", "status"), ("date_from=kemarin", "date_from")],
)
def test_a_bad_filter_drops_only_itself_and_says_so_beside_its_field(
    client, settings, two, bad, field
):
    a, b = two
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("commitments:list") + f"?{bad}&kind=panti_asuhan")
    assert numbers(response) == [b.number]  # the valid kind filter still applies
    form = response.context["form"]
    assert list(form.errors) == [field]
    body = response.content.decode()
    assert 'id="id_kind"' in body
    assert f'id="error_1_id_{field}"' in body
    assert str(form.errors[field][0]).replace('"', "&quot;") in body


def test_a_bad_filter_drops_only_itself_in_the_csv_too(client, two):
    a, b = two
    response = client.get(reverse("commitments:csv") + "?status=nope&kind=panti_asuhan")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["number"] for row in rows] == [b.number]


def test_list_is_paginated(client, recipient_a, packages):
    for _ in range(51):
        make_commitment(recipient_a, {packages["sembako"]: 1})
    first = client.get(reverse("commitments:list"))
    second = client.get(reverse("commitments:list") + "?page=2")
    assert len(numbers(first)) == 50
    assert len(numbers(second)) == 1


def test_csv_has_the_filtered_rows_with_public_columns(client, two):
    a, b = two
    response = client.get(reverse("commitments:csv") + "?kind=panti_asuhan")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["number"] for row in rows] == [b.number]
    assert rows[0]["collaborator"] == "Hamba Allah"
    assert rows[0]["packages"] == "Paket Makanan Siap Saji: 20"
    assert "phone" not in rows[0] and "email" not in rows[0] and "address" not in rows[0]


def test_json_api_lists_public_fields(client, two, django_assert_max_num_queries):
    a, b = two
    # count, the page of commitments (with recipient and area chain), its lines with packages
    with django_assert_max_num_queries(3):
        response = client.get(reverse("commitments:api"))
    data = response.json()
    assert data["count"] == 2
    by_number = {row["number"]: row for row in data["results"]}
    assert by_number[a.number]["packages"] == [
        {"package": "sembako", "name": "Paket Sembako", "quantity": 10}
    ]
    assert by_number[b.number]["collaborator"] == "Hamba Allah"
    assert by_number[a.number]["area"] == "Gambir, Gambir, Jakarta Pusat"
    assert reverse("commitments:api") == "/api/v1/commitments.json"


def test_json_api_rejects_bad_filters_with_400(client, two):
    response = client.get(reverse("commitments:api") + "?status=nope&kind=panti_asuhan")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["status"]


@pytest.mark.parametrize(
    ("typed", "in_csv"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        # The form strips the leading tab; the formula behind it is still made inert.
        ("\t=1+1", "'=1+1"),
    ],
)
def test_formula_like_names_typed_into_the_pledge_form_are_inert_in_the_csv(
    client, recipient_a, typed, in_csv
):
    today = timezone.localdate()
    form = {
        "collaborator_type": "person",
        "name": typed,
        "organisation": typed,
        "contact_person": "Rina Kusuma",
        "phone": "0813 1111 2222",
        "email": "rina@example.com",
        "address": "Jl. Kenari 5",
        "public_as": "name",
        "qty_sembako": "1",
        "delivery_date": (today + timedelta(days=1)).isoformat(),
        "deadline": (today + timedelta(days=5)).isoformat(),
        "delivery_method": "self",
        "rules_accepted": "on",
    }
    response = client.post(reverse("commitments:create", args=[recipient_a.pk]), form)
    assert response.status_code == 302
    assert Commitment.objects.get().name == in_csv[1:]  # stored as typed (tab stripped)
    response = client.get(reverse("commitments:csv"))
    [row] = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert (row["collaborator"], row["organisation"]) == (in_csv, in_csv)
    assert row["number"].startswith("KSBB-")  # ordinary cells are left as they are


def test_recipient_commitments_tag_lists_that_recipients_commitments(two, recipient_a):
    a, b = two
    html = Template("{% load commitments_tags %}{% recipient_commitments recipient %}").render(
        Context({"recipient": recipient_a})
    )
    assert a.number in html
    assert b.number not in html


def test_recipient_page_shows_its_commitments(client, two, recipient_a):
    a, _b = two
    try:
        url = reverse("recipients:detail", args=[recipient_a.pk])
    except Exception:  # the recipient page is another issue's; absent, nothing to check
        pytest.skip("recipients:detail does not exist yet")
    assert a.number in client.get(url).content.decode()


def test_cancelled_commitments_stay_listed_for_transparency(client, two):
    a, _b = two
    Commitment.objects.filter(pk=a.pk).update(status="cancelled")
    response = client.get(reverse("commitments:list") + "?status=cancelled")
    assert numbers(response) == [a.number]
