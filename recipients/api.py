"""Open data API v1: GeoJSON layers, status and case figures as JSON, recipients as CSV.

Every payload is built from an explicit list of public fields (never a PJ's or anyone's phone,
e-mail or private address), once per data version (ksbb.lib.httpcache), and served gzipped with
validators. Geometry changes rarely and status often, so they are separate URLs.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.db.models import Count, JSONField, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ksbb.lib import geojson
from ksbb.lib.httpcache import Payload, get_payload, get_value, memo, publish, serve
from recipients.models import Area, CaseReport, Need, Provenance, Recipient
from recipients.signals import connect
from recipients.views.filters import filters_from

# Until RecipientsConfig.ready() calls it too; connecting twice is harmless (dispatch_uid).
connect()

GEOJSON = "application/geo+json"
JSON = "application/json"
CSV = "text/csv; charset=utf-8"
# Geometry: a day at a stable URL, a year at a URL carrying the content hash (?v=).
GEOMETRY_MAX_AGE = 24 * 3600
IMMUTABLE_MAX_AGE = 365 * 24 * 3600
STATUS_MAX_AGE = 60
CASES_MAX_AGE = 3600
CSV_MAX_AGE = 300
GEOMETRY_TOPICS = {
    "kelurahan": ("areas",),
    "rw": ("areas", "recipients"),
    "institutions": ("areas", "recipients"),
}
STATUS_TOPICS = ("recipients", "needs")
CASES_TOPICS = ("areas", "cases")
CSV_TOPICS = ("areas", "recipients", "needs")
AREA_COLUMNS = ("area__code", "area__name", "area__level", "area__parent__name")
AREA_COLUMNS += ("area__parent__level", "area__parent__parent__name", "area__parent__parent__level")
# Which case columns each 2020 schema fills, under the names the 2020 files used.
CASE_TERMS = {
    CaseReport.Schema.ODP_PDP: {"odp": "ODP", "pdp": "PDP", "positif": "positif"},
    CaseReport.Schema.SUSPEK: {"suspek": "suspek", "probable": "probable", "positif": "konfirmasi"},
}
CASE_DETAIL_COLUMNS = ("dirawat", "sembuh", "meninggal", "self_isolation")


def area_names(area: Area) -> dict[str, str]:
    """kota / kecamatan / kelurahan names of a recipient's area (select_related the chain)."""
    names = {"kota": "", "kecamatan": "", "kelurahan": ""}
    level_names = {Area.Level.KOTA: "kota", Area.Level.KECAMATAN: "kecamatan"}
    level_names[Area.Level.KELURAHAN] = "kelurahan"
    node, depth = area, 0
    while node is not None and depth < 3:
        if node.level in level_names:
            names[level_names[node.level]] = node.name
        node = node.parent if node.level > Area.Level.KOTA else None
        depth += 1
    return names


def web_geometry(prefix: str = "") -> Coalesce:
    """The simplified copy the importer stores for the web, else the boundary as imported:
    chosen in the database so the unsimplified column is read only where it is needed."""
    return Coalesce(f"{prefix}boundary_web", f"{prefix}boundary", output_field=JSONField())


def _web_geometry(geometry: dict | None) -> dict | None:
    # Rounding and orienting is a no-op on the importer's boundary_web, required on the rest.
    return geojson.normalise(geometry)


def build_kelurahan() -> bytes:
    # 1 query: kelurahan with kecamatan and kota names.
    areas = (
        Area.objects.kelurahan()
        .select_related("parent__parent")
        .annotate(geometry=web_geometry())
        .only(
            "code",
            "name",
            "level",
            "population",
            "households",
            "provenance",
            "parent__name",
            "parent__level",
            "parent__parent__name",
            "parent__parent__level",
        )
    )
    features = [
        geojson.feature(
            _web_geometry(area.geometry),
            {
                "code": area.code,
                "name": area.name,
                "kecamatan": area.parent.name,
                "kota": area.parent.parent.name if area.parent.parent else "",
                "population": area.population,
                "households": area.households,
                "source": area.provenance,
            },
            area.code,
        )
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
            *AREA_COLUMNS,
        )
        .order_by("pk")
    )
    features = []
    for recipient in recipients:
        rw = recipient.rw
        geometry = _web_geometry(recipient.geometry)
        if geometry is None:
            continue  # listed on the list page; nothing to draw
        properties = {
            "name": recipient.name,
            "kind": recipient.kind,
            **area_names(recipient.area),
            "area": recipient.area.code,
            "rw": rw.number,
            "households": rw.households,
            "households_source": rw.households_provenance,
            "ketua_rw": rw.ketua_name,
            "ketua_rw_source": rw.ketua_provenance,
            "boundary_source": rw.boundary_provenance,
            "source": recipient.provenance,
            "url": reverse("recipients:detail", args=[recipient.pk]),
        }
        features.append(geojson.feature(geometry, properties, recipient.pk))
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
            *AREA_COLUMNS,
        )
        .order_by("pk")
    )
    features = []
    for recipient in recipients:
        try:
            lon, lat = recipient.location["coordinates"][:2]
        except (KeyError, TypeError, ValueError):
            continue
        properties = {
            "name": recipient.name,
            "kind": recipient.kind,
            **area_names(recipient.area),
            "area": recipient.area.code,
            "address": recipient.address,
            "location_approximate": recipient.location_approximate,
            "residents": recipient.residents,
            "residents_source": recipient.residents_provenance,
            "source": recipient.provenance,
            "url": reverse("recipients:detail", args=[recipient.pk]),
        }
        features.append(geojson.feature(geojson.point(lon, lat), properties, recipient.pk))
    return geojson.dumps(geojson.feature_collection(features))


GEOMETRY_BUILDERS = {
    "kelurahan": build_kelurahan,
    "rw": build_rw,
    "institutions": build_institutions,
}

# The least trustworthy source wins: one demo figure makes the sum a demo figure.
_SOURCE_RANK = {Provenance.OFFICIAL: 0, Provenance.ESTIMATED: 1, Provenance.DEMO: 2}


def status_data() -> dict:
    """Need / pledged / delivered per active recipient and in total (2 queries)."""
    rows = Need.objects.filter(recipient__is_active=True).values_list(
        "recipient_id", "quantity", "pledged", "delivered", "provenance"
    )
    per: dict[int, dict] = {}
    for recipient_id, quantity, pledged, delivered, provenance in rows:
        item = per.setdefault(
            recipient_id,
            {"need": 0, "pledged": 0, "delivered": 0, "fulfilled": True, "source": "official"},
        )
        item["need"] += quantity
        item["pledged"] += pledged
        item["delivered"] += delivered
        item["fulfilled"] &= quantity <= pledged + delivered
        if _SOURCE_RANK.get(provenance, 2) > _SOURCE_RANK[item["source"]]:
            item["source"] = provenance
    kinds = Counter(dict(Recipient.objects.active().values_list("kind").annotate(n=Count("id"))))
    totals = {
        "need": sum(i["need"] for i in per.values()),
        "pledged": sum(i["pledged"] for i in per.values()),
        "delivered": sum(i["delivered"] for i in per.values()),
        "fulfilled": sum(1 for i in per.values() if i["fulfilled"]),
        "recipients": {kind: kinds.get(kind, 0) for kind in Recipient.Kind.values},
    }
    return {
        "generated": timezone.now().isoformat(timespec="seconds"),
        "totals": totals,
        "recipients": {str(pk): item for pk, item in sorted(per.items())},
    }


def case_dates() -> list[str]:
    """ISO dates that have case reports, oldest first (1 query per data version)."""

    def build() -> list[str]:
        dates = CaseReport.objects.order_by("report_date").values_list("report_date", flat=True)
        return [d.isoformat() for d in dates.distinct()]

    return get_value("case-dates", CASES_TOPICS, build)


def cases_data(day: str | None, dates: list[str]) -> dict:
    """Case counts per kelurahan code on one report date (1 query)."""
    reports = (
        CaseReport.objects.filter(report_date=day)
        .select_related("kelurahan")
        .only(
            "kelurahan__code",
            "schema",
            "report_date",
            "source",
            "odp",
            "pdp",
            "suspek",
            "probable",
            "positif",
            *CASE_DETAIL_COLUMNS,
        )
        .order_by("kelurahan__code")
    )
    schema, source, per = None, "", {}
    for report in reports:
        schema, source = report.schema, report.source
        columns = (*CASE_TERMS[report.schema], *CASE_DETAIL_COLUMNS)
        per[report.kelurahan.code] = {c: getattr(report, c) for c in columns}
    return {
        "date": day,
        "schema": schema,
        "terms": CASE_TERMS.get(schema, {}),
        "source": source,
        "dates": dates,
        "kelurahan": per,
    }


def publish_root() -> Path:
    """Where geometry is published as content-hashed files for the web server to serve."""
    return Path(settings.PUBLISH_ROOT or Path(settings.MEDIA_ROOT) / "open-data")


def geometry_payload(name: str) -> Payload:
    payload, _tag = get_payload(
        f"geo:{name}", GEOMETRY_TOPICS[name], GEOMETRY_BUILDERS[name], GEOJSON
    )
    return payload


def publish_geometry(name: str) -> Path:
    """The current layer as `<name>.<hash>.geojson` (+ `.gz`) under publish_root(), written
    when missing. Each process checks the disk once per file (memo), so pages may call it."""
    payload = geometry_payload(name)
    key = f"published:{publish_root()}:{name}:{payload.digest}"
    path = memo.get(key)
    if path is None or not path.exists():
        path = publish(publish_root(), name, ".geojson", payload)
        memo.put(key, path)
    return path


def geometry_urls() -> dict[str, str]:
    """The immutable URL of each layer: its stable URL with the content hash as ?v=.

    The web server answers these from the published files (see README, "Production"); Django
    answers them too, from the same bytes, when it gets them (development, a file not yet on
    this host). Publishing here means a fresh data version is on disk before any page links it.
    """
    urls = {}
    for name in GEOMETRY_BUILDERS:
        path = publish_geometry(name)
        digest = path.name.split(".")[1]
        urls[name] = f"{reverse('recipients:api-' + name)}?v={digest}"
    return urls


def _serve_geometry(request: HttpRequest, name: str) -> HttpResponse:
    payload = geometry_payload(name)
    if request.GET.get("v") == payload.digest:
        return serve(request, payload, max_age=IMMUTABLE_MAX_AGE, immutable=True)
    # An old or missing hash gets today's bytes, cacheable only as long as the stable URL.
    return serve(request, payload, max_age=GEOMETRY_MAX_AGE)


@require_GET
def kelurahan_geojson(request: HttpRequest) -> HttpResponse:
    return _serve_geometry(request, "kelurahan")


@require_GET
def rw_geojson(request: HttpRequest) -> HttpResponse:
    return _serve_geometry(request, "rw")


@require_GET
def institutions_geojson(request: HttpRequest) -> HttpResponse:
    return _serve_geometry(request, "institutions")


@require_GET
def status_json(request: HttpRequest) -> HttpResponse:
    payload, _tag = get_payload("status", STATUS_TOPICS, lambda: geojson.dumps(status_data()), JSON)
    return serve(request, payload, max_age=STATUS_MAX_AGE)


def _json_error(message: str, status: int, **extra) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


@require_GET
def cases_json(request: HttpRequest) -> HttpResponse:
    dates = case_dates()
    day = request.GET.get("date", "").strip()
    if day:
        try:
            day = datetime.date.fromisoformat(day).isoformat()
        except ValueError:
            return _json_error(_("Give the date as YYYY-MM-DD."), 400)
        if day not in dates:
            message = _("There is no case report for that date.")
            return _json_error(message, 404, dates=dates)
    else:
        day = dates[-1] if dates else None
    payload, _tag = get_payload(
        f"cases:{day}", CASES_TOPICS, lambda: geojson.dumps(cases_data(day, dates)), JSON
    )
    return serve(request, payload, max_age=CASES_MAX_AGE)


CSV_COLUMNS = (
    "id",
    "kind",
    "name",
    "kota",
    "kecamatan",
    "kelurahan",
    "rw",
    "households",
    "residents",
    "address",
    "person_in_charge",
    "need",
    "pledged",
    "delivered",
    "remaining",
    "source",
    "url",
)


def _csv_cell(value) -> str:
    # Spreadsheets run cells that start with these as formulas (CSV injection).
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def build_csv(recipients, site: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for r in recipients:
        need, pledged, delivered = r.need_total or 0, r.pledged_total or 0, r.delivered_total or 0
        names = area_names(r.area)
        row = (
            r.pk,
            r.kind,
            r.name,
            names["kota"],
            names["kecamatan"],
            names["kelurahan"],
            r.rw.number if r.rw_id else "",
            r.rw.households if r.rw_id else "",
            r.residents,
            r.address,
            r.pj_name,
            need,
            pledged,
            delivered,
            max(need - pledged - delivered, 0),
            r.provenance,
            site + reverse("recipients:detail", args=[r.pk]),
        )
        writer.writerow([_csv_cell(v) for v in row])
    # A BOM so that spreadsheet programs read the UTF-8 names correctly.
    return ("\ufeff" + out.getvalue()).encode()


def csv_queryset(filters):
    """Active recipients matching the filters with their need sums: public columns only."""
    recipients = filters.apply(Recipient.objects.active())
    return (
        recipients.select_related("rw", "area__parent__parent")
        .only(
            "name",
            "kind",
            "residents",
            "address",
            "pj_name",
            "provenance",
            "rw__number",
            "rw__households",
            *AREA_COLUMNS,
        )
        .annotate(
            need_total=Sum("needs__quantity"),
            pledged_total=Sum("needs__pledged"),
            delivered_total=Sum("needs__delivered"),
        )
        .order_by("area__code", "kind", "name", "pk")
    )


@require_GET
def recipients_csv(request: HttpRequest) -> HttpResponse:
    filters = filters_from(request.GET)
    site = request.build_absolute_uri("/")[:-1]
    payload, _tag = get_payload(
        f"csv:{site}:{filters.cache_key()}",
        CSV_TOPICS,
        lambda: build_csv(csv_queryset(filters), site),
        CSV,
        store=not filters.q,  # free-text searches are not cached
    )
    return serve(request, payload, max_age=CSV_MAX_AGE, filename="ksbb-recipients.csv")


def docs(request: HttpRequest) -> HttpResponse:
    return render(request, "recipients/api_docs.html", {"dates": case_dates()})
