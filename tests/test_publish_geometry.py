"""Publishing the map layers as content-hashed files (publish_geometry and the map page)."""

from __future__ import annotations

import gzip
import json
import os
import time
from io import StringIO

import pytest
from django.core.management import call_command

from ksbb.lib.geojson import rfc7946_errors
from recipients import layers
from recipients.layers import layer_payload, publish_layer, publish_root
from recipients.models import RW

pytestmark = pytest.mark.django_db

# The layers whose fixture data has features to publish (the fixture's RWs have no polygon
# of their own in the all-RW layer; `layers.LAYERS` names every published layer).
LAYERS = ("kelurahan", "rw", "institutions")


@pytest.fixture(autouse=True)
def _rw_polygon(request):
    """Recipient A's RW gets a polygon, so that the RW layer has a feature to publish."""
    if "recipient_a" in request.fixturenames:
        recipient_a = request.getfixturevalue("recipient_a")
        ring = [[106.81, -6.18], [106.815, -6.18], [106.815, -6.175], [106.81, -6.175]]
        RW.objects.filter(pk=recipient_a.rw_id).update(
            boundary_web={"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
        )


def published() -> dict[str, float]:
    return {p.name: p.stat().st_mtime_ns for p in publish_root().iterdir()}


def test_publish_root_defaults_to_open_data_under_media_root(settings):
    assert publish_root() == settings.MEDIA_ROOT / "open-data"
    settings.PUBLISH_ROOT = settings.MEDIA_ROOT / "elsewhere"
    assert publish_root() == settings.MEDIA_ROOT / "elsewhere"


def test_command_writes_each_layer_and_its_gzip_named_by_content_hash(recipient_a, recipient_b):
    call_command("publish_geometry", stdout=StringIO())
    for name in LAYERS:
        digest = layer_payload(name).digest
        path = publish_root() / f"{name}.{digest}.geojson"
        assert path.read_bytes() == layer_payload(name).body
        assert gzip.decompress(path.with_name(path.name + ".gz").read_bytes()) == path.read_bytes()


@pytest.mark.parametrize("name", LAYERS)
def test_published_files_are_valid_rfc7946(recipient_a, recipient_b, name):
    path = publish_layer(name)
    data = json.loads(gzip.decompress(path.with_name(path.name + ".gz").read_bytes()))
    assert data["type"] == "FeatureCollection" and data["features"]
    for feature in data["features"]:
        assert rfc7946_errors(feature["geometry"]) == []


def test_publishing_twice_writes_nothing_new(recipient_a):
    call_command("publish_geometry", stdout=StringIO())
    before = published()
    call_command("publish_geometry", stdout=StringIO())
    assert published() == before
    assert len(before) == 2 * len(layers.LAYERS)


def test_the_hash_changes_when_the_data_changes(recipient_a):
    first = publish_layer("rw")
    recipient_a.name = "RW 01 Gambir (renamed)"
    recipient_a.save()
    second = publish_layer("rw")
    assert second != first
    assert b"renamed" in second.read_bytes() and b"renamed" not in first.read_bytes()


def test_a_need_change_keeps_the_geometry_hash(recipient_a):
    first = publish_layer("rw")
    need = recipient_a.needs.get()
    need.pledged = 5
    need.save()
    assert publish_layer("rw") == first  # figures that change often live in status.json


def test_superseded_files_are_pruned_after_the_grace_period(recipient_a):
    old = publish_layer("rw")
    recipient_a.name = "RW 01 Gambir (renamed)"
    recipient_a.save()
    call_command("publish_geometry", stdout=StringIO())
    assert old.exists()  # pages rendered a moment ago may still link it
    past = time.time() - 2 * 24 * 3600
    for path in (old, old.with_name(old.name + ".gz")):
        os.utime(path, (past, past))
    call_command("publish_geometry", stdout=StringIO())
    assert not old.exists() and not old.with_name(old.name + ".gz").exists()
    assert publish_layer("rw").exists()


def test_no_personal_data_in_published_files(recipient_a, recipient_b):
    for recipient in (recipient_a, recipient_b):
        recipient.pj_phone, recipient.pj_email = "0811-SENTINEL", "sentinel@example.org"
        recipient.save()
    call_command("publish_geometry", stdout=StringIO())
    for path in publish_root().glob("*.geojson"):
        text = path.read_text()
        assert "SENTINEL" not in text and "sentinel@" not in text
