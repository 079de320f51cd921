"""Helpers for the public complaint tests: the reference data of fixtures/ (CRM's statuses and
transitions, categories, channels), and complaints filed and followed up in a few words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from complaints import services
from complaints.models import Category, Complaint, ComplaintEvent, Status
from complaints.services.base import move_to, record
from ksbb.lib.reference_data import load_reference_data
from recipients.models import Area


@dataclass
class Crm:
    category: Category
    initial: Status
    # A closed status from which the reporter may both confirm and reject the outcome
    # (Menunggu Validasi in the shipped data).
    awaiting_answer: Status


def crm_data() -> Crm:
    load_reference_data()
    awaiting = next(
        status
        for status in Status.objects.filter(is_open=False)
        if {t.to_status.is_open for t in status.transitions.filter(by_reporter=True)}
        == {True, False}
    )
    return Crm(
        Category.objects.filter(is_active=True).order_by("sort_order", "pk")[0],
        Status.objects.get(is_initial=True),
        awaiting,
    )


def file_complaint(crm: Crm, kelurahan: Area, **kwargs: Any) -> Complaint:
    return services.submit_complaint(
        category=crm.category, kelurahan=kelurahan, description="Paket tidak sampai", **kwargs
    )


def follow_up(
    complaint: Complaint, status: Status, text: str = "Sudah ditangani", photos: Any = ()
) -> ComplaintEvent:
    """Put the complaint in `status` as an officer's follow-up does (dates, event, proof)."""
    fields = move_to(complaint, status)
    complaint.save(update_fields=fields)
    return record(
        complaint,
        ComplaintEvent.Kind.STATUS,
        public_text=text,
        actor_label="officer",
        photos=photos,
        mail=False,
    )
