"""Open data API v1: the map's GeoJSON layers, status and case figures as JSON, recipients as
CSV, and the page that documents them.

Each payload is built once per data version (ksbb.lib.httpcache) by recipients/layers.py or
recipients/opendata.py, and served gzipped with validators and a Cache-Control that fits how
often it changes.
"""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ksbb.lib import geojson
from ksbb.lib.httpcache import get_payload, serve
from recipients import layers, opendata
from recipients.filters import filters_from

JSON = "application/json"
CSV = "text/csv; charset=utf-8"
# Geometry: a day at a stable URL, a year at a URL carrying the content hash (?v=).
GEOMETRY_MAX_AGE = 24 * 3600
IMMUTABLE_MAX_AGE = 365 * 24 * 3600
STATUS_MAX_AGE = 60
CASES_MAX_AGE = 3600
CSV_MAX_AGE = 300


def _serve_layer(request: HttpRequest, name: str) -> HttpResponse:
    payload = layers.layer_payload(name)
    if request.GET.get("v") == payload.digest:
        return serve(request, payload, max_age=IMMUTABLE_MAX_AGE, immutable=True)
    # An old or missing hash gets today's bytes, cacheable only as long as the stable URL.
    return serve(request, payload, max_age=GEOMETRY_MAX_AGE)


@require_GET
def kelurahan_geojson(request: HttpRequest) -> HttpResponse:
    return _serve_layer(request, "kelurahan")


@require_GET
def rw_geojson(request: HttpRequest) -> HttpResponse:
    return _serve_layer(request, "rw")


@require_GET
def institutions_geojson(request: HttpRequest) -> HttpResponse:
    return _serve_layer(request, "institutions")


@require_GET
def status_json(request: HttpRequest) -> HttpResponse:
    payload, _tag = get_payload(
        "status", opendata.STATUS_TOPICS, lambda: geojson.dumps(opendata.status_data()), JSON
    )
    return serve(request, payload, max_age=STATUS_MAX_AGE)


def _json_error(message: str, status: int, **extra: object) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


@require_GET
def cases_json(request: HttpRequest) -> HttpResponse:
    dates = opendata.case_dates()
    asked = request.GET.get("date", "").strip()
    day: str | None
    if asked:
        try:
            day = datetime.date.fromisoformat(asked).isoformat()
        except ValueError:
            return _json_error(_("Give the date as YYYY-MM-DD."), 400)
        if day not in dates:
            message = _("There is no case report for that date.")
            return _json_error(message, 404, dates=dates)
    else:
        day = dates[-1] if dates else None
    payload, _tag = get_payload(
        f"cases:{day}",
        opendata.CASES_TOPICS,
        lambda: geojson.dumps(opendata.cases_data(day, dates)),
        JSON,
    )
    return serve(request, payload, max_age=CASES_MAX_AGE)


@require_GET
def recipients_csv(request: HttpRequest) -> HttpResponse:
    filters = filters_from(request.GET)
    site = request.build_absolute_uri("/")[:-1]
    payload, _tag = get_payload(
        f"csv:{site}:{filters.cache_key()}",
        opendata.CSV_TOPICS,
        lambda: opendata.build_csv(filters, site),
        CSV,
        store=not filters.q,  # free-text searches are not cached
    )
    return serve(request, payload, max_age=CSV_MAX_AGE, filename="ksbb-recipients.csv")


def docs(request: HttpRequest) -> HttpResponse:
    return render(request, "recipients/api_docs.html", {"dates": opendata.case_dates()})
