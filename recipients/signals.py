"""Cache invalidation: bump the data version of what a saved or deleted row feeds.

Signals are used here only because this is cache invalidation, not a workflow. Updates made
with QuerySet.update() or bulk_create() send no signal: such code calls
ksbb.lib.httpcache.bump() itself (e.g. bump("needs") after reserving quantity).
"""

from __future__ import annotations

from django.db.models import Model
from django.db.models.signals import post_delete, post_save

from ksbb.lib.httpcache import bump
from recipients.models import RW, Area, CaseReport, Need, Recipient

# Which payload topics each model feeds (recipients/layers.py and recipients/opendata.py name
# the topics of each payload).
TOPICS: dict[type[Model], tuple[str, ...]] = {
    Area: ("areas",),
    RW: ("areas",),
    Recipient: ("recipients",),
    Need: ("needs",),
    CaseReport: ("cases",),
}


def _changed(sender: type[Model], **kwargs: object) -> None:
    bump(*TOPICS[sender])


def connect() -> None:
    """Connect the handlers (idempotent); called by RecipientsConfig.ready() only."""
    for model in TOPICS:
        uid = f"ksbb-cache-{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=uid + "-delete")
