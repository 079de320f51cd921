"""Commitment workflows: reserve quantity against needs, move through the statuses, expire.

Every function here runs in one transaction, checks that its transition is allowed, moves
quantities on Need with UPDATE ... SET x = x + n (never read-modify-save), records an event and
leaves e-mail to `transaction.on_commit`. Needs are always locked in id order so that two
workflows touching the same needs cannot deadlock.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commitments.models import Commitment, CommitmentEvent, CommitmentLine, NumberCounter
from recipients.models import Need, Package

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)


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


class TransitionNotAllowed(Exception):
    """The commitment's status does not allow this step."""

    def __init__(self, commitment: Commitment, action: StrOrPromise):
        self.commitment, self.action = commitment, action
        self.message = _("This commitment is %(status)s; it cannot be %(action)s now.") % {
            "status": commitment.get_status_display(),
            "action": action,
        }
        super().__init__(f"{commitment.number}: {commitment.status} -> {action} not allowed")


def _locked_needs(recipient_id: int, package_ids: Iterable[int]) -> dict[int, Need]:
    """The recipient's needs for these packages, row-locked in id order, by package id."""
    needs = (
        Need.objects.select_for_update()
        .filter(recipient_id=recipient_id, package_id__in=list(package_ids))
        .order_by("pk")
    )
    return {need.package_id: need for need in needs}


def _move(need: Need, *, pledged: int = 0, delivered: int = 0) -> None:
    """Shift quantities on a need in SQL, so concurrent changes are never overwritten."""
    Need.objects.filter(pk=need.pk).move(pledged=pledged, delivered=delivered)


def _record(
    commitment: Commitment, action: str, *, actor=None, actor_label: str = "", data=None
) -> None:
    CommitmentEvent.objects.create(
        commitment=commitment,
        action=action,
        status=commitment.status,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=actor_label or ("user" if actor is not None else "system"),
        data=data or {},
    )
    logger.info("commitment %s: %s -> %s", commitment.number, action, commitment.status)


def _lock(commitment: Commitment) -> Commitment:
    """Reload the commitment row under lock: its status is only trusted once locked."""
    return Commitment.objects.select_for_update().get(pk=commitment.pk)


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
        needs = _locked_needs(commitment.recipient_id, (p.pk for p in lines))
        shortfalls = [
            Shortfall(package, quantity, needs[package.pk].remaining if package.pk in needs else 0)
            for package, quantity in lines.items()
            if package.pk not in needs or quantity > needs[package.pk].remaining
        ]
        if shortfalls:
            raise AlreadyCovered(shortfalls)
        for package, quantity in lines.items():
            _move(needs[package.pk], pledged=quantity)
        commitment.number = NumberCounter.next_number(today.year)
        commitment.status = Commitment.Status.SUBMITTED
        commitment.save()
        CommitmentLine.objects.bulk_create(
            CommitmentLine(commitment=commitment, package=package, quantity=quantity)
            for package, quantity in lines.items()
        )
        _record(
            commitment,
            CommitmentEvent.Action.SUBMITTED,
            actor_label="donor",
            data={p.code: q for p, q in lines.items()},
        )
        transaction.on_commit(lambda: _after_submit(commitment.pk))
    return commitment


def _after_submit(commitment_id: int) -> None:
    # Imported here: notifications pull in PDF rendering, which the workflow does not need.
    from commitments.notifications import send_submission_mail

    send_submission_mail(Commitment.objects.get(pk=commitment_id))


def acknowledge(*, commitment: Commitment, by) -> Commitment:
    """The PJ agreed the delivery slot."""
    with transaction.atomic():
        locked = _lock(commitment)
        if not locked.can_be_acknowledged:
            raise TransitionNotAllowed(locked, _("acknowledged"))
        locked.status = Commitment.Status.ACKNOWLEDGED
        locked.acknowledged_at = timezone.now()
        locked.save(update_fields=["status", "acknowledged_at"])
        _record(locked, CommitmentEvent.Action.ACKNOWLEDGED, actor=by)
    return locked


def record_delivery(
    *, commitment: Commitment, quantities: Mapping[int, int], by, actor_label: str = ""
) -> Commitment:
    """Record what arrived, by line id: moves that much from pledged to delivered.

    Quantities over what is still undelivered on a line are refused (ValueError).
    """
    with transaction.atomic():
        locked = _lock(commitment)
        if not locked.can_record_delivery:
            raise TransitionNotAllowed(locked, _("marked delivered"))
        lines = {line.pk: line for line in locked.lines.select_related("package")}
        for line_id, quantity in quantities.items():
            line = lines.get(line_id)
            if line is None or quantity < 0 or quantity > line.undelivered:
                raise ValueError(f"bad delivered quantity {quantity} for line {line_id}")
        moved = {lines[i].package_id: q for i, q in quantities.items() if q}
        if not moved:
            raise ValueError("a delivery needs at least one positive quantity")
        needs = _locked_needs(locked.recipient_id, moved)
        for line_id, quantity in quantities.items():
            if quantity:
                line = lines[line_id]
                CommitmentLine.objects.filter(pk=line.pk).update(
                    delivered=F("delivered") + quantity
                )
                _move(needs[line.package_id], pledged=-quantity, delivered=quantity)
        locked.status = Commitment.Status.DELIVERED
        locked.delivered_at = timezone.now()
        locked.save(update_fields=["status", "delivered_at"])
        _record(
            locked,
            CommitmentEvent.Action.DELIVERY,
            actor=by,
            actor_label=actor_label,
            data={lines[i].package.code: q for i, q in quantities.items() if q},
        )
    return locked


def _release_undelivered(commitment: Commitment) -> dict[str, int]:
    """Return every undelivered unit of an open commitment to its needs."""
    lines = [line for line in commitment.lines.select_related("package") if line.undelivered]
    needs = _locked_needs(commitment.recipient_id, (line.package_id for line in lines))
    for line in lines:
        _move(needs[line.package_id], pledged=-line.undelivered)
    return {line.package.code: line.undelivered for line in lines}


def close(*, commitment: Commitment, by) -> Commitment:
    """Close a delivered commitment; an undelivered rest goes back to the need."""
    with transaction.atomic():
        locked = _lock(commitment)
        if not locked.can_be_closed:
            raise TransitionNotAllowed(locked, _("closed"))
        released = _release_undelivered(locked)
        locked.status = Commitment.Status.DONE
        locked.done_at = timezone.now()
        locked.save(update_fields=["status", "done_at"])
        _record(locked, CommitmentEvent.Action.DONE, actor=by, data={"released": released})
    return locked


def cancel(*, commitment: Commitment, by=None, actor_label: str = "") -> Commitment:
    """Cancel before anything was delivered: the whole quantity goes back to the need."""
    with transaction.atomic():
        locked = _lock(commitment)
        if not locked.can_be_cancelled:
            raise TransitionNotAllowed(locked, _("cancelled"))
        released = _release_undelivered(locked)
        locked.status = Commitment.Status.CANCELLED
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["status", "cancelled_at"])
        _record(
            locked,
            CommitmentEvent.Action.CANCELLED,
            actor=by,
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
            released = _release_undelivered(locked)
            locked.status = Commitment.Status.EXPIRED
            locked.expired_at = timezone.now()
            locked.save(update_fields=["status", "expired_at"])
            _record(locked, CommitmentEvent.Action.EXPIRED, data={"released": released})
            expired.append(locked.number)
    return expired
