"""The base map of our own (issue 11): the layer drawn when there are no tiles — kecamatan and
kota borders dissolved from the kelurahan, names with the zooms where they fit — its
publishing, and how the map page links it (fetched at once only without tiles)."""

from __future__ import annotations

import gzip
import json
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from ksbb.lib.geojson import PRECISION, rfc7946_errors
from ksbb.lib.httpcache import memo
from recipients.layers import (
    KECAMATAN_LABELS_FROM,
    build_base,
    label_min_zoom,
    layer_payload,
    publish_layer,
    publish_root,
)
from recipients.models import Area
from tests.basemap_data import SOUTH, WEST, add_neighbours, square

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    memo.clear()


@pytest.fixture
def neighbours(areas):
    return add_neighbours(areas)


def base() -> dict:
    return json.loads(build_base())


def borders(data: dict) -> dict[str, list]:
    return {
        f["properties"]["level"]: f["geometry"]["coordinates"]
        for f in data["features"]
        if f["properties"]["kind"] == "border"
    }


def labels(data: dict) -> dict[str, dict]:
    return {
        f["properties"]["name"] + "/" + f["properties"]["level"]: f
        for f in data["features"]
        if f["properties"]["kind"] == "label"
    }


def segments(lines: list) -> set:
    """Each line's segments as unordered pairs of positions (direction-free comparison)."""
    out = set()
    for line in lines:
        for a, b in zip(line, line[1:], strict=False):
            out.add(frozenset((tuple(a), tuple(b))))
    return out


def test_kota_border_is_the_edge_between_two_kota_only(neighbours):
    kota = borders(base())["kota"]
    east = round(WEST + 0.01, PRECISION)
    assert segments(kota) == {frozenset({(WEST, SOUTH), (east, SOUTH)})}


def test_kecamatan_border_leaves_out_the_kota_border_and_the_outline(neighbours):
    kecamatan = borders(base())["kecamatan"]
    east, north = round(WEST + 0.01, PRECISION), round(SOUTH + 0.01, PRECISION)
    # Menteng | Gambir; not the kota border under it, not the outline of the whole (the
    # kelurahan's fill shows where the land ends).
    assert segments(kecamatan) == {frozenset({(east, SOUTH), (east, north)})}


def test_borders_are_lines_in_rfc7946_range_and_precision(neighbours):
    for lines in borders(base()).values():
        for line in lines:
            for lon, lat in line:
                assert round(lon, PRECISION) == lon and round(lat, PRECISION) == lat
                assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_one_kecamatan_has_no_inner_borders_but_its_names(areas):
    data = base()
    assert borders(data) == {}
    assert "Gambir/kecamatan" in labels(data)


def test_kecamatan_names_from_the_zoom_where_they_fit_never_before_kota_names_end(neighbours):
    found = labels(base())
    gambir = found["Gambir/kecamatan"]["properties"]
    assert gambir["minzoom"] >= KECAMATAN_LABELS_FROM and gambir["maxzoom"] == 18
    assert "Koja/kecamatan" in found and "Menteng/kecamatan" in found


def test_kota_names_only_below_the_kecamatan_zooms(areas):
    add_neighbours(areas, size=0.05)  # kota about 0.1 degree wide, as in Jakarta
    pusat = labels(base())["Jakarta Pusat/kota"]["properties"]
    assert pusat["minzoom"] <= 11  # the map's first view names its kota
    assert pusat["maxzoom"] == KECAMATAN_LABELS_FROM - 1


def test_a_kota_too_small_for_its_name_below_the_kecamatan_zooms_is_not_named(neighbours):
    # 2 km wide: "Jakarta Pusat" fits from zoom 14, where the kecamatan are named instead.
    assert "Jakarta Pusat/kota" not in labels(base())


def test_a_label_sits_at_the_areas_centroid_else_at_a_point_inside_it(neighbours):
    Area.objects.filter(pk=neighbours["menteng"].pk).update(
        centroid_lat=-6.175, centroid_lon=106.825
    )
    found = labels(base())
    assert found["Menteng/kecamatan"]["geometry"] == {
        "type": "Point",
        "coordinates": [106.825, -6.175],
    }
    lon, lat = found["Koja/kecamatan"]["geometry"]["coordinates"]  # no centroid stored
    assert WEST < lon < WEST + 0.01 and SOUTH - 0.01 < lat < SOUTH
    for feature in found.values():
        assert rfc7946_errors(feature["geometry"]) == []


def test_label_min_zoom_is_where_the_area_is_as_wide_as_the_name():
    # "Gambir": 6 x 6.5 + 8 = 47 px; 0.1 degree is 36 px at zoom 9 and 73 px at zoom 10.
    assert label_min_zoom("Gambir", Area.Level.KECAMATAN, 0.1) == 10
    assert label_min_zoom("Gambir", Area.Level.KECAMATAN, 0.2) == 9
    assert label_min_zoom("Gambir", Area.Level.KECAMATAN, 0) == 18


def test_kelurahan_without_a_boundary_are_left_out(neighbours):
    Area.objects.filter(pk=neighbours["kelurahan_d"].pk).update(boundary=None)
    data = base()
    assert "kota" not in borders(data)  # Jakarta Utara has nothing to outline now
    assert "Koja/kecamatan" not in labels(data)


def test_web_geometry_is_preferred_to_the_boundary_as_imported(neighbours):
    # Kelurahan C as imported lies away from A; its simplified copy is A's neighbour.
    Area.objects.filter(pk=neighbours["kelurahan_c"].pk).update(
        boundary=square(WEST + 0.05, SOUTH, 0.01), boundary_web=square(WEST + 0.01, SOUTH, 0.01)
    )
    assert borders(base())["kecamatan"]


def test_builder_query_count(neighbours, django_assert_num_queries):
    # 1. every kelurahan's web geometry and kecamatan
    # 2. the kecamatan and kota: names, centroids, parents
    with django_assert_num_queries(2):
        build_base()


def test_base_layer_is_published_by_the_command_with_its_gzip(neighbours):
    call_command("publish_geometry", stdout=StringIO())
    digest = layer_payload("base").digest
    path = publish_root() / f"base.{digest}.geojson"
    assert path.read_bytes() == build_base()
    assert gzip.decompress(path.with_name(path.name + ".gz").read_bytes()) == path.read_bytes()


def test_base_layer_hash_follows_the_area_names(neighbours):
    first = publish_layer("base")
    neighbours["menteng"].name = "Menteng Baru"
    neighbours["menteng"].save()
    second = publish_layer("base")
    assert second != first and "Menteng Baru" in second.read_text()


def map_page(client):
    response = client.get(reverse("recipients:home"))
    assert response.status_code == 200
    return response


def test_map_page_links_the_base_layer_at_its_hash(client, neighbours):
    api = map_page(client).context["map_config"]["api"]
    digest = layer_payload("base").digest
    assert api["base"] == f"{reverse('recipients:api-base')}?v={digest}"
    assert (publish_root() / f"base.{digest}.geojson").exists()


def test_with_tiles_the_base_is_not_preloaded(client, neighbours):
    response = map_page(client)
    assert response.context["map_config"]["tiles"] is True
    assert not any("base.geojson" in url for url in response.context["preload"])
    assert "js/map-base.js" in response.content.decode()  # drawn if the tiles fail


def test_without_tiles_the_base_is_preloaded(client, settings, neighbours):
    settings.LEAFLET_CONFIG = {**settings.LEAFLET_CONFIG, "TILES": []}
    response = map_page(client)
    config = response.context["map_config"]
    assert config["tiles"] is False
    assert response.context["preload"][-1] == config["api"]["base"]


def test_an_empty_tile_url_counts_as_no_tiles(client, settings, neighbours):
    settings.LEAFLET_CONFIG = {
        **settings.LEAFLET_CONFIG,
        "TILES": [("OpenStreetMap", "", {"attribution": "x"})],
    }
    response = map_page(client)
    assert response.context["leaflet_overrides"]["TILES"] == []
    assert response.context["map_config"]["tiles"] is False


def test_base_layer_is_served_at_its_stable_and_hashed_urls(client, neighbours):
    url = reverse("recipients:api-base")
    digest = layer_payload("base").digest
    immutable = client.get(url, {"v": digest})
    assert immutable.status_code == 200 and "immutable" in immutable["Cache-Control"]
    assert json.loads(immutable.content)["type"] == "FeatureCollection"
    assert client.get(url).status_code == 200


def test_base_layer_carries_no_personal_data(client, neighbours, recipient_a):
    recipient_a.pj_phone, recipient_a.pj_email = "0811-SENTINEL", "sentinel@example.org"
    recipient_a.save()
    body = client.get(reverse("recipients:api-base")).content.decode()
    assert "SENTINEL" not in body and "sentinel@" not in body
