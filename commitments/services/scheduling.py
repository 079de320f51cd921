"""Agreeing the delivery slot: the collaborator moves it before the PJ agreed it; afterwards
either side proposes a new one and the other accepts it or answers with another."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commitments.models import Commitment, CommitmentEvent
from commitments.services.base import TransitionNotAllowed, lock, record

_SLOT_FIELDS = ["delivery_date", "deadline", "proposed_delivery_date", "proposed_deadline"]


def _check_slot(delivery_date: date, deadline: date) -> None:
    if deadline < delivery_date:
        raise ValueError("the deadline cannot be before the delivery date")


def _actor(side: str, by: Any) -> dict[str, Any]:
    return {"by": by, "actor_label": "donor" if side == Commitment.Side.COLLABORATOR else ""}


def change_schedule(*, commitment: Commitment, delivery_date: date, deadline: date) -> Commitment:
    """The collaborator moves their own slot, while the PJ has not agreed or proposed one."""
    _check_slot(delivery_date, deadline)
    with transaction.atomic():
        locked = lock(commitment)
        if not locked.can_change_schedule:
            raise TransitionNotAllowed(locked, _("rescheduled"))
        before = {"delivery_date": str(locked.delivery_date), "deadline": str(locked.deadline)}
        locked.delivery_date, locked.deadline = delivery_date, deadline
        locked.save(update_fields=["delivery_date", "deadline"])
        record(
            locked,
            CommitmentEvent.Action.SCHEDULE_CHANGED,
            actor_label="donor",
            data={
                "from": before,
                "to": {"delivery_date": str(delivery_date), "deadline": str(deadline)},
            },
        )
    return locked


def propose_date(
    *, commitment: Commitment, side: str, delivery_date: date, deadline: date, by: Any = None
) -> Commitment:
    """One side (`Commitment.Side`) proposes another slot; it replaces any open proposal (a
    counter-proposal is a proposal from the side that was asked)."""
    _check_slot(delivery_date, deadline)
    with transaction.atomic():
        locked = lock(commitment)
        if not locked.can_propose_date:
            raise TransitionNotAllowed(locked, _("rescheduled"))
        locked.proposed_delivery_date, locked.proposed_deadline = delivery_date, deadline
        locked.proposed_by = side
        locked.save(update_fields=["proposed_delivery_date", "proposed_deadline", "proposed_by"])
        record(
            locked,
            CommitmentEvent.Action.DATE_PROPOSED,
            **_actor(side, by),
            data={"side": side, "delivery_date": str(delivery_date), "deadline": str(deadline)},
        )
    return locked


def accept_proposal(*, commitment: Commitment, side: str, by: Any = None) -> Commitment:
    """`side` accepts the slot the other side proposed: the dates change, and the slot is
    agreed (a submitted pledge becomes acknowledged, as both sides now agree it)."""
    with transaction.atomic():
        locked = lock(commitment)
        if not locked.awaits_answer_from(side):
            raise TransitionNotAllowed(locked, _("rescheduled"))
        assert locked.proposed_delivery_date and locked.proposed_deadline
        locked.delivery_date = locked.proposed_delivery_date
        locked.deadline = locked.proposed_deadline
        locked.proposed_delivery_date = locked.proposed_deadline = None
        locked.proposed_by = ""
        fields = [*_SLOT_FIELDS, "proposed_by"]
        if locked.status == Commitment.Status.SUBMITTED:
            locked.status = Commitment.Status.ACKNOWLEDGED
            locked.acknowledged_at = timezone.now()
            fields += ["status", "acknowledged_at"]
        locked.save(update_fields=fields)
        record(
            locked,
            CommitmentEvent.Action.DATE_ACCEPTED,
            **_actor(side, by),
            data={"delivery_date": str(locked.delivery_date), "deadline": str(locked.deadline)},
        )
    return locked
