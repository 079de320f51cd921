"""The map's GeoJSON layers (kelurahan, priority RWs, institutions, and every RW for the case
layer): built from public fields once per data version, and published as content-hashed files
for the web server.

Geometry changes rarely and the figures often, so the figures are not in these layers: they
come from status.json (recipients/opendata.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db.models import JSONField, Q
from django.db.models.functions import Coalesce
from django.urls import reverse

from ksbb.lib import geojson
from ksbb.lib.httpcache import Payload, get_payload, memo, publish
from recipients.case_data import rw_key
from recipients.models import RW, Area, Recipient, area_name_columns

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


# Each layer: its builder and the topics whose change rebuilds it.
LAYERS: dict[str, tuple[Callable[[], bytes], tuple[str, ...]]] = {
    "kelurahan": (build_kelurahan, ("areas",)),
    "rw": (build_rw, ("areas", "recipients")),
    "institutions": (build_institutions, ("areas", "recipients")),
    "rw-all": (build_rw_all, ("areas",)),
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
        digest = publish_layer(name).name.split(".")[1]
        urls[name] = f"{reverse('recipients:api-' + name)}?v={digest}"
    return urls
