"""The reporter's side: filing a complaint, adding information from the private link, and
confirming or rejecting the outcome."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commitments.models import Commitment
from complaints.models import (
    Category,
    Complaint,
    ComplaintCounter,
    ComplaintEvent,
    ComplaintPhoto,
    Status,
)
from complaints.services.base import (
    TransitionNotAllowed,
    lock,
    move_to,
    record,
    reopen_days,
)
from complaints.services.handling import allowed_transitions
from ksbb.lib.images import CleanImage
from recipients.models import Area, Recipient

Kind = ComplaintEvent.Kind
REPORTER = "reporter"


def _check_submission(
    category: Category,
    kelurahan: Area,
    description: str,
    recipient: Recipient | None,
    commitment: Commitment | None,
    language: str,
) -> None:
    errors: dict[str, ValidationError] = {}
    if not category.is_active:
        errors["category"] = ValidationError(
            _("This category is no longer in use; choose another."), code="inactive"
        )
    if kelurahan.level != Area.Level.KELURAHAN:
        errors["kelurahan"] = ValidationError(_("Choose a kelurahan."), code="not_kelurahan")
    if not description.strip():
        errors["description"] = ValidationError(_("Describe what happened."), code="required")
    if commitment is not None and recipient is not None and commitment.recipient_id != recipient.pk:
        errors["commitment"] = ValidationError(
            _("This commitment is for another recipient."), code="other_recipient"
        )
    if language not in dict(settings.LANGUAGES):
        errors["language"] = ValidationError(_("Unknown language."), code="language")
    if errors:
        raise ValidationError(errors)


def initial_status() -> Status:
    """The status a new complaint starts in (the data marks it)."""
    status = Status.objects.filter(is_initial=True).order_by("sort_order", "pk").first()
    if status is None:
        raise RuntimeError("no complaint status is marked initial: run load_reference_data")
    return status


def submit_complaint(
    *,
    category: Category,
    kelurahan: Area,
    description: str,
    recipient: Recipient | None = None,
    commitment: Commitment | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_email: str = "",
    language: str = "id",
    photos: Sequence[CleanImage] = (),
    today: date | None = None,
) -> Complaint:
    """File a complaint with the kelurahan of its location: a tracking number gap-free within
    the year (the counter row is locked until commit), the initial status, the follow-up date
    of its category, the reporter's photos; the reporter's mail with the number and the private
    link is queued with it when they gave an address. ValidationError (by field) for bad input."""
    if recipient is None and commitment is not None:
        recipient = commitment.recipient
    _check_submission(category, kelurahan, description, recipient, commitment, language)
    today = today or timezone.localdate()
    with transaction.atomic():
        complaint = Complaint(
            category=category,
            kelurahan=kelurahan,
            recipient=recipient,
            commitment=commitment,
            description=description.strip(),
            reporter_name=reporter_name.strip(),
            reporter_phone=reporter_phone.strip(),
            reporter_email=reporter_email.strip(),
            language=language,
            status=initial_status(),
            due_date=Complaint.due_date_for(category, today),
        )
        complaint.number = ComplaintCounter.next_number(today.year)
        complaint.save()
        record(
            complaint,
            Kind.RECEIVED,
            actor_label=REPORTER,
            photos=photos,
            photo_source=ComplaintPhoto.Source.REPORTER,
        )
    return complaint


def add_information(
    *, complaint: Complaint, text: str, photos: Sequence[CleanImage] = ()
) -> Complaint:
    """The reporter adds text and/or photos from their private link. Both stay internal (they
    may identify the reporter): officers and admins see them, the public timeline does not."""
    text = (text or "").strip()
    if not text and not photos:
        raise ValidationError(
            {"text": ValidationError(_("Write something or add a photo."), code="required")}
        )
    with transaction.atomic():
        locked = lock(complaint)
        record(
            locked,
            Kind.INFORMATION,
            actor_label=REPORTER,
            internal_text=text,
            photos=photos,
            photo_source=ComplaintPhoto.Source.REPORTER,
            mail=False,
        )
    return locked


def _reporter_steps(complaint: Complaint, today: date | None = None) -> dict[bool, Status]:
    """The reporter's possible answers now: True (accept) -> the closed status the data leads
    to, False (reject) -> the open one. A rejection of a closed complaint only within
    `reopen_days()` of its closing (Asia/Jakarta days)."""
    steps: dict[bool, Status] = {}
    for status in allowed_transitions(complaint, by_reporter=True):
        steps.setdefault(not status.is_open, status)
    if False in steps and not complaint.status.is_open and complaint.closed_at is not None:
        today = today or timezone.localdate()
        closed_on = timezone.localdate(complaint.closed_at)
        if today > closed_on + timedelta(days=reopen_days()):
            del steps[False]
    return steps


def can_answer_outcome(complaint: Complaint, *, accept: bool, today: date | None = None) -> bool:
    """Whether the private link should offer to confirm (accept) or reject the outcome now."""
    return accept in _reporter_steps(complaint, today)


def answer_outcome(
    *, complaint: Complaint, accept: bool, text: str = "", today: date | None = None
) -> Complaint:
    """The reporter confirms the outcome, or rejects it (the complaint reopens, e.g. TL Ditolak)
    — whichever the data's reporter transitions allow from the current status. The reporter's
    words stay internal; the handling officers are mailed about a rejection."""
    with transaction.atomic():
        locked = lock(complaint)
        to_status = _reporter_steps(locked, today).get(accept)
        if to_status is None:
            message = (
                _("The outcome of this complaint cannot be confirmed now.")
                if accept
                else _("The outcome of this complaint can no longer be rejected.")
            )
            raise TransitionNotAllowed(locked, message)
        fields = move_to(locked, to_status)
        locked.save(update_fields=fields)
        record(locked, Kind.STATUS, actor_label=REPORTER, internal_text=(text or "").strip())
    return locked
