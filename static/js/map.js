/* The map of needs (home page): priority RWs, the case choropleth and institutions.
 * Geometry comes from versioned, long-cached GeoJSON URLs; the figures that change often come
 * from status.json. Everything is drawn on canvas so a cheap phone copes with 3,000 shapes.
 * The case layer shades kelurahan, or every RW when the chosen date has RW figures: the
 * all-RW geometry and the RW figures are fetched only then, so the first load stays as it was.
 * Without tiles (none configured, or they fail or do not answer) map-base.js draws a light base
 * of our own; its file is fetched only then. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("map-config").textContent);
  var labels = JSON.parse(document.getElementById("map-labels").textContent);

  function fetchJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error(url + ": " + response.status);
      return response.json();
    });
  }

  // Start the downloads now: django-leaflet creates the map only on window "load", and the
  // geometry (immutable, usually in the browser cache) need not wait for that.
  var downloads = {
    kelurahan: fetchJSON(config.api.kelurahan),
    rw: fetchJSON(config.api.rw),
    institutions: fetchJSON(config.api.institutions),
    status: fetchJSON(config.api.status),
    cases: config.date ? fetchJSON(casesURL(config.date)) : null,
    base: config.tiles ? null : fetchJSON(config.api.base),
  };
  // Tiles that have not started to arrive by then are taken as not answering.
  var TILE_TIMEOUT_MS = 8000;
  var resolveReady, rejectReady;
  // Resolves once every layer is drawn (tests and bench/map_bench.py wait for it).
  window.ksbbMapReady = new Promise(function (resolve, reject) {
    resolveReady = resolve;
    rejectReady = reject;
  });
  window.ksbbMapReady.catch(function () {}); // a failure is reported on the page, not twice

  // Before django-leaflet creates the map (on window load): one canvas instead of SVG nodes.
  L.Map.mergeOptions({ preferCanvas: true });

  var KIND_COLOURS = {
    panti_asuhan: "#d95f02",
    panti_disabilitas: "#7570b3",
    panti_jompo: "#e7298a",
    pesantren: "#1b9e77",
    other: "#666666",
  };
  var UNMET = [
    [0, "#1a9850", "0 % (" + labels.fulfilled + ")"],
    [0.25, "#a6d96a", "≤ 25 %"],
    [0.5, "#fee08b", "≤ 50 %"],
    [0.75, "#fc8d59", "≤ 75 %"],
    [1, "#d73027", "> 75 %"],
  ];
  var BLUES = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];
  // Purples for cases, so the context layer never reads as the RWs' unmet need.
  var PURPLES = ["#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"];
  var GREY = "#bbbbbb";

  var state = {
    status: {}, cases: null, shade: "need", households: [], caseBreaks: [],
    rwCases: null, rwCaseBreaks: [], kelurahanNames: {},
  };
  var layers = {};
  var theMap = null;

  function $(id) {
    return document.getElementById(id);
  }

  function escape(value) {
    var div = document.createElement("div");
    div.textContent = value === null || value === undefined ? "" : String(value);
    return div.innerHTML;
  }

  function number(value) {
    return value === null || value === undefined ? labels.unknown : value.toLocaleString("id-ID");
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) {
      return values[key];
    });
  }

  function setStatus(text) {
    $("map-status").textContent = text;
  }

  // --- filter: the same area / kind / name the server applied to the totals -----------------
  function matches(props) {
    var f = config.filter;
    if (f.area && props.area !== f.area && props.area.indexOf(f.area + ".") !== 0) return false;
    if (f.kind && props.kind !== f.kind) return false;
    if (f.q) {
      var text = (props.name + " " + props.kelurahan).toLowerCase();
      if (text.indexOf(f.q) === -1) return false;
    }
    return true;
  }

  // --- classes -----------------------------------------------------------------------------
  function breaks(values) {
    // Quintile breaks of the positive values, so each colour holds about as many shapes.
    var sorted = values.filter(function (v) { return v > 0; }).sort(function (a, b) { return a - b; });
    if (!sorted.length) return [];
    var out = [];
    for (var i = 1; i < 5; i++) out.push(sorted[Math.floor((i * sorted.length) / 5)]);
    return out.filter(function (v, i, all) { return all.indexOf(v) === i; });
  }

  function classOf(value, limits) {
    for (var i = 0; i < limits.length; i++) if (value < limits[i]) return i;
    return limits.length;
  }

  function unmetColour(status) {
    if (!status || !status.need) return GREY;
    if (status.fulfilled) return UNMET[0][1];
    var open = 1 - (status.pledged + status.delivered) / status.need;
    for (var i = 1; i < UNMET.length; i++) if (open <= UNMET[i][0]) return UNMET[i][1];
    return UNMET[UNMET.length - 1][1];
  }

  function rwStyle(feature) {
    var colour;
    if (state.shade === "households") {
      var kk = feature.properties.households;
      colour = kk ? BLUES[classOf(kk, state.households)] : GREY;
    } else {
      colour = unmetColour(state.status[feature.id]);
    }
    return { color: "#333", weight: 0.6, fillColor: colour, fillOpacity: 0.75 };
  }

  function caseValue(code) {
    var row = state.cases && state.cases.kelurahan[code];
    return row ? row.positif : null;
  }

  function caseStyle(feature) {
    var value = caseValue(feature.id);
    var colour = value === null ? "transparent" : PURPLES[Math.min(classOf(value, state.caseBreaks), 4)];
    return { color: "#777", weight: 0.5, fillColor: colour, fillOpacity: 0.45 };
  }

  function rwCaseRow(key) {
    return state.rwCases && state.cases && state.rwCases.date === state.cases.date ? state.rwCases.rw[key] : null;
  }

  function rwCaseStyle(feature) {
    var data = rwCaseRow(feature.id);
    var value = data ? data.positif : null;
    var colour = value === null || value === undefined ? "transparent" : PURPLES[Math.min(classOf(value, state.rwCaseBreaks), 4)];
    return { color: "#888", weight: 0.3, fillColor: colour, fillOpacity: 0.45 };
  }

  // The level the case layer shows for the chosen date: RWs when the date has RW figures.
  function caseLevel() {
    return state.cases && state.cases.rw_level && state.cases.rw_level.length ? "rw" : "kelurahan";
  }

  // --- popups ------------------------------------------------------------------------------
  function sourceLabel(source) {
    if (!source || source === "official") return "";
    return ' <span class="badge ' + (source === "demo" ? "text-bg-warning" : "text-bg-info") + '">' +
      escape(config.sources[source] || source) + "</span>";
  }

  function row(label, value, source) {
    return "<tr><th scope=\"row\">" + escape(label) + "</th><td>" + value + sourceLabel(source) + "</td></tr>";
  }

  function figures(id) {
    var s = state.status[id];
    if (!s) return row(labels.need, escape(labels.no_data));
    return row(labels.need, number(s.need), s.source) + row(labels.pledged, number(s.pledged)) +
      row(labels.delivered, number(s.delivered)) +
      (s.fulfilled ? '<tr><td colspan="2"><span class="badge text-bg-success">' + escape(labels.fulfilled) + "</span></td></tr>" : "");
  }

  function button(props) {
    return '<a class="btn btn-sm btn-primary text-white give-help" href="' + escape(props.url) + '">' +
      escape(labels.give_help) + "</a>";
  }

  function rwPopup(layer) {
    var p = layer.feature.properties;
    return "<strong>" + escape(p.name) + "</strong>" + sourceLabel(p.source) +
      '<table class="popup-table">' +
      row(labels.kota, escape(p.kota)) + row(labels.kecamatan, escape(p.kecamatan)) +
      row(labels.kelurahan, escape(p.kelurahan)) + row(labels.rw, escape(p.rw)) +
      row(labels.households, number(p.households), p.households_source) +
      row(labels.ketua_rw, escape(p.ketua_rw || labels.unknown), p.ketua_rw_source) +
      figures(layer.feature.id) + "</table>" + rwPopupCases(p) + button(p);
  }

  function institutionPopup(layer) {
    var p = layer.feature.properties;
    var address = [p.address, p.kelurahan, p.kecamatan, p.kota].filter(Boolean).join(", ");
    return "<strong>" + escape(p.name) + "</strong>" + sourceLabel(p.source) +
      '<div class="small text-body-secondary">' + escape(config.kinds[p.kind] || p.kind) + "</div>" +
      '<table class="popup-table">' +
      row(labels.address, escape(address) + (p.location_approximate ? " (" + escape(labels.approximate) + ")" : "")) +
      row(labels.residents, number(p.residents), p.residents_source) +
      figures(layer.feature.id) + "</table>" + button(p);
  }

  function caseRows(terms, data, date, provenance) {
    var html = '<table class="popup-table">';
    Object.keys(terms).forEach(function (key) { html += row(terms[key], number(data[key])); });
    if (provenance) html += row(labels.case_source, escape(config.sources[provenance] || provenance));
    return html + "</table><div class=\"small\">" + escape(format(labels.data_as_of, { date: date })) + "</div>";
  }

  function rwKey(area, rw) {
    return area + "/" + ("00" + rw).slice(-3);
  }

  // A priority RW's case figures, when the chosen date has RW figures and they are loaded.
  function rwPopupCases(p) {
    var data = rwCaseRow(rwKey(p.area, p.rw));
    if (!data) return "";
    return '<div class="mt-1 fw-semibold">' + escape(labels.cases_rw) + sourceLabel(data.provenance) + "</div>" +
      caseRows(state.rwCases.terms, data, state.rwCases.date, data.provenance);
  }

  function rwCasePopup(layer) {
    var p = layer.feature.properties;
    var kel = state.kelurahanNames[p.area] || {};
    var data = rwCaseRow(layer.feature.id);
    var html = "<strong>" + escape(labels.rw + " " + ("0" + p.rw).slice(-2) + " " + (kel.name || "")) + "</strong>" +
      (data ? sourceLabel(data.provenance) : "") +
      "<div class=\"small\">" + escape([kel.kecamatan, kel.kota].filter(Boolean).join(", ")) + "</div>";
    if (!data) return html + "<p class=\"mb-0\">" + escape(labels.no_data) + "</p>";
    return html + caseRows(state.rwCases.terms, data, state.rwCases.date, data.provenance);
  }

  function casePopup(layer) {
    var p = layer.feature.properties;
    var data = state.cases && state.cases.kelurahan[layer.feature.id];
    var html = "<strong>" + escape(p.name) + "</strong><div class=\"small\">" + escape(p.kecamatan) + ", " + escape(p.kota) + "</div>";
    if (!data) return html + "<p class=\"mb-0\">" + escape(labels.no_data) + "</p>";
    html += '<table class="popup-table">';
    Object.keys(state.cases.terms).forEach(function (key) {
      html += row(state.cases.terms[key], number(data[key]));
    });
    return html + "</table><div class=\"small\">" + escape(format(labels.data_as_of, { date: state.cases.date })) + "</div>";
  }

  // --- legend ------------------------------------------------------------------------------
  function swatch(colour, text) {
    return '<div><span class="swatch" style="background:' + colour + '"></span>' + escape(text) + "</div>";
  }

  function rangeLabels(limits) {
    var out = [];
    for (var i = 0; i <= limits.length; i++) {
      if (i === 0) out.push("< " + number(limits[0]));
      else if (i === limits.length) out.push("≥ " + number(limits[i - 1]));
      else out.push(number(limits[i - 1]) + " – " + number(limits[i] - 1));
    }
    return out;
  }

  function updateLegend() {
    var html = "";
    if ($("layer-rw").checked) {
      if (state.shade === "households") {
        html += "<p class=\"mb-1 fw-semibold\">" + escape(labels.households_legend) + "</p>";
        rangeLabels(state.households).forEach(function (text, i) { html += swatch(BLUES[i], text); });
      } else {
        html += "<p class=\"mb-1 fw-semibold\">" + escape(labels.unmet_share) + "</p>";
        UNMET.forEach(function (c) { html += swatch(c[1], c[2]); });
      }
      html += swatch(GREY, labels.no_data);
    }
    if ($("layer-institutions").checked) {
      html += "<p class=\"mb-1 mt-2 fw-semibold\">" + escape(labels.institutions_legend) + "</p>";
      Object.keys(KIND_COLOURS).forEach(function (kind) {
        html += swatch(KIND_COLOURS[kind], config.kinds[kind] || kind);
      });
    }
    if ($("layer-cases") && $("layer-cases").checked && state.cases && state.cases.date) {
      var byRW = caseLevel() === "rw" && state.rwCases && state.rwCases.date === state.cases.date;
      var shown = byRW ? state.rwCases : state.cases;
      var term = shown.terms.positif || "positif";
      var title = format(byRW ? labels.cases_legend_rw : labels.cases_legend, { term: term });
      html += "<p class=\"mb-1 mt-2 fw-semibold\" id=\"cases-legend-title\">" + escape(title) + sourceLabel(shown.provenance) + "</p>";
      rangeLabels(byRW ? state.rwCaseBreaks : state.caseBreaks).forEach(function (text, i) { html += swatch(PURPLES[i], text); });
      if (byRW && state.cases.rw_level.indexOf("estimated") !== -1) html += '<p class="mb-0" id="cases-estimated">' + escape(labels.cases_estimated) + "</p>";
    }
    $("legend").innerHTML = html;
    updateAsOf();
  }

  // "Data as of <date>, per RW (estimate)": the date, the level and the source of what is drawn.
  function updateAsOf() {
    var asOf = $("cases-as-of");
    if (!asOf || !state.cases || !state.cases.date) return;
    var byRW = caseLevel() === "rw";
    var provenance = byRW ? state.rwCases && state.rwCases.date === state.cases.date && state.rwCases.provenance : state.cases.provenance;
    var sources = byRW ? state.cases.rw_level : [state.cases.provenance || "official"];
    var source = provenance || sources[sources.length - 1];
    asOf.textContent = format(labels.data_as_of_level, {
      date: state.cases.date,
      level: byRW ? labels.level_rw : labels.level_kelurahan,
      source: config.sources[source] || source,
    });
  }

  // --- URL state: layers, shading and date join the filter in the query string ---------------
  function saveState() {
    var params = new URLSearchParams(window.location.search);
    params.set("shade", state.shade);
    ["rw", "institutions", "cases"].forEach(function (name) {
      params.set(name, $("layer-" + name).checked ? "1" : "0");
    });
    if (state.cases && state.cases.date) params.set("date", state.cases.date);
    window.history.replaceState(null, "", "?" + params.toString());
  }

  function restoreState() {
    var params = new URLSearchParams(window.location.search);
    if (params.get("shade") === "households") {
      state.shade = "households";
      $("shade-households").checked = true;
    }
    ["rw", "institutions", "cases"].forEach(function (name) {
      var box = $("layer-" + name);
      if (params.has(name) && !box.disabled) box.checked = params.get(name) === "1";
    });
  }

  // --- layers ------------------------------------------------------------------------------
  function toggle(name) {
    if (name === "cases") {
      showCases().then(saveState);
      return;
    }
    var layer = layers[name];
    if (!layer) return;
    if ($("layer-" + name).checked) layer.addTo(layer._ksbbMap);
    else layer.remove();
    updateLegend();
    saveState();
  }

  function casesURL(date, level) {
    var params = [];
    if (date) params.push("date=" + encodeURIComponent(date));
    if (level) params.push("level=" + level);
    return config.api.cases + (params.length ? "?" + params.join("&") : "");
  }

  // The RW figures of the chosen date (for the case layer and the priority RWs' popups).
  function loadRWFigures() {
    var date = state.cases && state.cases.date;
    if (!date || caseLevel() !== "rw") return Promise.resolve(false);
    if (state.rwCases && state.rwCases.date === date) return Promise.resolve(true);
    return fetchJSON(casesURL(date, "rw")).then(function (data) {
      if (!state.cases || state.cases.date !== data.date) return false; // the date changed meanwhile
      state.rwCases = data;
      state.rwCaseBreaks = breaks(Object.keys(data.rw).map(function (k) { return data.rw[k].positif || 0; }));
      if (layers.rwCases) layers.rwCases.setStyle(rwCaseStyle);
      return true;
    });
  }

  // Every RW's polygon, fetched the first time the case layer shows RWs.
  function loadRWGeometry() {
    if (layers.rwCases) return Promise.resolve(layers.rwCases);
    if (!downloads.rwAll) downloads.rwAll = fetchJSON(config.api["rw-all"]);
    return downloads.rwAll.then(function (geometry) {
      if (!layers.rwCases) {
        layers.rwCases = L.geoJSON(geometry, { pane: "cases", style: rwCaseStyle }).bindPopup(rwCasePopup);
      }
      return layers.rwCases;
    });
  }

  // Draw the case layer of the chosen date at its level (kelurahan at once; RWs once loaded).
  function showCases() {
    var apply = function () {
      var on = $("layer-cases").checked;
      var byRW = caseLevel() === "rw" && layers.rwCases && state.rwCases && state.rwCases.date === state.cases.date;
      if (layers.cases) {
        if (on && !byRW) layers.cases.addTo(theMap);
        else layers.cases.remove();
      }
      if (layers.rwCases) {
        if (on && byRW) layers.rwCases.addTo(theMap);
        else layers.rwCases.remove();
      }
      updateLegend();
    };
    if (!$("layer-cases").checked || caseLevel() !== "rw") {
      apply();
      return Promise.resolve();
    }
    return Promise.all([loadRWGeometry(), loadRWFigures()]).then(apply).catch(function (error) {
      setStatus(labels.load_failed);
      throw error;
    });
  }

  function loadCases(date, download) {
    return (download || fetchJSON(casesURL(date))).then(function (data) {
      state.cases = data;
      state.caseBreaks = breaks(Object.keys(data.kelurahan).map(function (k) { return data.kelurahan[k].positif || 0; }));
      if (layers.cases) layers.cases.setStyle(caseStyle);
      updateAsOf();
    });
  }

  function build(map, kelurahan, rw, institutions) {
    map.createPane("cases").style.zIndex = 350;
    theMap = map;
    var shown = 0;

    kelurahan.features.forEach(function (f) { state.kelurahanNames[f.id] = f.properties; });
    layers.cases = L.geoJSON(kelurahan, { pane: "cases", style: caseStyle }).bindPopup(casePopup);
    var hh = rw.features.map(function (f) { return f.properties.households || 0; });
    state.households = breaks(hh);
    layers.rw = L.geoJSON(rw, {
      style: rwStyle,
      filter: function (f) { var ok = matches(f.properties); shown += ok ? 1 : 0; return ok; },
    }).bindPopup(rwPopup);
    // A priority RW's case figures come with its popup when the date has RW figures.
    layers.rw.on("popupopen", function (event) {
      loadRWFigures().then(function (loaded) {
        if (loaded && event.popup.isOpen()) event.popup.setContent(rwPopup(event.layer));
      }).catch(function () {});
    });

    layers.institutions = L.markerClusterGroup({ chunkedLoading: true, maxClusterRadius: 50 });
    // Plain markers in one addLayers call (chunked by the cluster group); one popup on the
    // group, filled on click from the clicked marker's feature.
    var markers = [];
    institutions.features.forEach(function (f) {
      if (!matches(f.properties)) return;
      var c = f.geometry.coordinates;
      var marker = L.circleMarker([c[1], c[0]], {
        radius: 6, color: "#fff", weight: 1, fillOpacity: 0.9,
        fillColor: KIND_COLOURS[f.properties.kind] || KIND_COLOURS.other,
      });
      marker.feature = f;
      markers.push(marker);
    });
    shown += markers.length;
    layers.institutions.addLayers(markers);
    layers.institutions.bindPopup(institutionPopup);

    ["rw", "institutions"].forEach(function (name) {
      layers[name]._ksbbMap = map;
      if ($("layer-" + name).checked) layers[name].addTo(map);
    });
    ["cases", "rw", "institutions"].forEach(function (name) {
      $("layer-" + name).addEventListener("change", function () { toggle(name); });
    });

    // Zoom to the filtered area, else to what is drawn.
    var bounds = L.latLngBounds([]);
    if (config.filter.area) {
      layers.cases.eachLayer(function (l) {
        var code = l.feature.id;
        if (code === config.filter.area || code.indexOf(config.filter.area + ".") === 0) bounds.extend(l.getBounds());
      });
    }
    if (!bounds.isValid() && (config.filter.area || config.filter.kind || config.filter.q)) {
      layers.rw.eachLayer(function (l) { bounds.extend(l.getBounds()); });
      layers.institutions.eachLayer(function (l) { bounds.extend(l.getLatLng()); });
    }
    if (bounds.isValid()) map.fitBounds(bounds, { maxZoom: 16 });

    setStatus(format(labels.shown, { count: number(shown) }));
    return showCases();
  }

  // --- our own base map (map-base.js), drawn once, under any tiles ---------------------------
  var baseDrawn = false;
  function drawBase(map) {
    if (baseDrawn) return;
    baseDrawn = true;
    if (!downloads.base) downloads.base = fetchJSON(config.api.base);
    var container = map.getContainer();
    Promise.all([downloads.kelurahan, downloads.base]).then(function (data) {
      window.ksbbBaseMap(map, data[0], data[1]);
      requestAnimationFrame(function () { container.dataset.base = "1"; });
    }).catch(function () {
      container.dataset.base = "error"; // the layers still draw; the base is a courtesy
    });
  }

  window.ksbbMapInit = function (map) {
    var tileLayers = [];
    map.eachLayer(function (layer) { if (layer instanceof L.TileLayer) tileLayers.push(layer); });
    if (!tileLayers.length) drawBase(map);
    tileLayers.forEach(function (layer) {
      var timer = setTimeout(function () { drawBase(map); }, TILE_TIMEOUT_MS);
      layer.once("tileload", function () { clearTimeout(timer); });
      layer.once("tileerror", function () {
        clearTimeout(timer);
        $("tiles-status").textContent = labels.tiles_failed;
        drawBase(map);
      });
    });
    restoreState();
    document.querySelectorAll("input[name=shade]").forEach(function (radio) {
      radio.addEventListener("change", function () {
        state.shade = radio.value;
        if (layers.rw) layers.rw.setStyle(rwStyle);
        updateLegend();
        saveState();
      });
    });
    var dateSelect = $("case-date");
    if (dateSelect) {
      dateSelect.addEventListener("change", function () {
        loadCases(dateSelect.value).then(showCases).then(saveState);
      });
    }

    Promise.all([
      downloads.kelurahan,
      downloads.rw,
      downloads.institutions,
      downloads.status.then(function (s) { state.status = s.recipients; }),
      config.date ? loadCases(config.date, downloads.cases) : null,
    ]).then(function (data) {
      return build(map, data[0], data[1], data[2]);
    }).then(function () {
      // The canvas renderer paints on the next animation frame: count the layers drawn then.
      requestAnimationFrame(function () {
        var container = map.getContainer();
        // Milliseconds since navigation started (performance.now()'s origin).
        container.dataset.drawnMs = Math.round(performance.now());
        container.dataset.ready = "1";
        resolveReady(container.dataset.drawnMs);
      });
    }).catch(function (error) {
      setStatus(labels.load_failed);
      map.getContainer().dataset.ready = "error";
      rejectReady(error);
      throw error;
    });
  };

  // Area selects submit the form at once; a lower level is meaningless under a new parent.
  document.querySelectorAll("[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      var order = ["f-kota", "f-kecamatan", "f-kelurahan"];
      for (var i = order.indexOf(select.id) + 1; i < order.length; i++) $(order[i]).value = "";
      select.form.submit();
    });
  });
})();
