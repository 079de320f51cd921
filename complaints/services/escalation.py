"""Escalating overdue complaints to the kecamatan officers and the admins, once each."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from complaints.models import Complaint, ComplaintEvent
from complaints.services.base import record


def escalate_overdue(*, today: date | None = None) -> list[str]:
    """Escalate every open complaint past its follow-up date (Asia/Jakarta days) that was not
    escalated before; returns their numbers.

    One transaction per complaint, re-checked under its row lock: of two runs at the same
    moment, the second waits for the first's commit, then finds `escalated_at` set and skips.
    """
    today = today or timezone.localdate()
    escalated = []
    overdue = Complaint.objects.overdue(today).filter(escalated_at__isnull=True).order_by("pk")
    for pk in overdue.values_list("pk", flat=True):
        with transaction.atomic():
            locked = (
                Complaint.objects.select_for_update(of=("self",))
                .select_related("status")
                .get(pk=pk)
            )
            if locked.escalated_at is not None or not locked.is_overdue(today):
                continue
            locked.escalated_at = timezone.now()
            locked.save(update_fields=["escalated_at"])
            record(locked, ComplaintEvent.Kind.ESCALATED, actor_label="system")
            escalated.append(locked.number)
    return escalated
