"""Public pages of recipients. The map arrives with the map issue; for now a list per kind."""

from django.db.models import Count
from django.shortcuts import render

from recipients.models import Need, Recipient


def home(request):
    active = Recipient.objects.active()
    counts = dict(active.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    kinds = [
        {
            "kind": kind,
            "label": label,
            "count": counts.get(kind, 0),
            "recipients": active.filter(kind=kind)
            .select_related("area")
            .only("name", "kind", "provenance", "area__name", "residents")
            .order_by("name")[:10],
        }
        for kind, label in Recipient.Kind.choices
    ]
    totals = Need.objects.filter(recipient__is_active=True).totals()
    return render(request, "recipients/home.html", {"kinds": kinds, "totals": totals})
