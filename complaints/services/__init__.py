"""Complaint workflows: file a complaint, move it through CRM's statuses, pass it on to an
office (disposisi), let the reporter add information or answer the outcome, escalate what is
overdue.

Every function here runs in one transaction, re-reads the complaint under its row lock before
checking that the step is allowed, records a ComplaintEvent with who acted, and queues its e-mail
in the outbox in the same transaction (complaints.notifications.notify; sent by the job worker
once it commits). Which status may follow which is data
(Transition); a reporter's steps are the transitions marked `by_reporter`.
"""

from complaints.services.base import TransitionNotAllowed, reopen_days
from complaints.services.escalation import escalate_overdue
from complaints.services.handling import (
    allowed_transitions,
    change_status,
    disposition_status,
    pass_on,
    pass_on_choices,
)
from complaints.services.reporter import (
    add_information,
    answer_outcome,
    can_answer_outcome,
    submit_complaint,
)

__all__ = [
    "TransitionNotAllowed",
    "add_information",
    "allowed_transitions",
    "answer_outcome",
    "can_answer_outcome",
    "change_status",
    "disposition_status",
    "escalate_overdue",
    "pass_on",
    "pass_on_choices",
    "reopen_days",
    "submit_complaint",
]
