"""HTTP caching of the API: gzip once, ETag / Last-Modified, 304, invalidation on change."""

from __future__ import annotations

import gzip
import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from ksbb.lib.httpcache import memo
from recipients.models import Need

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    memo.clear()


def test_gzip_when_accepted_and_plain_otherwise(client, recipient_a):
    url = reverse("recipients:api-status")
    zipped = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert zipped["Content-Encoding"] == "gzip"
    assert zipped["Vary"].startswith("Accept-Encoding")
    plain = client.get(url)
    assert "Content-Encoding" not in plain
    assert gzip.decompress(zipped.content) == plain.content
    refused = client.get(url, HTTP_ACCEPT_ENCODING="gzip;q=0")
    assert "Content-Encoding" not in refused


def test_etag_gives_304_without_a_query(client, recipient_a, django_assert_num_queries):
    url = reverse("recipients:api-rw")
    first = client.get(url)
    assert first["ETag"].startswith('W/"')
    with django_assert_num_queries(0):
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


def test_if_modified_since_gives_304(client, recipient_a):
    url = reverse("recipients:api-kelurahan")
    first = client.get(url)
    again = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304


def test_status_is_cached_briefly_and_geometry_long(client, recipient_a):
    status = client.get(reverse("recipients:api-status"))
    geometry = client.get(reverse("recipients:api-rw"))
    assert status["Cache-Control"] == "public, max-age=60"
    assert geometry["Cache-Control"] == "public, max-age=86400"


def test_a_changed_need_changes_status_etag_and_figures(
    client, recipient_a, django_capture_on_commit_callbacks
):
    url = reverse("recipients:api-status")
    before = client.get(url)
    need = Need.objects.get(recipient=recipient_a)
    with django_capture_on_commit_callbacks(execute=True):
        need.pledged = 30
        need.save()
    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert json.loads(after.content)["recipients"][str(recipient_a.pk)]["pledged"] == 30


def test_a_need_change_leaves_geometry_cached(client, recipient_a, django_assert_num_queries):
    url = reverse("recipients:api-rw")
    client.get(url)
    Need.objects.get(recipient=recipient_a).save()
    with django_assert_num_queries(0):
        client.get(url)


def test_a_renamed_recipient_rebuilds_the_institutions_layer(client, recipient_b):
    url = reverse("recipients:api-institutions")
    client.get(url)
    recipient_b.name = "Panti Asuhan Harapan Baru"
    recipient_b.save()
    data = json.loads(client.get(url).content)
    assert data["features"][0]["properties"]["name"] == "Panti Asuhan Harapan Baru"


def test_bump_by_hand_covers_bulk_updates(client, recipient_a):
    from ksbb.lib.httpcache import bump

    url = reverse("recipients:api-status")
    before = client.get(url)
    Need.objects.filter(recipient=recipient_a).update(delivered=5)
    assert client.get(url)["ETag"] == before["ETag"]  # no signal: still the cached payload
    bump("needs")
    assert client.get(url)["ETag"] != before["ETag"]
