"""The home page: the map of needs with server-rendered totals for the current filter."""

from __future__ import annotations

import html
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from recipients.case_data import case_dates, shown_level
from recipients.filters import Filters, area_index, filters_from
from recipients.layers import layer_urls
from recipients.listing import least_served, totals_for
from recipients.models import Provenance, Recipient

StrOrPromise = str | Promise


def map_config(filters: Filters, selected_date: str, *, tiles: bool = True) -> dict[str, Any]:
    """What static/js/map.js needs: immutable layer URLs, the filter, whether a tile layer is
    configured (without one, map.js fetches and draws the base layer at once)."""
    return {
        "api": {
            **layer_urls(),
            "status": reverse("recipients:api-status"),
            "cases": reverse("recipients:api-cases"),
        },
        "filter": {
            "area": filters.area.code if filters.area else "",
            "kind": filters.kind,
            "q": filters.q.lower(),
        },
        "date": selected_date,
        "tiles": tiles,
        "kinds": dict(Recipient.Kind.choices),
        "sources": dict(Provenance.choices),
    }


def preload_urls(config: dict[str, Any]) -> list[str]:
    """What map.js fetches first, for <link rel=preload>: the browser then downloads it while
    it still loads the scripts (median 740 -> 617 ms to drawn on the bench, one noisy run each)."""
    api = config["api"]
    urls = [api["kelurahan"], api["rw"], api["institutions"], api["status"]]
    if config["date"]:
        urls.append(f"{api['cases']}?date={config['date']}")
    if not config["tiles"]:
        urls.append(api["base"])  # drawn at once; with tiles, only if they fail
    return urls


def map_labels() -> dict[str, StrOrPromise]:
    """The words map.js writes into popups and the legend, translated here."""
    return {
        "kota": _("Kota/kabupaten"),
        "kecamatan": _("Kecamatan"),
        "kelurahan": _("Kelurahan"),
        "rw": _("RW"),
        "households": _("Households (KK)"),
        "ketua_rw": _("Ketua RW"),
        "address": _("Address"),
        "residents": _("Residents"),
        "need": _("Packages needed"),
        "pledged": _("Pledged"),
        "delivered": _("Delivered"),
        "fulfilled": _("terpenuhi (all needs covered)"),
        "give_help": _("Give help"),
        "approximate": _("approximate location"),
        "unknown": _("unknown"),
        "no_data": _("no data"),
        "unmet_share": _("Share of the need still open"),
        "households_legend": _("Households (KK) per RW"),
        "cases_legend": _("COVID-19 cases (%(term)s) per kelurahan"),
        "cases_legend_rw": _("COVID-19 cases (%(term)s) per RW"),
        "cases_estimated": _(
            "Estimate: each kelurahan's official count shared among its RWs by households "
            "(perkiraan), not counted per RW."
        ),
        "cases_rw": _("COVID-19 cases in this RW"),
        "case_source": _("Source"),
        "data_as_of_level": _("Data as of %(date)s, per %(level)s (%(source)s)"),
        "level_rw": _("RW"),
        "level_kelurahan": _("kelurahan"),
        "institutions_legend": _("Institutions"),
        "data_as_of": _("Data as of %(date)s"),
        "tiles_failed": _(
            "The background map could not load; the map shows the area borders instead."
        ),
        "load_failed": _("Some map data could not load. The list of recipients works without it."),
        "shown": _("%(count)s recipients on the map"),
    }


def cases_as_of(day: str) -> StrOrPromise:
    """ "Data as of <date>, per RW (estimate)": what the case layer shows on the date (map.js
    rewrites it when the date changes)."""
    level, source = shown_level(day)
    return _("Data as of %(date)s, per %(level)s (%(source)s)") % {
        "date": day,
        "level": _("RW") if level == "rw" else _("kelurahan"),
        "source": Provenance(source or Provenance.OFFICIAL).label,
    }


def date_options(dates: list[str], selected: str) -> str:
    """The <option>s of the report-date select, joined here: as a template loop over the ~120
    dates of 2020 they were a third of the page's rendering time."""
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(
            f'<option value="{html.escape(day)}"{" selected" if day == selected else ""}>'
            f"{html.escape(day)}</option>"
            for day in dates
        )
    )


def leaflet_overrides() -> dict[str, Any]:
    # Read per request (django-leaflet reads its settings once, at import), so a test or a
    # deployment without tile access can set LEAFLET_CONFIG["TILES"] = [] and get the map's own
    # base. A tile layer with an empty URL (MAP_TILES_URL="") counts as none.
    tiles: Any = settings.LEAFLET_CONFIG.get("TILES", [])
    if isinstance(tiles, str):
        tiles = [("", tiles, {})]
    return {"TILES": [tile for tile in tiles if tile[1]]}


def home(request: HttpRequest) -> HttpResponse:
    filters = filters_from(request.GET)
    dates = case_dates()
    selected_date = request.GET.get("date", "")
    if selected_date not in dates:
        selected_date = dates[-1] if dates else ""
    overrides = leaflet_overrides()
    config = map_config(filters, selected_date, tiles=bool(overrides["TILES"]))
    context = {
        "filters": filters,
        "form": filters.form,
        "options": filters.options(area_index()),
        "totals": totals_for(filters),
        "dates": dates,
        "selected_date": selected_date,
        "date_options": date_options(dates, selected_date),
        "cases_as_of": cases_as_of(selected_date) if selected_date else "",
        "map_config": config,
        "preload": preload_urls(config),
        "kinds": Recipient.Kind.choices,
        "labels": map_labels(),
        "least_served": least_served(filters),
        "leaflet_overrides": overrides,
    }
    return render(request, "recipients/home.html", context)
