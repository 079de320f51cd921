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
    CommitmentQuerySet,
    is_commitment_admin,
    new_token,
)
from commitments.models.delivery import DeliveryPhoto, DeliveryReport, DeliveryReportLine
from commitments.models.lines import CommitmentLine
from commitments.models.numbering import NumberCounter
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
    "DeliveryPhoto",
    "DeliveryReport",
    "DeliveryReportLine",
    "NumberCounter",
    "ReminderSent",
    "is_commitment_admin",
    "new_token",
]
