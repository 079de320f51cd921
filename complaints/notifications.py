"""E-mail about complaints: the mail that follows each event, in the receiver's language, sent
queued in the event's transaction (services call `notify` at its end) and sent by the background
jobs (ksbb/jobs/outbox.py), with retries.

- The reporter, when they left an address: on receipt (tracking number and private link) and on
  every status change by an officer, a disposisi included — in the complaint's language.
- The handling officers, when the reporter rejects the outcome (the complaint reopens).
- The kecamatan officers of the complaint's kelurahan and the admins, when it is escalated.

Privacy: mail to officers and admins never carries the reporter's name, phone or e-mail: they
open the complaint, where each view of the contact is logged. `_send` is the one function that
sends; a failure is logged without any address and never undoes the change.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from complaints.models import Complaint, ComplaintEvent, Officer
from ksbb.lib.mail import queue_templated
from recipients.models import AccountLanguage

logger = logging.getLogger(__name__)

Kind = ComplaintEvent.Kind
TEMPLATES = "complaints/email/"


@dataclass(frozen=True)
class Receiver:
    """Who gets one mail: an address, the language to write in and the name to greet."""

    email: str
    language: str
    name: str = ""
    user_id: int | None = None


def _send(template: str, context: dict[str, Any], receiver: Receiver) -> bool:
    """Queue one mail of the trio `complaints/email/<template>`; True when it is queued."""
    number = getattr(context.get("complaint"), "number", "?")
    try:
        queue_templated(
            TEMPLATES + template,
            {**context, "receiver": receiver},
            to=[receiver.email],
            reference=number,
            language=receiver.language,
        )
    except Exception as error:
        # No traceback and no address: contacts never go into a log.
        logger.error("mail %s for %s failed: %s", template, number, type(error).__name__)
        return False
    return True


# --- Who gets the mail ------------------------------------------------------------------------


def reporter(complaint: Complaint) -> list[Receiver]:
    if not complaint.reporter_email:
        return []
    return [Receiver(complaint.reporter_email, complaint.language, complaint.reporter_name)]


def _user_receivers(users: Iterable[Any]) -> list[Receiver]:
    users = list(users)
    languages = dict(
        AccountLanguage.objects.filter(user_id__in=[u.pk for u in users]).values_list(
            "user_id", "language"
        )
    )
    return [
        Receiver(
            email=user.email,
            language=languages.get(user.pk, settings.LANGUAGE_CODE),
            name=user.get_full_name() or user.get_username(),
            user_id=user.pk,
        )
        for user in users
    ]


def _officers(posts: Any) -> list[Receiver]:
    links = (
        posts.current()
        .filter(user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id")
    )
    return _user_receivers({link.user_id: link.user for link in links}.values())


def handling_officers(complaint: Complaint) -> list[Receiver]:
    """The officers of the office the complaint was passed on to, else of its kelurahan."""
    if complaint.office_id is not None:
        return _officers(Officer.objects.filter(office_id=complaint.office_id))
    return _officers(Officer.objects.filter(area_id=complaint.kelurahan_id))


def kecamatan_officers(complaint: Complaint) -> list[Receiver]:
    """The officers of the kecamatan the complaint's kelurahan belongs to."""
    if complaint.kelurahan.parent_id is None:
        return []
    return _officers(Officer.objects.filter(area_id=complaint.kelurahan.parent_id))


def admins(*, besides: Sequence[Receiver] = ()) -> list[Receiver]:
    """Active staff users and superusers with an e-mail, except those already in `besides`."""
    already = [receiver.user_id for receiver in besides if receiver.user_id is not None]
    users = (
        get_user_model()
        .objects.filter(Q(is_staff=True) | Q(is_superuser=True), is_active=True)
        .exclude(email="")
        .exclude(pk__in=already)
        .order_by("pk")
    )
    return _user_receivers(users)


# --- What the mail says -----------------------------------------------------------------------


def _absolute(name: str, args: Sequence[Any]) -> str:
    """The full URL of a named route; "" when that route is not installed."""
    try:
        return settings.SITE_ROOT.rstrip("/") + reverse(name, args=list(args))
    except NoReverseMatch:
        return ""


def officer_url(complaint: Complaint) -> str:
    """The complaint's page for its officers, else its admin page."""
    return _absolute("complaints:officer-detail", [complaint.number]) or _absolute(
        "admin:complaints_complaint_change", [complaint.pk]
    )


def _context(complaint: Complaint, event: ComplaintEvent | None) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "complaint": complaint,
        "event": event,
        "status": complaint.status,
        "office": complaint.office,
        "tracking_url": _absolute("complaints:track", [complaint.number]),
        "private_url": _absolute("complaints:private", [complaint.token]),
        "officer_url": officer_url(complaint),
        "days_overdue": max((today - complaint.due_date).days, 0),
    }


# --- Events -----------------------------------------------------------------------------------


def notify(complaint_id: int, kind: str) -> None:
    """Queue the e-mail that follows a complaint event (`ComplaintEvent.Kind`), in the event's
    transaction."""
    try:
        with transaction.atomic():  # a savepoint: a failure here undoes only the mail
            _notify(complaint_id, kind)
    except Exception as error:
        # The change stands, and the visitor gets no error page.
        logger.error(
            "mail after %s of complaint %s failed: %s", kind, complaint_id, type(error).__name__
        )


def _notify(complaint_id: int, kind: str) -> int:
    complaint = Complaint.objects.select_related("status", "category", "kelurahan", "office").get(
        pk=complaint_id
    )
    event = complaint.events.filter(kind=kind).order_by("-created", "-id").first()
    context = _context(complaint, event)
    by_reporter = event is not None and event.actor_label == "reporter"
    if kind == Kind.RECEIVED:
        return sum(_send("reporter_received", context, r) for r in reporter(complaint))
    if kind in (Kind.STATUS, Kind.DISPOSITION) and not by_reporter:
        return sum(_send("reporter_status", context, r) for r in reporter(complaint))
    if kind == Kind.STATUS and by_reporter and complaint.status.is_open:
        officers = handling_officers(complaint)
        return sum(_send("officer_reopened", context, r) for r in officers)
    if kind == Kind.ESCALATED:
        officers = kecamatan_officers(complaint)
        receivers = [*officers, *admins(besides=officers)]
        return sum(_send("escalated", context, r) for r in receivers)
    return 0
