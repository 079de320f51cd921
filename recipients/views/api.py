"""Open data API v1: the map's GeoJSON layers, status and case figures as JSON, recipients and
case figures as CSV, and the page that documents them.

Each payload is built once per data version (ksbb.lib.httpcache) by recipients/layers.py,
recipients/opendata.py or recipients/case_data.py, and served gzipped with validators and a
Cache-Control that fits how often it changes.
"""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ksbb.lib import geojson
from ksbb.lib.httpcache import get_payload, serve
from recipients import case_data, layers, opendata
from recipients.filters import filters_from
from recipients.models import CaseReport

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
def rw_all_geojson(request: HttpRequest) -> HttpResponse:
    return _serve_layer(request, "rw-all")


@require_GET
def base_geojson(request: HttpRequest) -> HttpResponse:
    return _serve_layer(request, "base")


@require_GET
def status_json(request: HttpRequest) -> HttpResponse:
    payload, _tag = get_payload(
        "status", opendata.STATUS_TOPICS, lambda: geojson.dumps(opendata.status_data()), JSON
    )
    return serve(request, payload, max_age=STATUS_MAX_AGE)


def _json_error(message: str, status: int, **extra: object) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


def _case_day(request: HttpRequest, dates: list[str]) -> str | None | JsonResponse:
    """The report date asked for (the latest without one), or the error answer."""
    asked = request.GET.get("date", "").strip()
    if not asked:
        return dates[-1] if dates else None
    try:
        day = datetime.date.fromisoformat(asked).isoformat()
    except ValueError:
        return _json_error(_("Give the date as YYYY-MM-DD."), 400)
    if day not in dates:
        return _json_error(_("There is no case report for that date."), 404, dates=dates)
    return day


@require_GET
def cases_json(request: HttpRequest) -> HttpResponse:
    level = request.GET.get("level", "").strip() or CaseReport.Level.KELURAHAN
    if level not in case_data.LEVELS:
        message = _("Give the level as kelurahan or rw.")
        return _json_error(message, 400, levels=list(case_data.LEVELS))
    dates = case_data.case_dates(level if level == CaseReport.Level.RW else "")
    day = _case_day(request, dates)
    if isinstance(day, JsonResponse):
        return day
    build = case_data.rw_cases_data if level == CaseReport.Level.RW else case_data.cases_data
    payload, _tag = get_payload(
        f"cases:{level}:{day}",
        case_data.CASES_TOPICS,
        lambda: geojson.dumps(build(day, dates)),
        JSON,
    )
    return serve(request, payload, max_age=CASES_MAX_AGE)


@require_GET
def cases_csv(request: HttpRequest) -> HttpResponse:
    level = request.GET.get("level", "").strip()
    if level and level not in case_data.LEVELS:
        message = _("Give the level as kelurahan or rw.")
        return _json_error(message, 400, levels=list(case_data.LEVELS))
    levels = (level,) if level else case_data.LEVELS
    day = _case_day(request, case_data.case_dates())
    if isinstance(day, JsonResponse):
        return day
    payload, _tag = get_payload(
        f"cases-csv:{level}:{day}",
        case_data.CASES_TOPICS,
        lambda: case_data.build_csv(day, levels),
        CSV,
    )
    return serve(request, payload, max_age=CASES_MAX_AGE, filename=f"ksbb-cases-{day}.csv")


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
    return render(
        request,
        "recipients/api_docs.html",
        {"dates": case_data.case_dates(), "rw_dates": case_data.case_dates("rw")},
    )
