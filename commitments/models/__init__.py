"""Commitments (pledges) of aid against recipients' needs, and their audit trail.

Everything is importable from here (`from commitments.models import Commitment`); migrations
refer to `commitments.models.new_token`.
"""

from commitments.models.audit import CommitmentEvent, ContactAccess
from commitments.models.commitment import (
    ANONYMOUS_NAME,
    LETTER_LAYOUT_VERSION,
    PUBLIC_FIELDS,
    Commitment,
    CommitmentLine,
    CommitmentQuerySet,
    NumberCounter,
    new_token,
)
from commitments.models.reminders import ReminderSent

__all__ = [
    "ANONYMOUS_NAME",
    "LETTER_LAYOUT_VERSION",
    "PUBLIC_FIELDS",
    "Commitment",
    "CommitmentEvent",
    "CommitmentLine",
    "CommitmentQuerySet",
    "ContactAccess",
    "NumberCounter",
    "ReminderSent",
    "new_token",
]
