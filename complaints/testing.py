"""Helpers that tests use to make complaints and officers through the real workflow."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from complaints.models import Category, Complaint, Office, Officer, Status
from complaints.services import submit_complaint
from ksbb.lib.reference_data import load_reference_data
from recipients.models import Area


def reference_data() -> None:
    """Channels, categories, statuses, transitions and offices of fixtures/ (idempotent)."""
    load_reference_data()


def status(code: str) -> Status:
    return Status.objects.get(code=code)


def make_complaint(kelurahan: Area, **overrides: Any) -> Complaint:
    fields: dict[str, Any] = {
        "category": Category.objects.get(code="not-delivered"),
        "kelurahan": kelurahan,
        "description": "Paket sembako yang dijanjikan belum sampai.",
        "reporter_name": "Pelapor Rahasia",
        "reporter_phone": "+6281299990000",
        "reporter_email": "pelapor@example.org",
    }
    fields.update(overrides)
    return submit_complaint(**fields)


def make_officer(username: str, *, area: Area | None = None, office: Office | None = None) -> Any:
    """An active account linked today to `area` or `office`."""
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "pw")
    Officer.objects.create(user=user, area=area, office=office)
    return user
