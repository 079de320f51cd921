"""The open-data payloads other than the map layers and case figures (recipients/case_data.py):
need / pledged / delivered per recipient (status.json) and the recipients as CSV.

Each is built from an explicit list of public fields: never a PJ's or anyone's phone, e-mail
or private address.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from django.db.models import Case, IntegerField, Max, Value, When
from django.urls import reverse
from django.utils import timezone

from ksbb.lib import spreadsheet
from recipients.models import Provenance, Recipient, area_name_columns

if TYPE_CHECKING:
    from recipients.filters import Filters

# What each payload is built from: a change to one of these rebuilds it.
STATUS_TOPICS = ("recipients", "needs")
CSV_TOPICS = ("areas", "recipients", "needs")
# The least trustworthy source wins: one demo figure makes the sum a demo figure.
SOURCES_BY_TRUST = (Provenance.OFFICIAL, Provenance.ESTIMATED, Provenance.DEMO)


def _least_trusted_source() -> Max:
    """The rank in SOURCES_BY_TRUST of a recipient's least trustworthy need (unknown = demo)."""
    ranks = [When(needs__provenance=s, then=Value(i)) for i, s in enumerate(SOURCES_BY_TRUST)]
    demo = Value(SOURCES_BY_TRUST.index(Provenance.DEMO))
    return Max(Case(*ranks, default=demo, output_field=IntegerField()))


def status_data() -> dict[str, Any]:
    """Need / pledged / delivered per active recipient with needs, and totals (1 query:
    every active recipient with its need sums, the rank of its least trusted need source)."""
    recipients = (
        Recipient.objects.active()
        .with_need_sums()
        .annotate(source_rank=_least_trusted_source())
        .order_by("pk")
        .only("kind")
    )
    kinds: Counter[str] = Counter()
    per: dict[str, dict[str, Any]] = {}
    for r in recipients:
        kinds[r.kind] += 1
        if not r.need_count:
            continue
        per[str(r.pk)] = {
            "need": r.need_total,
            "pledged": r.pledged_total,
            "delivered": r.delivered_total,
            "fulfilled": r.is_fulfilled,
            "source": SOURCES_BY_TRUST[r.source_rank],
        }
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
        "recipients": per,
    }


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


def csv_recipients(filters: Filters) -> Iterable[Recipient]:
    """Active recipients matching the filters with their need sums: public columns only."""
    return (
        filters.apply(Recipient.objects.active())
        .select_related("rw", "area__parent__parent")
        .only(
            "name",
            "kind",
            "residents",
            "address",
            "pj_name",
            "provenance",
            "rw__number",
            "rw__households",
            *area_name_columns(),
        )
        .with_need_sums()
        .order_by("area__code", "kind", "name", "pk")
    )


def csv_rows(recipients: Iterable[Recipient], site: str) -> Iterator[tuple[Any, ...]]:
    for r in recipients:
        names = r.area.names()
        rw = r.rw if r.rw_id else None
        yield (
            r.pk,
            r.kind,
            r.name,
            names["kota"],
            names["kecamatan"],
            names["kelurahan"],
            rw.number if rw else "",
            rw.households if rw else "",
            r.residents,
            r.address,
            r.pj_name,
            r.need_total,
            r.pledged_total,
            r.delivered_total,
            r.remaining,
            r.provenance,
            site + reverse("recipients:detail", args=[r.pk]),
        )


def build_csv(filters: Filters, site: str) -> bytes:
    """The recipients under the filter as a formula-safe CSV; `site` prefixes the URLs."""
    return spreadsheet.csv_bytes(CSV_COLUMNS, csv_rows(csv_recipients(filters), site))
