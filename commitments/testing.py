"""Helpers that tests (and the benchmark) use to make commitments through the real workflow."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from commitments.models import Commitment
from commitments.services import submit_commitment
from recipients.models import Package, Recipient


def commitment_fields(recipient: Recipient, **overrides) -> dict:
    today = timezone.localdate()
    fields = {
        "recipient": recipient,
        "collaborator_type": Commitment.CollaboratorType.COMPANY,
        "name": "PT Maju Bersama",
        "organisation": "Divisi CSR",
        "contact_person": "Andi Wijaya",
        "phone": "+6281234567890",
        "email": "andi@example.com",
        "address": "Jl. Merdeka No. 10, Jakarta",
        "delivery_date": today + timedelta(days=2),
        "deadline": today + timedelta(days=7),
        "delivery_method": Commitment.DeliveryMethod.SELF,
        "rules_accepted": True,
    }
    fields.update(overrides)
    return fields


def make_commitment(recipient: Recipient, lines: dict[Package, int], **overrides) -> Commitment:
    return submit_commitment(
        commitment=Commitment(**commitment_fields(recipient, **overrides)), lines=lines
    )
