"""The map's GeoJSON layers (kelurahan, priority RWs, institutions, every RW for the case layer,
and the base map drawn when there are no tiles): built from public fields once per data
version, and published as content-hashed files for the web server.

Geometry changes rarely and the figures often, so the figures are not in these layers: they
come from status.json (recipients/opendata.py).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import JSONField, Q
from django.db.models.functions import Coalesce
from django.urls import reverse

from ksbb.lib import geojson
from ksbb.lib.httpcache import Payload, get_payload, memo, publish
from recipients.case_data import rw_key
from recipients.models import AREA_LEVEL_NAMES, RW, Area, Recipient, area_name_columns

GEOJSON = "application/geo+json"


def web_geometry(prefix: str = "") -> Coalesce:
    """The simplified copy the importer stores for the web, else the boundary as imported:
    chosen in the database so the unsimplified column is read only where it is needed."""
    return Coalesce(f"{prefix}boundary_web", f"{prefix}boundary", output_field=JSONField())


def build_kelurahan() -> bytes:
    # 1 query: kelurahan with kecamatan and kota names.
    areas = (
        Area.objects.kelurahan()
        .select_related("parent__parent")
        .annotate(geometry=web_geometry())
        .only("population", "households", "provenance", *area_name_columns(prefix=""))
    )
    # Rounding and orienting (normalise) is a no-op on the importer's boundary_web, required
    # on a boundary as imported.
    features = [
        geojson.feature(geojson.normalise(area.geometry), area.feature_properties(), area.code)
        for area in areas
    ]
    return geojson.dumps(geojson.feature_collection(features))


def build_rw() -> bytes:
    # 1 query: active priority-RW recipients with their RW and area chain. Only priority RWs:
    # the map shows them, and all 2,732 RWs of the province would triple the layer.
    recipients = (
        Recipient.objects.active()
        .filter(kind=Recipient.Kind.PRIORITY_RW)
        .select_related("rw", "area__parent__parent")
        .annotate(geometry=web_geometry("rw__"))
        .only(
            "name",
            "kind",
            "provenance",
            "rw__number",
            "rw__households",
            "rw__households_provenance",
            "rw__ketua_name",
            "rw__ketua_provenance",
            "rw__boundary_provenance",
            *area_name_columns(),
        )
        .order_by("pk")
    )
    features = []
    for recipient in recipients:
        geometry = geojson.normalise(recipient.geometry)
        if geometry is None:
            continue  # listed on the list page; nothing to draw
        features.append(geojson.feature(geometry, recipient.feature_properties(), recipient.pk))
    return geojson.dumps(geojson.feature_collection(features))


def build_institutions() -> bytes:
    # 1 query: active recipients other than priority RWs that have a location.
    recipients = (
        Recipient.objects.active()
        .exclude(kind=Recipient.Kind.PRIORITY_RW)
        .filter(location__isnull=False)
        .select_related("area__parent__parent")
        .only(
            "name",
            "kind",
            "location",
            "location_approximate",
            "address",
            "residents",
            "residents_provenance",
            "provenance",
            *area_name_columns(),
        )
        .order_by("pk")
    )
    features = []
    for recipient in recipients:
        try:
            lon, lat = recipient.location["coordinates"][:2]
        except (KeyError, TypeError, ValueError):
            continue
        point = geojson.point(lon, lat)
        features.append(geojson.feature(point, recipient.feature_properties(), recipient.pk))
    return geojson.dumps(geojson.feature_collection(features))


def build_rw_all() -> bytes:
    # 1 query: every RW with a polygon and its kelurahan's code. Only what joins it to the case
    # figures (the key) and to the kelurahan layer (for the names): ~9x the priority RWs, so
    # map.js fetches it only when the case layer has RW figures to show.
    rws = (
        RW.objects.filter(Q(boundary_web__isnull=False) | Q(boundary__isnull=False))
        .select_related("kelurahan")
        .annotate(geometry=web_geometry())
        .only("number", "kelurahan__code")
        .order_by("kelurahan__code", "number")
    )
    features = []
    for rw in rws:
        geometry = geojson.normalise(rw.geometry)
        if geometry is None:
            continue
        key = rw_key(rw.kelurahan.code, rw.number)
        properties = {"area": rw.kelurahan.code, "rw": rw.number}
        features.append(geojson.feature(geometry, properties, key))
    return geojson.dumps(geojson.feature_collection(features))


# The base map's names: kota names up to zoom 11, kecamatan names from zoom 12 (the default
# view, zoom 11, shows the whole province: the five kota names fit there, 44 kecamatan do not).
KECAMATAN_LABELS_FROM = 12
MAX_ZOOM = 18
# A label's width in pixels per character (the CSS of .map-label: 11-12 px sans-serif, the kota
# names in capitals) plus padding: a name is shown from the zoom where its area is that wide.
LABEL_CHAR_PX: dict[int, float] = {Area.Level.KOTA: 8.5, Area.Level.KECAMATAN: 6.5}
LABEL_PADDING_PX = 8


def label_min_zoom(name: str, level: int, width_degrees: float) -> int:
    """The lowest zoom at which `name` fits across its area's bounding box (Web Mercator:
    256 * 2**zoom pixels per 360 degrees of longitude)."""
    text_px = len(name) * LABEL_CHAR_PX[level] + LABEL_PADDING_PX
    if width_degrees <= 0:
        return MAX_ZOOM
    return max(0, min(MAX_ZOOM, math.ceil(math.log2(text_px * 360 / (256 * width_degrees)))))


def build_base() -> bytes:
    """The light base map drawn when there are no tiles: kota and kecamatan borders (each edge
    once, kecamatan borders less the kota ones) and the kota / kecamatan names with the zooms
    at which they fit. The kelurahan outlines come from the kelurahan layer, already loaded.

    Borders are dissolved here from the kelurahan's web geometry, once per data version, so
    they lie exactly on the kelurahan outlines drawn beside them.
    """
    from ksbb.lib import geometry  # shapely is loaded lazily (worker memory)

    # 1 query: every kelurahan's web geometry and its kecamatan.
    kelurahan = (
        Area.objects.kelurahan()
        .annotate(geometry=web_geometry())
        .values_list("parent_id", "geometry")
        .order_by("code")
    )
    shapes: dict[int, list] = defaultdict(list)
    for parent_id, geojson_geometry in kelurahan:
        if geojson_geometry is None:
            continue
        try:
            shapes[parent_id].append(geometry.from_geojson(geojson_geometry))
        except geometry.GeometryError:
            continue  # the importer repaired or skipped it; nothing to outline
    # 1 query: the kecamatan and kota (names, centroids, parents).
    parents = Area.objects.filter(level__in=(Area.Level.KOTA, Area.Level.KECAMATAN)).only(
        "code", "name", "level", "parent_id", "centroid_lat", "centroid_lon"
    )
    by_level: dict[int, dict[int, Any]] = {Area.Level.KOTA: {}, Area.Level.KECAMATAN: {}}
    areas = {area.pk: area for area in parents}
    for area in sorted(areas.values(), key=lambda area: area.code):
        if area.level == Area.Level.KECAMATAN and shapes.get(area.pk):
            by_level[area.level][area.pk] = geometry.fill_slivers(
                geometry.dissolve(shapes[area.pk])
            )
    kota_parts: dict[int, list] = defaultdict(list)
    for pk, shape in by_level[Area.Level.KECAMATAN].items():
        kota_parts[areas[pk].parent_id].append(shape)
    for pk, parts in kota_parts.items():
        if pk in areas:
            by_level[Area.Level.KOTA][pk] = geometry.fill_slivers(geometry.dissolve(parts))

    # Only the borders between areas: the province's outline (its coast, islands and land
    # border, 5,400 of the 10,400 points) is where the kelurahan's fill ends already.
    kota_lines = geometry.borders(list(by_level[Area.Level.KOTA].values()), outer=False)
    kecamatan_lines = geometry.borders(
        list(by_level[Area.Level.KECAMATAN].values()), without=kota_lines, outer=False
    )
    features = [
        geojson.feature(geometry.to_geojson(lines), {"kind": "border", "level": level}, level)
        for level, lines in (("kota", kota_lines), ("kecamatan", kecamatan_lines))
        if not lines.is_empty
    ]
    for level, level_shapes in by_level.items():
        for pk, shape in level_shapes.items():
            area = areas[pk]
            if area.centroid_lat is not None and area.centroid_lon is not None:
                lat, lon = area.centroid_lat, area.centroid_lon
            else:
                lat, lon = geometry.centroid(shape)
            min_x, _min_y, max_x, _max_y = shape.bounds
            min_zoom = label_min_zoom(area.name, level, max_x - min_x)
            if level == Area.Level.KOTA:
                zooms = (min_zoom, KECAMATAN_LABELS_FROM - 1)
            else:
                zooms = (max(min_zoom, KECAMATAN_LABELS_FROM), MAX_ZOOM)
            if zooms[0] > zooms[1]:
                continue  # never fits where its level is named
            name = AREA_LEVEL_NAMES[level]
            properties = {
                "kind": "label",
                "level": name,
                "name": area.name,
                "minzoom": zooms[0],
                "maxzoom": zooms[1],
            }
            features.append(geojson.feature(geojson.point(lon, lat), properties, area.code))
    return geojson.dumps(geojson.feature_collection(features))


# Each layer: its builder and the topics whose change rebuilds it.
LAYERS: dict[str, tuple[Callable[[], bytes], tuple[str, ...]]] = {
    "kelurahan": (build_kelurahan, ("areas",)),
    "rw": (build_rw, ("areas", "recipients")),
    "institutions": (build_institutions, ("areas", "recipients")),
    "rw-all": (build_rw_all, ("areas",)),
    "base": (build_base, ("areas",)),
}


def layer_payload(name: str) -> Payload:
    """The layer's bytes for the current data version (built at most once per version)."""
    build, topics = LAYERS[name]
    payload, _tag = get_payload(f"geo:{name}", topics, build, GEOJSON)
    return payload


def publish_root() -> Path:
    """Where layers are published as content-hashed files for the web server to serve."""
    return Path(settings.PUBLISH_ROOT or Path(settings.MEDIA_ROOT) / "open-data")


def publish_layer(name: str) -> Path:
    """The current layer as `<name>.<hash>.geojson` (+ `.gz`) under publish_root(), written
    when missing. Each process checks the disk once per file (memo), so pages may call it."""
    payload = layer_payload(name)
    key = f"published:{publish_root()}:{name}:{payload.digest}"
    path = memo.get(key)
    if path is None or not path.exists():
        path = publish(publish_root(), name, ".geojson", payload)
        memo.put(key, path)
    return path


def layer_urls() -> dict[str, str]:
    """The immutable URL of each layer: its stable URL with the content hash as ?v=.

    The web server answers these from the published files (see README, "Production"); Django
    answers them too, from the same bytes, when it gets them (development, a file not yet on
    this host). Publishing here means a fresh data version is on disk before any page links it.
    """
    urls = {}
    for name in LAYERS:
        url = reverse("recipients:api-" + name)
        digest = publish_layer(name).name.split(".")[1]
        urls[name] = f"{url}?v={digest}"
    return urls
