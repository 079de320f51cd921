"""The PJ's dashboard: the pledges to the recipients a user is in charge of today, what needs
their action first."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from commitments.models import Commitment, CommitmentLine, ContactAccess
from recipients.models import Recipient

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

RECENTLY_CLOSED = 20


@dataclass
class Row:
    commitment: Commitment
    todo: list[StrOrPromise] = field(default_factory=list)


@dataclass
class Dashboard:
    recipients: list[Recipient]
    action_needed: list[Row]
    in_progress: list[Row]
    closed: list[Commitment]

    @property
    def shown_with_contact(self) -> list[Commitment]:
        return [row.commitment for row in self.action_needed + self.in_progress]


def todo(commitment: Commitment, today: date) -> list[StrOrPromise]:
    """What the PJ should do about an open pledge, most urgent first."""
    items: list[StrOrPromise] = []
    if commitment.status != Commitment.Status.DELIVERED and commitment.deadline < today:
        items.append(_("deadline passed without a confirmed delivery"))
    if any(line.awaits_confirmation for line in commitment.lines.all()):
        items.append(_("delivery reported: confirm what arrived"))
    if commitment.awaits_answer_from(Commitment.Side.PJ):
        items.append(_("the collaborator proposed another date"))
    elif commitment.can_be_acknowledged and not commitment.has_proposal:
        items.append(_("new pledge: agree the delivery date"))
    return items


def build_dashboard(user: Any, today: date) -> Dashboard:
    recipients = list(Recipient.objects.in_charge_of(user, today).select_related("area"))
    pledges = (
        Commitment.objects.filter(recipient__in=[r.pk for r in recipients])
        .select_related("recipient")
        .prefetch_related(Prefetch("lines", CommitmentLine.objects.select_related("package")))
    )
    open_pledges = pledges.exclude(status__in=Commitment.FINAL_STATUSES).order_by(
        "delivery_date", "pk"
    )
    action_needed: list[Row] = []
    in_progress: list[Row] = []
    for commitment in open_pledges:
        row = Row(commitment, todo(commitment, today))
        (action_needed if row.todo else in_progress).append(row)
    closed = list(
        pledges.filter(status__in=Commitment.FINAL_STATUSES).order_by("-created", "-pk")[
            :RECENTLY_CLOSED
        ]
    )
    return Dashboard(recipients, action_needed, in_progress, closed)


def log_contact_views(user: Any, commitments: list[Commitment], via: str) -> None:
    """One ContactAccess row per pledge whose contact was just shown to `user`."""
    ContactAccess.objects.bulk_create(
        ContactAccess(commitment=commitment, user=user, via=via) for commitment in commitments
    )
