"""What every complaint workflow shares: its error, the row lock, the audit event."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint, ComplaintEvent, ComplaintPhoto, Office, Status
from complaints.photos import save_photos
from ksbb.lib.images import CleanImage

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger("complaints.services")


def reopen_days() -> int:
    """Days after closing during which the reporter may reject the outcome (reopen it)."""
    return int(settings.KSBB_COMPLAINT_REOPEN_DAYS)


class TransitionNotAllowed(Exception):
    """The complaint's status does not allow this step; `message` says so in the user's
    language."""

    def __init__(self, complaint: Complaint, message: StrOrPromise):
        self.complaint, self.message = complaint, message
        super().__init__(f"{complaint.number}: {complaint.status.code}: {message}")


def lock(complaint: Complaint) -> Complaint:
    """Reload the complaint row under lock: its status is only trusted once locked."""
    # of=("self",): the status and office rows stay unlocked (PostgreSQL would lock every
    # joined row otherwise).
    return (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("status", "office", "category", "kelurahan")
        .get(pk=complaint.pk)
    )


def required_text(text: str, field: str = "public_text") -> str:
    """The text stripped; a ValidationError (code "required") when it is empty."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(
            {field: ValidationError(_("Write a follow-up text."), code="required")}
        )
    return text


def actor_fields(by: Any, actor_label: str = "") -> dict[str, Any]:
    """Who acted, for an event: the user when there is one, else the label ("reporter",
    "system")."""
    user = by if by is not None and getattr(by, "is_authenticated", False) else None
    return {"actor": user, "actor_label": actor_label or ("user" if user else "system")}


def move_to(complaint: Complaint, status: Status, now: datetime | None = None) -> list[str]:
    """Set the status and the dates it implies; the fields changed, for `save(update_fields)`.

    The first change to a closed status is the follow-up (the 7-day target); `closed_at` is when
    the complaint last became closed, cleared when it reopens.
    """
    now = now or timezone.now()
    was_open = complaint.status.is_open
    complaint.status = status
    fields = ["status"]
    if not status.is_open and complaint.followed_up_at is None:
        complaint.followed_up_at = now
        fields.append("followed_up_at")
    if not status.is_open and was_open:
        complaint.closed_at = now
        fields.append("closed_at")
    elif status.is_open and complaint.closed_at is not None:
        complaint.closed_at = None
        fields.append("closed_at")
    return fields


def record(
    complaint: Complaint,
    kind: str,
    *,
    by: Any = None,
    actor_label: str = "",
    public_text: str = "",
    internal_text: str = "",
    office: Office | None = None,
    photos: Sequence[CleanImage] = (),
    photo_source: str = ComplaintPhoto.Source.OFFICER,
    mail: bool = True,
) -> ComplaintEvent:
    """Add the event (and its photos) to the complaint's trail and queue its e-mail in the same
    transaction (the outbox, sent by the background jobs once it commits)."""
    event = ComplaintEvent.objects.create(
        complaint=complaint,
        kind=kind,
        status=complaint.status,
        office=office,
        public_text=public_text,
        internal_text=internal_text,
        **actor_fields(by, actor_label),
    )
    if photos:
        save_photos(complaint, photos, photo_source, event=event)
    logger.info("complaint %s: %s -> %s", complaint.number, kind, complaint.status.code)
    if mail:
        _notify(complaint.pk, kind)
    return event


def _notify(complaint_id: int, kind: str) -> None:
    from complaints import notifications

    notifications.notify(complaint_id, kind)
