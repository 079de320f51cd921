"""The officers' side: the allowed next statuses, a status change with its public follow-up,
and the disposisi to a responsible office."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint, ComplaintEvent, Office, Status
from complaints.services.base import (
    TransitionNotAllowed,
    lock,
    move_to,
    record,
    required_text,
)
from ksbb.lib.images import CleanImage

Kind = ComplaintEvent.Kind

# The status a disposisi puts a complaint in, by its code in the data (fixtures/).
DISPOSITION_CODE = "disposisi"


def allowed_transitions(complaint: Complaint, *, by_reporter: bool = False) -> list[Status]:
    """The statuses the complaint may move to next: the officers' steps, or the reporter's
    (confirming or rejecting the outcome), in the data's order."""
    return [
        transition.to_status
        for transition in complaint.status.transitions.filter(
            by_reporter=by_reporter
        ).select_related("to_status")
    ]


def change_status(
    *,
    complaint: Complaint,
    to_status: Status,
    public_text: str,
    by: Any,
    photos: Sequence[CleanImage] = (),
) -> Complaint:
    """An officer moves the complaint to `to_status` with a public follow-up text and optional
    proof photos (public). The first closed status is the follow-up. The reporter's mail is
    queued with it."""
    public_text = required_text(public_text)
    with transaction.atomic():
        locked = lock(complaint)
        if to_status not in allowed_transitions(locked):
            raise TransitionNotAllowed(
                locked,
                _("A complaint in status %(from)s cannot move to %(to)s.")
                % {"from": locked.status.label, "to": to_status.label},
            )
        fields = move_to(locked, to_status)
        locked.save(update_fields=fields)
        record(locked, Kind.STATUS, by=by, public_text=public_text, photos=photos)
    return locked


def disposition_status() -> Status | None:
    return Status.objects.filter(code=DISPOSITION_CODE).first()


def pass_on_choices(complaint: Complaint) -> Any:
    """The offices the complaint may be passed on to: while with the kelurahan, every active
    office that handles its category; with a dinas, that dinas's active suku dinas; with a
    suku dinas, none."""
    offices = Office.objects.filter(is_active=True)
    if complaint.office_id is None:
        return offices.filter(categories=complaint.category_id).distinct()
    if complaint.office is not None and complaint.office.kind == Office.Kind.DINAS:
        return offices.filter(parent_id=complaint.office_id)
    return offices.none()


def pass_on(*, complaint: Complaint, office: Office, public_text: str, by: Any) -> Complaint:
    """Disposisi: the kelurahan passes the complaint to an office that handles its category,
    or a dinas to one of its suku dinas (`pass_on_choices`); the complaint moves to the
    disposition status when it is not there yet. ValidationError for any other office,
    TransitionNotAllowed when its status allows no disposisi."""
    public_text = required_text(public_text)
    with transaction.atomic():
        locked = lock(complaint)
        if not pass_on_choices(locked).filter(pk=office.pk).exists():
            raise ValidationError(
                {
                    "office": ValidationError(
                        _("This complaint cannot be passed on to %(office)s.")
                        % {"office": office.name},
                        code="office_not_allowed",
                    )
                }
            )
        target = disposition_status()
        if target is None or (
            locked.status != target and target not in allowed_transitions(locked)
        ):
            raise TransitionNotAllowed(
                locked,
                _("A complaint in status %(status)s cannot be passed on.")
                % {"status": locked.status.label},
            )
        fields = move_to(locked, target) if locked.status != target else []
        locked.office = office
        locked.save(update_fields=[*fields, "office"])
        record(locked, Kind.DISPOSITION, by=by, public_text=public_text, office=office)
    return locked
