"""Helpers the browser tests share for driving the Leaflet map."""

from __future__ import annotations


def click_map_at(page, lat: float, lon: float, zoom: int) -> None:
    """Centre the map on a point, let the layers (and clusters) settle, click the centre."""
    page.evaluate(
        """([lat, lon, zoom]) => new Promise((done) => {
             const map = window.maps[0];
             map.once("moveend", () => setTimeout(done, 200));
             map.setView([lat, lon], zoom, {animate: false});
           })""",
        [lat, lon, zoom],
    )
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    # A popup opening near the edge pans the map (animated): clicking a link in the popup
    # while it moves may hit the canvas beneath instead, so wait for the pan to end.
    page.evaluate(
        """() => new Promise((done) => {
             const map = window.maps[0];
             map.once("moveend", () => setTimeout(done, 50));
             setTimeout(done, 600);  // no pan was needed
           })"""
    )


def drawn_ids(page) -> list:
    """The feature ids drawn on the map now: recipient ids (RWs, institutions outside a
    cluster) and kelurahan codes (cases). Leaflet draws on a canvas, so ask the map itself.
    The base map's outlines (pane "base", drawn without tiles) are not data: left out."""
    return page.evaluate(
        """() => {
             const ids = [];
             window.maps[0].eachLayer((l) => {
               if (l.feature && l.options.pane !== "base") ids.push(l.feature.id);
             });
             return ids;
           }"""
    )
