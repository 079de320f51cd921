"""A pledge from submission to its end: reserve, acknowledge, decline, close, cancel, expire."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commitments.models import Commitment, CommitmentEvent, CommitmentLine, NumberCounter
from commitments.services.base import (
    TransitionNotAllowed,
    lock,
    locked_needs,
    move,
    record,
    release_undelivered,
)
from recipients.models import Package


@dataclass(frozen=True)
class Shortfall:
    """A package line that asks for more than is left of the need."""

    package: Package
    requested: int
    remaining: int


class AlreadyCovered(Exception):
    """The need is (partly) covered already: nothing was reserved."""

    def __init__(self, shortfalls: Sequence[Shortfall]):
        self.shortfalls = list(shortfalls)
        super().__init__(", ".join(f"{s.package.code}: {s.remaining} left" for s in shortfalls))


def submit_commitment(
    *, commitment: Commitment, lines: Mapping[Package, int], today: date | None = None
) -> Commitment:
    """Reserve `lines` against the recipient's needs and save the commitment with a number.

    Raises AlreadyCovered, reserving nothing, when any line asks for more than is left.
    """
    if not lines or any(quantity <= 0 for quantity in lines.values()):
        raise ValueError("a commitment needs at least one positive line")
    today = today or timezone.localdate()
    with transaction.atomic():
        needs = locked_needs(commitment.recipient_id, (p.pk for p in lines))
        shortfalls = [
            Shortfall(package, quantity, needs[package.pk].remaining if package.pk in needs else 0)
            for package, quantity in lines.items()
            if package.pk not in needs or quantity > needs[package.pk].remaining
        ]
        if shortfalls:
            raise AlreadyCovered(shortfalls)
        for package, quantity in lines.items():
            move(needs[package.pk], pledged=quantity)
        commitment.number = NumberCounter.next_number(today.year)
        commitment.status = Commitment.Status.SUBMITTED
        commitment.save()
        CommitmentLine.objects.bulk_create(
            CommitmentLine(commitment=commitment, package=package, quantity=quantity)
            for package, quantity in lines.items()
        )
        record(
            commitment,
            CommitmentEvent.Action.SUBMITTED,
            actor_label="donor",
            data={p.code: q for p, q in lines.items()},
        )
    return commitment


def acknowledge(*, commitment: Commitment, by: Any) -> Commitment:
    """The PJ agreed the delivery slot (withdrawing a date they had proposed, if any)."""
    with transaction.atomic():
        locked = lock(commitment)
        if not locked.can_be_acknowledged:
            raise TransitionNotAllowed(locked, _("acknowledged"))
        locked.status = Commitment.Status.ACKNOWLEDGED
        locked.acknowledged_at = timezone.now()
        locked.proposed_delivery_date = locked.proposed_deadline = None
        locked.proposed_by = ""
        locked.save(
            update_fields=[
                "status",
                "acknowledged_at",
                "proposed_delivery_date",
                "proposed_deadline",
                "proposed_by",
            ]
        )
        record(locked, CommitmentEvent.Action.ACKNOWLEDGED, by=by)
    return locked


def decline(*, commitment: Commitment, by: Any, reason: str) -> Commitment:
    """The PJ declines a pledge before anything arrived: its whole quantity goes back to the
    need at once. The reason is kept for the collaborator and admins, never shown publicly."""
    if not reason.strip():
        raise ValueError("a decline needs a reason")
    with transaction.atomic():
        locked = lock(commitment)
        if not locked.can_be_declined:
            raise TransitionNotAllowed(locked, _("declined"))
        released = release_undelivered(locked)
        locked.status = Commitment.Status.DECLINED
        locked.declined_at = timezone.now()
        locked.decline_reason = reason.strip()
        locked.proposed_delivery_date = locked.proposed_deadline = None
        locked.proposed_by = ""
        locked.save(
            update_fields=[
                "status",
                "declined_at",
                "decline_reason",
                "proposed_delivery_date",
                "proposed_deadline",
                "proposed_by",
            ]
        )
        record(locked, CommitmentEvent.Action.DECLINED, by=by, data={"released": released})
    return locked


def close(*, commitment: Commitment, by: Any, actor_label: str = "") -> Commitment:
    """Close a delivered commitment; an undelivered rest goes back to the need."""
    with transaction.atomic():
        locked = lock(commitment)
        if not locked.can_be_closed:
            raise TransitionNotAllowed(locked, _("closed"))
        released = release_undelivered(locked)
        locked.status = Commitment.Status.DONE
        locked.done_at = timezone.now()
        locked.save(update_fields=["status", "done_at"])
        record(
            locked,
            CommitmentEvent.Action.DONE,
            by=by,
            actor_label=actor_label,
            data={"released": released},
        )
    return locked


def cancel(*, commitment: Commitment, by: Any = None, actor_label: str = "") -> Commitment:
    """Cancel before anything was delivered: the whole quantity goes back to the need."""
    with transaction.atomic():
        locked = lock(commitment)
        if not locked.can_be_cancelled:
            raise TransitionNotAllowed(locked, _("cancelled"))
        released = release_undelivered(locked)
        locked.status = Commitment.Status.CANCELLED
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["status", "cancelled_at"])
        record(
            locked,
            CommitmentEvent.Action.CANCELLED,
            by=by,
            actor_label=actor_label,
            data={"released": released},
        )
    return locked


def expire_overdue(*, today: date | None = None) -> list[str]:
    """Expire undelivered commitments past their deadline; returns their numbers.

    One transaction per commitment, each re-checked under lock, so a run that overlaps another
    (or a PJ acting at the same moment) never expires or releases anything twice.
    """
    today = today or timezone.localdate()
    expired = []
    for pk in Commitment.objects.overdue(today).order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            locked = Commitment.objects.select_for_update().get(pk=pk)
            if not locked.is_overdue(today):
                continue
            released = release_undelivered(locked)
            locked.status = Commitment.Status.EXPIRED
            locked.expired_at = timezone.now()
            locked.save(update_fields=["status", "expired_at"])
            record(locked, CommitmentEvent.Action.EXPIRED, data={"released": released})
            expired.append(locked.number)
    return expired


def close_overdue_deliveries(*, today: date | None = None) -> list[str]:
    """Close partly delivered commitments past their deadline (the rest of a partial delivery
    stays open until then); returns their numbers. Same locking as `expire_overdue`."""
    today = today or timezone.localdate()
    closed = []
    overdue = Commitment.objects.delivery_overdue(today).order_by("pk")
    for pk in overdue.values_list("pk", flat=True):
        with transaction.atomic():
            locked = Commitment.objects.select_for_update().get(pk=pk)
            if not locked.is_delivery_overdue(today):
                continue
            released = release_undelivered(locked)
            locked.status = Commitment.Status.DONE
            locked.done_at = timezone.now()
            locked.save(update_fields=["status", "done_at"])
            record(locked, CommitmentEvent.Action.DONE, data={"released": released})
            closed.append(locked.number)
    return closed
