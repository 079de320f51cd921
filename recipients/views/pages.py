"""The list of recipients (the accessible alternative to the map) and a page per recipient."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from recipients.case_data import latest_rw_report
from recipients.filters import area_index, filters_from
from recipients.listing import SORT_LABELS, SORTS, list_count, list_rows, percent
from recipients.models import Provenance, Recipient
from recipients.views.home import leaflet_overrides

PER_PAGE = 50


def recipient_list(request: HttpRequest) -> HttpResponse:
    filters = filters_from(request.GET)
    sort = request.GET.get("sort", "served")
    if sort not in SORTS:
        sort = "served"
    # A range stands in for the rows: the paginator needs only their number.
    page = Paginator(range(list_count(filters)), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "form": filters.form,
        "options": filters.options(area_index()),
        "page": page,
        "rows": list_rows(filters, sort, page) if page.object_list else None,
        "sort": sort,
        "sort_labels": SORT_LABELS,
        "kinds": Recipient.Kind.choices,
    }
    return render(request, "recipients/list.html", context)


def recipient_detail(request: HttpRequest, pk: int) -> HttpResponse:
    recipient = get_object_or_404(
        Recipient.objects.active()
        .select_related("rw", "area__parent__parent")
        .defer(
            "rw__boundary",
            "area__boundary",
            "area__boundary_web",
            "area__parent__boundary",
            "area__parent__boundary_web",
            "area__parent__parent__boundary",
            "area__parent__parent__boundary_web",
        )
        .with_need_sums(),
        pk=pk,
    )
    needs = list(recipient.needs.select_related("package").order_by("package__sort_order"))
    for need in needs:
        need.delivered_pct = percent(need.delivered, need.quantity)
        need.pledged_pct = (
            percent(need.pledged + need.delivered, need.quantity) - need.delivered_pct
        )
    context = {
        "recipient": recipient,
        "names": recipient.area.names(),
        "needs": needs,
        "totals": {
            "need": recipient.need_total,
            "pledged": recipient.pledged_total,
            "delivered": recipient.delivered_total,
        },
        "fulfilled": recipient.is_fulfilled,
        "has_estimates": any(n.provenance != Provenance.OFFICIAL for n in needs),
        "geometry": recipient.map_geometry,
        "rw_cases": latest_rw_report(recipient.rw_id) if recipient.rw_id else None,
        "leaflet_overrides": leaflet_overrides(),
    }
    return render(request, "recipients/detail.html", context)
