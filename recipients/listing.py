"""What the map and the list show of the recipients under a filter: their count, the rows of a
list page, totals and the least served, each built once per data version (Filters.cached)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page
from django.db.models import Count, F
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from recipients.filters import Filters
from recipients.models import Need, Recipient, RecipientQuerySet

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


def percent(part: int, whole: int) -> int:
    """A whole percentage for a progress bar (ints: CSS widths must not be localised)."""
    return min(100, round(100 * part / whole)) if whole else 0


def list_queryset(filters: Filters, sort: str) -> RecipientQuerySet:
    return (
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
        .with_need_sums()
        .order_by(*SORTS[sort])
    )


def list_count(filters: Filters) -> int:
    """Recipients under the filter (1 query)."""
    return filters.cached("list-count", lambda: filters.apply(Recipient.objects.active()).count())


def list_rows(filters: Filters, sort: str, page: Page) -> dict[str, Any]:
    """The rows of one page, rendered once per data version and language (1 query).

    Rendering 50 rows through the template engine costs several times the query, so the HTML
    is what is cached; `ids` and `names` come along for tests and callers that need them.
    """

    def build() -> dict[str, Any]:
        recipients = list(list_queryset(filters, sort)[page.start_index() - 1 : page.end_index()])
        for r in recipients:
            r.delivered_pct = percent(r.delivered_total, r.need_total)
            r.pledged_pct = percent(r.pledged_total + r.delivered_total, r.need_total)
            r.pledged_pct -= r.delivered_pct
        html = render_to_string("recipients/_list_rows.html", {"recipients": recipients})
        return {
            "html": html,
            "ids": [r.pk for r in recipients],
            "names": [r.name for r in recipients],
        }

    return filters.cached(f"list-rows:{get_language()}:{sort}:{page.number}", build)


def totals_for(filters: Filters) -> dict[str, Any]:
    """Recipients per kind and need / pledged / delivered under the filter (2 queries, once
    per data version: the home page is the most visited page)."""

    def build() -> dict[str, Any]:
        recipients = filters.apply(Recipient.objects.active())
        counts = dict(recipients.order_by().values_list("kind").annotate(n=Count("id")))
        needs = Need.objects.filter(recipient__in=recipients.values("pk")).totals()
        return {"counts": counts, **needs}

    totals = filters.cached("totals", build)
    counts = totals["counts"]
    return {
        # Labels outside the cached value: they follow the request's language.
        "kinds": [
            {"kind": kind, "label": label, "count": counts.get(kind, 0)}
            for kind, label in Recipient.Kind.choices
        ],
        "recipients": sum(counts.values()),
        **{key: totals[key] for key in ("need", "pledged", "delivered")},
    }


def least_served(filters: Filters, limit: int = 5) -> list[dict[str, Any]]:
    """Where new aid helps most: the least served recipients under the filter (1 query)."""

    def build() -> list[dict[str, Any]]:
        recipients = (
            filters.apply(Recipient.objects.active())
            .select_related("area")
            .only("name", "area__name")
            .with_need_sums()
            .filter(remaining__gt=0)
            .order_by(*SORTS["served"])[:limit]
        )
        return [
            {"pk": r.pk, "name": r.name, "area_name": r.area.name, "remaining": r.remaining}
            for r in recipients
        ]

    return filters.cached(f"least-served:{limit}", build)
