"""The officer's queue: the complaints routed to a user's kelurahan or office, open ones first
by follow-up due date, overdue ones flagged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from complaints.models import Complaint

RECENTLY_CLOSED = 20


@dataclass
class Row:
    complaint: Complaint
    overdue: bool
    days_left: int

    @property
    def days_late(self) -> int:
        return max(-self.days_left, 0)


@dataclass
class Queue:
    open: list[Row]
    closed: list[Complaint]

    @property
    def overdue_count(self) -> int:
        return sum(row.overdue for row in self.open)


def build_queue(user: Any, today: date) -> Queue:
    """Two queries: the open complaints the user handles, and the most recently closed ones."""
    handled = Complaint.objects.handled_by(user).select_related(
        "category", "status", "kelurahan", "office"
    )
    rows = [
        Row(complaint, complaint.is_overdue(today), (complaint.due_date - today).days)
        for complaint in handled.open().order_by("due_date", "id")
    ]
    closed = list(
        handled.filter(status__is_open=False).order_by("-closed_at", "-id")[:RECENTLY_CLOSED]
    )
    return Queue(rows, closed)
