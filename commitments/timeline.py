"""A pledge's public status history: what happened and when, with quantities and dates, never
who did it nor any text a person typed (a decline reason stays private)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from commitments.models import Commitment, CommitmentEvent

Action = CommitmentEvent.Action
# Events whose data holds quantities per package code.
_QUANTITY_ACTIONS = {Action.SUBMITTED, Action.DELIVERY_REPORTED, Action.DELIVERY}
# Events whose data holds the slot agreed (`to` for a schedule change).
_SLOT_ACTIONS = {Action.SCHEDULE_CHANGED, Action.DATE_ACCEPTED}


@dataclass
class TimelineEntry:
    when: datetime
    action: str
    label: str
    quantities: list[tuple[str, int]] = field(default_factory=list)
    delivery_date: date | None = None
    deadline: date | None = None


def _date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def public_timeline(commitment: Commitment) -> list[TimelineEntry]:
    """The events in order; reads the commitment's prefetched lines for package names."""
    names = {line.package.code: line.package.name for line in commitment.lines.all()}
    entries = []
    events = commitment.events.only("action", "created", "data", "commitment_id")
    for event in events:
        entry = TimelineEntry(event.created, event.action, str(event.get_action_display()))
        data = event.data if isinstance(event.data, dict) else {}
        if event.action in _QUANTITY_ACTIONS:
            entry.quantities = [
                (names.get(code) or code, quantity)
                for code, quantity in data.items()
                if isinstance(quantity, int)
            ]
        if event.action in _SLOT_ACTIONS:
            slot = data.get("to", data)
            if isinstance(slot, dict):
                entry.delivery_date = _date(slot.get("delivery_date"))
                entry.deadline = _date(slot.get("deadline"))
        entries.append(entry)
    return entries
