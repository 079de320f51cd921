"""Template context for every page: whether what the portal shows is demo data (the banner)."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Q
from django.http import HttpRequest

from recipients.models import RW, Area, Need, Provenance, Recipient

DEMO_FLAGS_KEY = "ksbb:demo-flags"
# The flags change only when data is loaded or generated (which clears them) or an admin edits
# provenance by hand; a few minutes of staleness for the latter costs nothing.
DEMO_FLAGS_TIMEOUT = 300


def demo_flags() -> dict[str, bool]:
    """`demo_dataset`: the areas themselves are demo, so the whole portal is a demo.
    `demo_parts`: some records (priority RWs, panti, Ketua RW names, residents, needs) are demo.
    """
    flags = cache.get(DEMO_FLAGS_KEY)
    if flags is None:
        demo = Provenance.DEMO
        dataset = Area.objects.filter(provenance=demo).exists()
        parts = (
            dataset
            or Recipient.objects.filter(Q(provenance=demo) | Q(residents_provenance=demo)).exists()
            or Need.objects.filter(provenance=demo).exists()
            or RW.objects.filter(ketua_provenance=demo).exists()
        )
        flags = {"demo_dataset": dataset, "demo_parts": parts}
        cache.set(DEMO_FLAGS_KEY, flags, DEMO_FLAGS_TIMEOUT)
    return flags


def clear_demo_flags() -> None:
    """Called by whatever loads or generates data, so the banner follows at once."""
    cache.delete(DEMO_FLAGS_KEY)


def demo(request: HttpRequest) -> dict[str, bool]:
    return demo_flags()
