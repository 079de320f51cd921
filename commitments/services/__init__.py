"""Commitment workflows: reserve quantity against needs, agree the delivery slot, report and
confirm deliveries, move through the statuses, expire.

Every function here runs in one transaction, checks under the row lock that its transition is
allowed, moves quantities on Need with UPDATE ... SET x = x + n (never read-modify-save), records
an event with who acted and queues its e-mail in the outbox, in the same transaction (sent by
the job worker once it commits). Needs are always locked in
id order so that two workflows touching the same needs cannot deadlock.
"""

from commitments.services.base import InvalidQuantities, TransitionNotAllowed
from commitments.services.delivery import check_quantities, confirm_delivery, report_delivery
from commitments.services.lifecycle import (
    AlreadyCovered,
    Shortfall,
    acknowledge,
    cancel,
    close,
    close_overdue_deliveries,
    decline,
    expire_overdue,
    submit_commitment,
)
from commitments.services.scheduling import accept_proposal, change_schedule, propose_date

__all__ = [
    "AlreadyCovered",
    "InvalidQuantities",
    "Shortfall",
    "TransitionNotAllowed",
    "accept_proposal",
    "acknowledge",
    "cancel",
    "change_schedule",
    "check_quantities",
    "close",
    "close_overdue_deliveries",
    "confirm_delivery",
    "decline",
    "expire_overdue",
    "propose_date",
    "report_delivery",
    "submit_commitment",
]
