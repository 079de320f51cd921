"""Timed reminders about commitments, sent once each by `manage.py send_reminders`.

Two reminders (`ReminderSent.Kind`): the day before the delivery date, to the collaborator and
the PJs; the day after the deadline passed without a confirmed delivery, to the PJs and the
admins. Days are counted in Asia/Jakarta (`settings.TIME_ZONE`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from commitments import notifications
from commitments.models import Commitment, CommitmentLine, CommitmentQuerySet, ReminderSent

logger = logging.getLogger(__name__)

Status = Commitment.Status

# How far back the deadline reminder looks: a run missed for a few days (host down, timer off)
# still catches up, and the first run on an old database does not mail about its history.
DEADLINE_LOOKBACK = timedelta(days=7)


@dataclass
class ReminderRun:
    """What one run did: reminders it claimed and sent, and those another run had sent."""

    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def delivery_tomorrow(today: date) -> CommitmentQuerySet:
    """Open commitments whose delivery date is tomorrow (nothing has arrived yet)."""
    return Commitment.objects.filter(
        status__in=(Status.SUBMITTED, Status.ACKNOWLEDGED),
        delivery_date=today + timedelta(days=1),
    )


def deadline_passed(today: date) -> CommitmentQuerySet:
    """Commitments whose deadline passed (within the lookback) without a confirmed delivery of
    everything: still submitted or acknowledged, expired by `expire_commitments` (which runs
    earlier in the night, and only expires what nobody confirmed), or delivered with a rest the
    PJ has neither confirmed nor closed."""
    undelivered_rest = Exists(
        CommitmentLine.objects.filter(commitment=OuterRef("pk"), delivered__lt=F("quantity"))
    )
    return Commitment.objects.filter(
        Q(status__in=(Status.SUBMITTED, Status.ACKNOWLEDGED, Status.EXPIRED))
        | Q(undelivered_rest, status=Status.DELIVERED),
        deadline__lt=today,
        deadline__gte=today - DEADLINE_LOOKBACK,
    )


def _claim(commitment: Commitment, kind: str, about: date) -> bool:
    """Record the reminder and queue its mails in one transaction. The unique constraint on
    ReminderSent decides between two runs at the same moment: the insert that loses waits for
    the winner's commit and fails, so it queues nothing."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(commitment=commitment, kind=kind, about=about)
            notifications.remind(commitment.pk, kind)
    except IntegrityError:
        return False
    return True


def send_reminders(*, today: date | None = None) -> ReminderRun:
    """Send every reminder due on `today` (Asia/Jakarta) that was not sent before."""
    today = today or timezone.localdate()
    run = ReminderRun()
    due = [
        (commitment, ReminderSent.Kind.DELIVERY_TOMORROW, commitment.delivery_date)
        for commitment in delivery_tomorrow(today).order_by("pk")
    ] + [
        (commitment, ReminderSent.Kind.DEADLINE_PASSED, commitment.deadline)
        for commitment in deadline_passed(today).order_by("pk")
    ]
    for commitment, kind, about in due:
        label = f"{commitment.number} {kind}"
        (run.sent if _claim(commitment, kind, about) else run.skipped).append(label)
    logger.info("reminders for %s: %d sent, %d skipped", today, len(run.sent), len(run.skipped))
    return run
