"""What every commitment workflow shares: its errors, the row locks, the audit event."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from commitments.models import Commitment, CommitmentEvent
from recipients.models import Need

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger("commitments.services")


class TransitionNotAllowed(Exception):
    """The commitment's status does not allow this step."""

    def __init__(self, commitment: Commitment, action: StrOrPromise):
        self.commitment, self.action = commitment, action
        self.message = _("This commitment is %(status)s; it cannot be %(action)s now.") % {
            "status": commitment.get_status_display(),
            "action": action,
        }
        super().__init__(f"{commitment.number}: {commitment.status} -> {action} not allowed")


class InvalidQuantities(ValueError):
    """Delivered quantities outside 0..what is left on a line, or none at all. `errors` maps a
    line id (None: the whole form) to a translated message."""

    def __init__(self, errors: dict[int | None, StrOrPromise]):
        self.errors = errors
        super().__init__(", ".join(f"{line}: {message}" for line, message in errors.items()))


def locked_needs(recipient_id: int, package_ids: Iterable[int]) -> dict[int, Need]:
    """The recipient's needs for these packages, row-locked in id order, by package id."""
    needs = (
        Need.objects.select_for_update()
        .filter(recipient_id=recipient_id, package_id__in=list(package_ids))
        .order_by("pk")
    )
    return {need.package_id: need for need in needs}


def move(need: Need, *, pledged: int = 0, delivered: int = 0) -> None:
    """Shift quantities on a need in SQL, so concurrent changes are never overwritten."""
    Need.objects.filter(pk=need.pk).move(pledged=pledged, delivered=delivered)


def lock(commitment: Commitment) -> Commitment:
    """Reload the commitment row under lock: its status is only trusted once locked."""
    return Commitment.objects.select_for_update().get(pk=commitment.pk)


def actor_fields(by: Any, actor_label: str = "") -> dict[str, Any]:
    """Who acted, for an event: the user when there is one, else the label ("donor", "system")."""
    user = by if by is not None and getattr(by, "is_authenticated", False) else None
    return {"actor": user, "actor_label": actor_label or ("user" if user else "system")}


def record(
    commitment: Commitment,
    action: str,
    *,
    by: Any = None,
    actor_label: str = "",
    data: dict | None = None,
) -> CommitmentEvent:
    """Add the event to the audit trail and queue its e-mail in the same transaction (the
    outbox, sent by the background jobs once the transaction commits)."""
    event = CommitmentEvent.objects.create(
        commitment=commitment,
        action=action,
        status=commitment.status,
        data=data or {},
        **actor_fields(by, actor_label),
    )
    logger.info("commitment %s: %s -> %s", commitment.number, action, commitment.status)
    _notify(commitment.pk, action)
    return event


def _notify(commitment_id: int, action: str) -> None:
    from commitments import notifications

    notifications.notify(commitment_id, action)


def release_undelivered(commitment: Commitment) -> dict[str, int]:
    """Return every undelivered unit of an open commitment to its needs."""
    lines = [line for line in commitment.lines.select_related("package") if line.undelivered]
    needs = locked_needs(commitment.recipient_id, (line.package_id for line in lines))
    for line in lines:
        move(needs[line.package_id], pledged=-line.undelivered)
    return {line.package.code: line.undelivered for line in lines}
