"""The admin's map widget in production (hashed static names): marker and tiles load."""

from __future__ import annotations

from playwright.sync_api import expect


def log_in(page, portal) -> None:
    if portal.admin is None:
        import pytest

        pytest.skip("KSBB_PRODUCTION_ADMIN is not set")
    user, password = portal.admin
    page.goto(portal.url + "/admin/login/")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.locator("input[type=submit]").click()
    expect(page.locator("#user-tools")).to_be_visible()


def test_recipient_location_shows_its_marker_and_tiles(page, portal, traffic):
    layer = page.request.get(portal.url + "/api/v1/institutions.geojson").json()
    recipient_id = layer["features"][0]["id"]
    log_in(page, portal)
    page.goto(f"{portal.url}/admin/recipients/recipient/{recipient_id}/change/")

    marker = page.locator(".leaflet-container img.leaflet-marker-icon").first
    expect(marker).to_be_visible()
    expect(page.locator(".leaflet-container img.leaflet-tile-loaded").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    # A broken image is not always a 404 (a wrong relative URL may land on an admin redirect):
    # every image in the map must have decoded.
    broken = page.eval_on_selector_all(
        ".leaflet-container img",
        "images => images.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)",
    )
    assert not broken, f"broken images in the admin map: {broken}"
    images = traffic.matching(lambda response: response.request.resource_type == "image")
    assert images and all(response.status == 200 for response in images)
