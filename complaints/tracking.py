"""A complaint's timeline as its public tracking page shows it (statuses, public follow-ups,
offices it was passed to, officers' proof photos, dates), and as the reporter's private link
shows it (the same, plus what the reporter added themselves).

Never the reporter's identity nor their photos on the public side, and never an officer's
internal note on either side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch

from complaints.models import Complaint, ComplaintEvent, ComplaintPhoto
from complaints.services.reporter import REPORTER

Kind = ComplaintEvent.Kind
Source = ComplaintPhoto.Source


@dataclass
class TimelineEntry:
    when: datetime
    kind: str
    label: str
    status: str
    office: str = ""
    text: str = ""
    photos: list[ComplaintPhoto] = field(default_factory=list)


def _entries(complaint: Complaint, *, reporter: bool) -> list[TimelineEntry]:
    sources = [Source.OFFICER, Source.REPORTER] if reporter else [Source.OFFICER]
    photos = ComplaintPhoto.objects.filter(source__in=sources).only(
        "id", "event_id", "source", "content_type", "created"
    )
    events = (
        complaint.events.select_related("status", "office")
        .only(
            "kind",
            "created",
            "actor_label",
            "public_text",
            "internal_text",
            "status__name",
            "office__name",
        )
        .prefetch_related(Prefetch("photos", queryset=photos))
    )
    entries = []
    for event in events:
        text = event.public_text
        if reporter and event.actor_label == REPORTER and event.internal_text:
            # What the reporter wrote (information, their answer to the outcome), shown back
            # to the reporter alone; an officer's internal note never.
            text = event.internal_text
        entries.append(
            TimelineEntry(
                when=event.created,
                kind=event.kind,
                label=str(event.get_kind_display()),
                status=event.status.label,
                office=event.office.name if event.office else "",
                text=text,
                photos=list(event.photos.all()),
            )
        )
    return entries


def public_timeline(complaint: Complaint) -> list[TimelineEntry]:
    """What anyone may read: officers' photos only, no text from the reporter."""
    return _entries(complaint, reporter=False)


def reporter_timeline(complaint: Complaint) -> list[TimelineEntry]:
    """For the reporter's private link: also what they added, with their own photos."""
    return _entries(complaint, reporter=True)


def public_photo(complaint: Complaint, pk: int) -> ComplaintPhoto | None:
    """An officer's proof photo of this complaint (the only kind a public page serves)."""
    return complaint.photos.filter(pk=pk, source=Source.OFFICER).first()
