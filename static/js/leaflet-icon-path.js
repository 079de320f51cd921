/* Leaflet finds its default marker images by reading their URL out of leaflet.css; with
 * collectstatic's hashed names (marker-icon.<hash>.png) that guess fails and the admin's map
 * shows a broken marker. Name the folder instead: it sits beside this script's folder under
 * STATIC_URL, and collectstatic keeps the unhashed originals there. */
(function () {
  "use strict";
  var src = document.currentScript.src;
  L.Icon.Default.imagePath = src.slice(0, src.lastIndexOf("/js/") + 1) + "leaflet/images/";
})();
