"""The list of recipients (the accessible alternative to the map) and a page per recipient."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import ExpressionWrapper, F, FloatField, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ksbb.lib.httpcache import get_value
from recipients.api import area_names
from recipients.models import Provenance, Recipient
from recipients.views.filters import Filters, area_index, filters_from

PER_PAGE = 50
# What the list shows; its count and rendered rows are cached per version of these.
LIST_TOPICS = ("areas", "recipients", "needs")
SORTS = {
    # Least served first: the share pledged or delivered, recipients without needs last.
    "served": (F("served").asc(nulls_last=True), "-remaining", "name", "pk"),
    "remaining": (F("remaining").desc(), "name", "pk"),
    "name": ("name", "pk"),
    "area": ("area__code", "name", "pk"),
}
SORT_LABELS = {
    "served": _("least served first"),
    "remaining": _("largest unmet need first"),
    "name": _("name"),
    "area": _("area"),
}


def with_need_sums(recipients: QuerySet[Recipient]) -> QuerySet[Recipient]:
    zero = Value(0)
    annotated = recipients.annotate(
        need_total=Coalesce(Sum("needs__quantity"), zero),
        pledged_total=Coalesce(Sum("needs__pledged"), zero),
        delivered_total=Coalesce(Sum("needs__delivered"), zero),
    )
    return annotated.annotate(
        remaining=F("need_total") - F("pledged_total") - F("delivered_total"),
        served=ExpressionWrapper(
            (F("pledged_total") + F("delivered_total")) * 1.0 / NullIf(F("need_total"), 0),
            output_field=FloatField(),
        ),
    )


def percent(part: int, whole: int) -> int:
    """A whole percentage for a progress bar (ints: CSS widths must not be localised)."""
    return min(100, round(100 * part / whole)) if whole else 0


def list_queryset(filters: Filters, sort: str) -> QuerySet[Recipient]:
    return with_need_sums(
        filters.apply(Recipient.objects.active())
        .select_related("area__parent", "rw")
        # Only the columns shown: geometry in an HTML list costs dearly.
        .only(
            "name",
            "kind",
            "provenance",
            "residents",
            "area__name",
            "area__level",
            "area__parent__name",
            "rw__number",
            "rw__households",
        )
    ).order_by(*SORTS[sort])


def cached_for(filters: Filters, key: str, build):
    """build() once per data version of the list's topics. Free-text searches are built each
    time: caching every string anyone types would let them fill the cache."""
    if filters.q:
        return build()
    return get_value(key, LIST_TOPICS, build)


def list_count(filters: Filters) -> int:
    """Recipients under the filter, counted once per data version (1 query)."""
    return cached_for(
        filters,
        f"list-count:{filters.cache_key()}",
        lambda: filters.apply(Recipient.objects.active()).count(),
    )


def list_rows(filters: Filters, sort: str, page: Page) -> dict:
    """The rows of one page, rendered once per data version and language (1 query).

    Rendering 50 rows through the template engine costs several times the query, so the HTML
    is what is cached; `ids` and `names` come along for tests and callers that need them.
    """

    def build() -> dict:
        recipients = list(list_queryset(filters, sort)[page.start_index() - 1 : page.end_index()])
        for r in recipients:
            covered = r.pledged_total + r.delivered_total
            r.delivered_pct = percent(r.delivered_total, r.need_total)
            r.pledged_pct = percent(covered, r.need_total) - r.delivered_pct
            r.is_fulfilled = r.need_total > 0 and r.remaining <= 0
        html = render_to_string("recipients/_list_rows.html", {"recipients": recipients})
        return {
            "html": html,
            "ids": [r.pk for r in recipients],
            "names": [r.name for r in recipients],
        }

    key = f"list-rows:{get_language()}:{filters.cache_key()}:{sort}:{page.number}"
    return cached_for(filters, key, build)


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
        ),
        pk=pk,
    )
    needs = list(recipient.needs.select_related("package").order_by("package__sort_order"))
    for need in needs:
        need.delivered_pct = percent(need.delivered, need.quantity)
        need.pledged_pct = (
            percent(need.pledged + need.delivered, need.quantity) - need.delivered_pct
        )
    geometry = None
    if recipient.rw_id:
        geometry = recipient.rw.boundary_web
    if geometry is None and recipient.location:
        geometry = recipient.location
    context = {
        "recipient": recipient,
        "names": area_names(recipient.area),
        "needs": needs,
        "totals": {
            "need": sum(n.quantity for n in needs),
            "pledged": sum(n.pledged for n in needs),
            "delivered": sum(n.delivered for n in needs),
        },
        "fulfilled": bool(needs) and all(n.is_met for n in needs),
        "has_estimates": any(n.provenance != Provenance.OFFICIAL for n in needs),
        "geometry": geometry,
        "leaflet_overrides": {"TILES": settings.LEAFLET_CONFIG.get("TILES", [])},
    }
    return render(request, "recipients/detail.html", context)
