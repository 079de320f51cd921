"""The map in Chromium: layers load and draw, each toggles, a popup opens, Beri Bantuan leads
to the recipient page. Console errors fail the test (see conftest)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from ksbb.lib.httpcache import memo
from recipients.models import RW
from tests.browser.maphelpers import click_map_at, drawn_ids


@pytest.fixture(autouse=True)
def _no_tiles_and_fresh_cache(settings):
    # No network in tests: a map without a tile layer (the page must work without tiles).
    settings.LEAFLET_CONFIG = {**settings.LEAFLET_CONFIG, "TILES": []}
    cache.clear()
    memo.clear()


@pytest.fixture
def drawn(recipient_a, recipient_b):
    """Recipient A's RW gets a polygon over the Gambir fixture kelurahan."""
    ring = [[106.81, -6.18], [106.815, -6.18], [106.815, -6.175], [106.81, -6.175], [106.81, -6.18]]
    RW.objects.filter(pk=recipient_a.rw_id).update(
        boundary_web={"type": "Polygon", "coordinates": [ring]}
    )
    cache.clear()
    return recipient_a, recipient_b


def open_map(page, live_server):
    page.goto(live_server.url + "/")
    expect(page.locator("#map")).to_have_attribute("data-ready", "1")


def test_layers_load_and_each_toggles(page, live_server, drawn):
    recipient_a, recipient_b = drawn
    open_map(page, live_server)
    expect(page.locator("#map-status")).to_contain_text("2")
    expect(page.locator("#legend")).to_contain_text("%")
    for name, recipient in (("rw", recipient_a), ("institutions", recipient_b)):
        box = page.locator(f"#layer-{name}")
        expect(box).to_be_checked()
        assert recipient.pk in drawn_ids(page), name
        box.uncheck()
        assert recipient.pk not in drawn_ids(page), name
        box.check()
        assert recipient.pk in drawn_ids(page), name
    page.locator("#shade-households").check()
    expect(page.locator("#legend")).to_contain_text("KK")
    assert "shade=households" in page.url  # the view state lives in the URL


def test_rw_popup_has_the_figures_and_beri_bantuan_opens_the_recipient(page, live_server, drawn):
    recipient_a, _b = drawn
    page.goto(live_server.url + "/?institutions=0")
    expect(page.locator("#map")).to_have_attribute("data-ready", "1")
    click_map_at(page, -6.1775, 106.8125, 16)
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("RW 01 Gambir")
    expect(popup).to_contain_text("Budi Santoso")
    expect(popup).to_contain_text("120")
    popup.locator("a.give-help").click()
    expect(page).to_have_url(f"{live_server.url}/penerima/{recipient_a.pk}/")
    expect(page.locator("h1")).to_contain_text("RW 01 Gambir")


def test_institution_popup_shows_address_and_residents(page, live_server, drawn):
    page.goto(live_server.url + "/?rw=0")
    expect(page.locator("#map")).to_have_attribute("data-ready", "1")
    click_map_at(page, -6.165, 106.805, 17)
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Jl. Contoh No. 1")
    expect(popup).to_contain_text("40")


def test_case_layer_toggles_with_a_date(page, live_server, drawn, areas):
    import datetime

    from recipients.models import CaseReport

    CaseReport.objects.create(
        kelurahan=areas["kelurahan_a"],
        report_date=datetime.date(2020, 5, 31),
        schema="odp_pdp",
        odp=5,
        pdp=2,
        positif=3,
        source="test",
    )
    cache.clear()
    open_map(page, live_server)
    page.locator("#layer-cases").check()
    expect(page.locator("#cases-as-of")).to_contain_text("2020-05-31")
    expect(page.locator("#legend")).to_contain_text("positif")
    assert areas["kelurahan_a"].code in drawn_ids(page)
    page.locator("#layer-cases").uncheck()
    assert areas["kelurahan_a"].code not in drawn_ids(page)
    expect(page.locator("#legend")).not_to_contain_text("positif")


def test_recipient_page_small_map_draws(page, live_server, drawn):
    recipient_a, _b = drawn
    page.goto(f"{live_server.url}/penerima/{recipient_a.pk}/")
    expect(page.locator("#recipient-map")).to_have_attribute("data-ready", "1")


def test_ready_promise_resolves_once_drawn_and_layers_come_from_hashed_urls(
    page, live_server, drawn
):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_server.url + "/")
    drawn_ms = page.evaluate("window.ksbbMapReady")
    assert float(drawn_ms) > 0
    assert page.locator("#map").get_attribute("data-ready") == "1"
    for name in ("kelurahan", "rw", "institutions"):
        assert any(f"/api/v1/{name}.geojson?v=" in url for url in requested), name
    assert sum("/api/v1/status.json" in url for url in requested) == 1  # one status fetch
    # The first load does not grow: no all-RW geometry, no RW figures.
    assert not any("rw-all.geojson" in url or "level=rw" in url for url in requested)


def test_case_layer_shades_every_rw_on_a_date_with_rw_figures(page, live_server, drawn, areas):
    import datetime

    from recipients.models import CaseReport

    recipient_a, _b = drawn
    other = RW.objects.create(kelurahan=areas["kelurahan_a"], number=2)
    ring = [
        [106.815, -6.18],
        [106.82, -6.18],
        [106.82, -6.175],
        [106.815, -6.175],
        [106.815, -6.18],
    ]
    RW.objects.filter(pk=other.pk).update(boundary_web={"type": "Polygon", "coordinates": [ring]})
    day = datetime.date(2020, 5, 31)
    CaseReport.objects.create(
        kelurahan=areas["kelurahan_a"], report_date=day, schema="odp_pdp", positif=9, source="t"
    )
    for rw, positif in ((recipient_a.rw, 4), (other, 5)):
        CaseReport.objects.create(
            rw=rw,
            report_date=day,
            schema="odp_pdp",
            positif=positif,
            source="t",
            provenance="estimated",
        )
    cache.clear()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    open_map(page, live_server)
    assert not any("rw-all.geojson" in url for url in requested)
    page.locator("#layer-cases").check()
    expect(page.locator("#cases-legend-title")).to_contain_text("RW")
    expect(page.locator("#cases-estimated")).to_be_visible()  # the estimate note
    expect(page.locator("#cases-as-of")).to_contain_text("2020-05-31")
    ids = drawn_ids(page)
    assert "31.71.01.1001/001" in ids and "31.71.01.1001/002" in ids
    assert areas["kelurahan_a"].code not in ids  # RWs instead of the kelurahan
    assert any("rw-all.geojson?v=" in url for url in requested)
    # The RW's own popup names its figures, date and source. Opened from the layer: a click
    # on the lower "cases" pane is caught by the canvas of the overlay pane above it.
    page.evaluate(
        """() => window.maps[0].eachLayer((l) => {
             if (l.feature && l.feature.id === "31.71.01.1001/002")
               l.fire("click", {latlng: l.getBounds().getCenter()}, true);
           })"""
    )
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("RW 02 Gambir")
    expect(popup).to_contain_text("5")
    expect(popup).to_contain_text("2020-05-31")
    expect(popup.locator(".badge")).to_be_visible()  # the estimate badge
