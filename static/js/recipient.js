/* The small map of a recipient's page: its RW polygon or its point. */
window.ksbbRecipientMap = function (map) {
  "use strict";
  var geometry = JSON.parse(document.getElementById("recipient-geometry").textContent);
  var layer = L.geoJSON(geometry, {
    style: { color: "#0d6efd", weight: 2, fillOpacity: 0.25 },
    pointToLayer: function (_f, latlng) {
      return L.circleMarker(latlng, { radius: 8, color: "#fff", weight: 2, fillColor: "#0d6efd", fillOpacity: 0.9 });
    },
  }).addTo(map);
  map.fitBounds(layer.getBounds(), { maxZoom: 16 });
  map.getContainer().dataset.ready = "1";
};
