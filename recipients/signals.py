"""Cache invalidation: bump the data version of what a saved or deleted row feeds.

Signals are used here only because this is cache invalidation, not a workflow. Updates made
with QuerySet.update() or bulk_create() send no signal: such code calls
ksbb.lib.httpcache.bump() itself (e.g. bump("needs") after reserving quantity).
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from ksbb.lib.httpcache import bump
from recipients.models import RW, Area, CaseReport, Need, Recipient

# Which payload topics each model feeds (see recipients/api.py for the topics of each URL).
TOPICS: dict[type, tuple[str, ...]] = {
    Area: ("areas",),
    RW: ("areas",),
    Recipient: ("recipients",),
    Need: ("needs",),
    CaseReport: ("cases",),
}


def _changed(sender, **kwargs) -> None:
    bump(*TOPICS[sender])


def connect() -> None:
    """Connect the handlers (idempotent); RecipientsConfig.ready() calls this."""
    for model in TOPICS:
        uid = f"ksbb-cache-{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=uid + "-delete")
