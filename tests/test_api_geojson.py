"""The GeoJSON layers: kelurahan, priority RWs and institutions (RFC 7946, public fields only)."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from ksbb.lib.geojson import rfc7946_errors
from ksbb.lib.httpcache import memo
from recipients.layers import layer_payload
from recipients.models import RW, Recipient

pytestmark = pytest.mark.django_db

PRIVATE = ("0811-SENTINEL-PHONE", "sentinel-pj@example.org")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    memo.clear()


@pytest.fixture
def private_contacts(recipient_a, recipient_b):
    """PJ contacts that must never leave the database through the API."""
    for recipient in (recipient_a, recipient_b):
        recipient.pj_phone, recipient.pj_email = PRIVATE
        recipient.save()
    rw = recipient_a.rw
    # Clockwise, 7 decimals: what an unsimplified import may hold; the API must fix it.
    rw.boundary = {
        "type": "Polygon",
        "coordinates": [
            [
                [106.8101234, -6.1801234],
                [106.8101234, -6.1701234],
                [106.8201234, -6.1701234],
                [106.8201234, -6.1801234],
                [106.8101234, -6.1801234],
            ]
        ],
    }
    rw.save()
    return recipient_a, recipient_b


def get_json(client, name: str) -> dict:
    response = client.get(reverse(f"recipients:api-{name}"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    return json.loads(response.content)


def test_kelurahan_layer_lists_every_kelurahan_with_names_and_figures(client, areas):
    data = get_json(client, "kelurahan")
    assert data["type"] == "FeatureCollection"
    by_id = {f["id"]: f for f in data["features"]}
    assert set(by_id) == {"31.71.01.1001", "31.71.01.1002"}
    props = by_id["31.71.01.1001"]["properties"]
    assert props == {
        "code": "31.71.01.1001",
        "name": "Gambir",
        "kecamatan": "Gambir",
        "kota": "Jakarta Pusat",
        "population": 3088,
        "households": 1088,
        "source": "official",
    }


def test_rw_layer_has_the_popup_fields_of_each_priority_rw(client, private_contacts):
    recipient_a, _b = private_contacts
    data = get_json(client, "rw")
    assert [f["id"] for f in data["features"]] == [recipient_a.pk]
    props = data["features"][0]["properties"]
    assert props["kota"] == "Jakarta Pusat"
    assert props["kecamatan"] == "Gambir"
    assert props["kelurahan"] == "Gambir"
    assert props["rw"] == 1
    assert props["households"] == 120
    assert props["ketua_rw"] == "Budi Santoso"
    assert props["url"] == reverse("recipients:detail", args=[recipient_a.pk])


def test_rw_layer_leaves_out_inactive_recipients_and_rws_without_boundary(client, areas, packages):
    rw = RW.objects.create(kelurahan=areas["kelurahan_b"], number=2)
    Recipient.objects.create(kind="rw", name="RW 02 Cideng", area=areas["kelurahan_b"], rw=rw)
    data = get_json(client, "rw")
    assert data["features"] == []


def test_institutions_layer_has_points_with_address_and_residents(client, private_contacts):
    _a, recipient_b = private_contacts
    data = get_json(client, "institutions")
    (feature,) = data["features"]
    assert feature["id"] == recipient_b.pk
    assert feature["geometry"] == {"type": "Point", "coordinates": [106.805, -6.165]}
    assert feature["properties"]["address"] == "Jl. Contoh No. 1"
    assert feature["properties"]["residents"] == 40
    assert feature["properties"]["kind"] == "panti_asuhan"


@pytest.mark.parametrize("name", ["kelurahan", "rw", "institutions"])
def test_geometry_is_valid_rfc7946_lon_lat_right_hand_six_decimals(client, private_contacts, name):
    data = get_json(client, name)
    assert data["features"]
    for feature in data["features"]:
        assert rfc7946_errors(feature["geometry"]) == []
        lon, lat = (
            feature["geometry"]["coordinates"][0][0]
            if feature["geometry"]["type"] == "Polygon"
            else feature["geometry"]["coordinates"]
        )
        assert 106 < lon < 107 and -7 < lat < -6  # lon/lat order, Jakarta


@pytest.mark.parametrize("name", ["kelurahan", "rw", "institutions"])
def test_no_personal_data_in_any_layer(client, private_contacts, name):
    body = client.get(reverse(f"recipients:api-{name}"), HTTP_ACCEPT_ENCODING="").content.decode()
    for secret in PRIVATE:
        assert secret not in body
    assert "pj_phone" not in body and "pj_email" not in body


@pytest.mark.parametrize(("name", "queries"), [("kelurahan", 1), ("rw", 1), ("institutions", 1)])
def test_each_layer_is_built_with_one_query_and_served_from_cache_with_none(
    client, private_contacts, django_assert_num_queries, name, queries
):
    url = reverse(f"recipients:api-{name}")
    # 1. the features with their area chain (select_related), public columns only
    with django_assert_num_queries(queries):
        client.get(url)
    memo.clear()  # another process: the payload comes from the shared cache
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200


def test_a_url_with_the_content_hash_may_be_cached_for_a_year(client, areas):
    url = reverse("recipients:api-kelurahan")
    plain = client.get(url)
    assert "max-age=86400" in plain["Cache-Control"]
    hashed = client.get(url, {"v": layer_payload("kelurahan").digest})
    assert hashed["Cache-Control"] == "public, max-age=31536000, immutable"
    assert hashed.content == plain.content
    stale = client.get(url, {"v": "0123456789abcdef"})
    assert "immutable" not in stale["Cache-Control"]
    assert stale.content == plain.content  # an old hash gets today's data, briefly cached


def test_post_is_not_allowed(client, areas):
    assert client.post(reverse("recipients:api-rw")).status_code == 405
