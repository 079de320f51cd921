/* The map's own light base (home page), for a portal without a tile server or when its tiles
 * fail: land and kelurahan outlines from the kelurahan layer that map.js loads anyway, kecamatan
 * and kota borders and names from base.geojson (fetched only then). It lies under the tile pane,
 * so tiles that do load cover it; nothing on it is interactive, clicks reach the layers. */
(function () {
  "use strict";

  var STYLES = {
    kelurahan: { color: "#cdc6b8", weight: 0.6, fillColor: "#fbfaf5", fillOpacity: 1 },
    kecamatan: { color: "#9a9182", weight: 1.2, fill: false },
    kota: { color: "#6e6557", weight: 2.2, fill: false },
  };
  var DRAW_ORDER = { kecamatan: 0, kota: 1 }; // kota borders on top

  function escape(value) {
    var div = document.createElement("div");
    div.textContent = value;
    return div.innerHTML;
  }

  function label(feature) {
    var p = feature.properties;
    var c = feature.geometry.coordinates;
    var marker = L.marker([c[1], c[0]], {
      pane: "baseLabels",
      interactive: false,
      keyboard: false,
      icon: L.divIcon({
        className: "map-label map-label-" + p.level,
        // The names orient the eye; a screen reader gets the filter's area names instead.
        html: '<span aria-hidden="true">' + escape(p.name) + "</span>",
        iconSize: null,
      }),
    });
    marker.minZoom = p.minzoom;
    marker.maxZoom = p.maxzoom;
    return marker;
  }

  // Draws the base on `map` from the kelurahan layer and base.geojson (both parsed GeoJSON).
  window.ksbbBaseMap = function (map, kelurahan, base) {
    map.createPane("base").style.zIndex = 150; // under the tile pane (200)
    map.createPane("baseLabels").style.zIndex = 450; // over the shaded layers, under markers
    L.geoJSON(kelurahan, { pane: "base", interactive: false, style: STYLES.kelurahan }).addTo(map);
    var borders = base.features.filter(function (f) { return f.properties.kind === "border"; });
    borders.sort(function (a, b) { return DRAW_ORDER[a.properties.level] - DRAW_ORDER[b.properties.level]; });
    L.geoJSON({ type: "FeatureCollection", features: borders }, {
      pane: "base",
      interactive: false,
      style: function (f) { return STYLES[f.properties.level]; },
    }).addTo(map);

    var labels = base.features.filter(function (f) { return f.properties.kind === "label"; }).map(label);
    // Each name only at the zooms where it fits its area (published with the layer).
    function showLabels() {
      var zoom = map.getZoom();
      labels.forEach(function (marker) {
        var fits = zoom >= marker.minZoom && zoom <= marker.maxZoom;
        if (fits && !map.hasLayer(marker)) marker.addTo(map);
        else if (!fits && map.hasLayer(marker)) marker.remove();
      });
    }
    map.on("zoomend", showLabels);
    showLabels();
  };
})();
