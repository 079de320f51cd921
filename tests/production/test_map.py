"""The map in production: it draws, and its layers come from the files that nginx answers."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

HASHED_LAYER = re.compile(r"/api/v1/(kelurahan|rw|institutions)\.geojson\?v=[0-9a-f]{16}$")


def test_map_draws_from_published_files_that_django_never_sees(page, portal, traffic):
    page.goto(portal.url + "/")
    expect(page.locator("#map")).to_have_attribute("data-ready", "1")
    expect(page.locator("#map .leaflet-tile-loaded").first).to_be_attached()
    expect(page.locator("#map canvas, #map .leaflet-marker-icon").first).to_be_attached()

    layers = traffic.matching(lambda response: HASHED_LAYER.search(response.url))
    assert layers, "the map fetched no layer by its hashed URL"
    for response in layers:
        assert response.status == 200, response.url
        assert response.headers["content-type"] == "application/geo+json"
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    # nginx answered them from PUBLISH_ROOT: none of them reached gunicorn.
    seen_by_django = portal.requests_seen_by_django()
    for response in layers:
        path = urlsplit(response.url)
        assert f"{path.path}?{path.query}" not in seen_by_django
    assert "/api/v1/status.json" in seen_by_django  # the log is the right one
