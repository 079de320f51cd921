"""The map's own base in Chromium (issue 11): without tiles it draws land, outlines and names
(a screenshot of each case goes to the test output); with tiles that answer it draws and
fetches nothing of it; with tiles that fail it draws under them and says so."""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from ksbb.lib.httpcache import memo
from tests.basemap_data import add_neighbours

TILE_PATH = "/test-tiles/{z}/{x}/{y}.png"


@pytest.fixture
def base_areas(areas):
    """Two kota of about 0.1 degree around the map's first view, as in Jakarta."""
    neighbours = add_neighbours(areas, size=0.05)
    cache.clear()
    memo.clear()
    return neighbours


@pytest.fixture
def output_dir(tmp_path) -> Path:
    """Where screenshots go: $KSBB_TEST_OUTPUT (CI keeps it) else the test's tmp dir."""
    folder = Path(os.environ.get("KSBB_TEST_OUTPUT") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def screenshot(page, folder: Path, name: str) -> Path:
    path = folder / name
    page.locator(".map-frame").screenshot(path=str(path))
    print(f"screenshot: {path}")
    return path


def png_tile() -> bytes:
    """A 1x1 light grey PNG (Leaflet stretches it to the tile's 256 px)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1x1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xd0\xd0\xd0")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def with_tiles(settings, live_server) -> None:
    tiles = [("Test", live_server.url + TILE_PATH, {"attribution": "Test tiles"})]
    settings.LEAFLET_CONFIG = {**settings.LEAFLET_CONFIG, "TILES": tiles}


def base_drawn(page) -> dict:
    """What the base pane holds: its vector layers (drawn on its canvas) and the names shown."""
    return page.evaluate(
        """() => {
             const map = window.maps[0];
             let shapes = 0;
             map.eachLayer((l) => { if (l.options.pane === "base" && l.feature) shapes++; });
             return {
               shapes,
               canvas: document.querySelectorAll(".leaflet-base-pane canvas").length,
               kota: [...document.querySelectorAll(".map-label-kota")].map((e) => e.textContent),
               kecamatan: [...document.querySelectorAll(".map-label-kecamatan")].map(
                 (e) => e.textContent),
             };
           }"""
    )


def set_zoom(page, zoom: int) -> None:
    page.evaluate(
        """(zoom) => new Promise((done) => {
             const map = window.maps[0];
             map.once("zoomend", () => setTimeout(done, 100));
             map.setView([-6.16, 106.84], zoom, {animate: false});
           })""",
        zoom,
    )


def test_without_tiles_the_map_draws_outlines_and_names(page, live_server, base_areas, output_dir):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_server.url + "/")
    map_element = page.locator("#map")
    expect(map_element).to_have_attribute("data-ready", "1")
    expect(map_element).to_have_attribute("data-base", "1")
    assert any("/api/v1/base.geojson?v=" in url for url in requested)
    # The first view (zoom 11): land and outlines of 4 kelurahan + 2 border lines, and the
    # name of the kota that is wide enough for it (Jakarta Utara's 5 km are not, here).
    drawn = base_drawn(page)
    assert drawn["canvas"] == 1 and drawn["shapes"] == 6
    assert drawn["kota"] == ["Jakarta Pusat"]
    assert drawn["kecamatan"] == []
    screenshot(page, output_dir, "base-map-no-tiles-zoom-11.png")
    # Closer in: the kecamatan names replace the kota names.
    set_zoom(page, 13)
    drawn = base_drawn(page)
    assert drawn["kota"] == []
    assert {"Gambir", "Menteng", "Koja"} <= set(drawn["kecamatan"])
    screenshot(page, output_dir, "base-map-no-tiles-zoom-13.png")
    # The names never take a click meant for the layers, nor a keyboard stop.
    label = page.locator(".map-label-kecamatan").first
    assert label.evaluate("(e) => getComputedStyle(e).pointerEvents") == "none"
    assert label.get_attribute("tabindex") is None


def test_with_tiles_that_answer_there_is_no_base(
    page, live_server, settings, base_areas, output_dir
):
    with_tiles(settings, live_server)
    tile = png_tile()
    page.route(
        "**/test-tiles/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=tile),
    )
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_server.url + "/")
    expect(page.locator("#map")).to_have_attribute("data-ready", "1")
    expect(page.locator(".leaflet-tile-loaded").first).to_be_attached()
    assert not any("base.geojson" in url for url in requested)
    assert page.locator(".leaflet-base-pane").count() == 0
    assert page.locator(".map-label").count() == 0
    assert page.locator("#map").get_attribute("data-base") is None
    expect(page.locator("#tiles-status")).to_be_empty()
    screenshot(page, output_dir, "base-map-with-tiles.png")


def test_when_the_tiles_fail_the_base_is_drawn_under_them(
    browser, live_server, settings, base_areas, output_dir
):
    # Its own context: a failing tile is a console error, which the `page` fixture fails on.
    with_tiles(settings, live_server)
    context = browser.new_context()
    try:
        context.route("**/test-tiles/**", lambda route: route.fulfill(status=503, body=b""))
        page = context.new_page()
        page.goto(live_server.url + "/")
        expect(page.locator("#map")).to_have_attribute("data-base", "1")
        expect(page.locator("#tiles-status")).not_to_be_empty()
        drawn = base_drawn(page)
        assert drawn["shapes"] == 6 and drawn["kota"] == ["Jakarta Pusat"]
        screenshot(page, output_dir, "base-map-tiles-failed.png")
    finally:
        context.close()
