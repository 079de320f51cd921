"""E-mail about commitments: the mail that follows each event and the timed reminders.

Every mail goes to whoever the event concerns, in the language that person last used. Services
call `notify` at the end of the event's transaction (the reminder command calls `remind` in the
transaction that records the reminder), so the mails are written to the outbox together with
the change and sent by the background jobs (ksbb/jobs/outbox.py), with retries. `_send` is the
one function that queues: a failure is logged without any address and never undoes the change.

Privacy: the collaborator's phone, e-mail and address appear only in mail to the recipient's PJ,
who may see them (and for whom the pledge is the reason to call). A mail is not a page view, so
it is not logged in `ContactAccess`. Mail to the collaborator never carries a PJ's contact, and
mail to admins carries no contact at all: they look in the admin, where each view is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse

from commitments.models import Commitment, CommitmentEvent, ReminderSent
from ksbb.jobs.outbox import Attachment
from ksbb.lib.mail import queue_templated
from recipients.models import AccountLanguage

logger = logging.getLogger(__name__)

Action = CommitmentEvent.Action
TEMPLATES = "commitments/email/"


@dataclass(frozen=True)
class Receiver:
    """Who gets one mail: an address, the language to write in and the name to greet."""

    email: str
    language: str
    name: str = ""
    # A PJ with an account gets the link to their page; a bare `Recipient.pj_email` cannot log in.
    account: bool = False
    user_id: int | None = None


def _send(
    template: str,
    context: dict[str, Any],
    receiver: Receiver,
    *,
    attachments: Sequence[Attachment] = (),
) -> bool:
    """Queue one mail of the trio `commitments/email/<template>`; True when it is queued."""
    number = getattr(context.get("commitment"), "number", "?")
    try:
        queue_templated(
            TEMPLATES + template,
            {**context, "receiver": receiver},
            to=[receiver.email],
            reference=number,
            attachments=attachments,
            language=receiver.language,
        )
    except Exception as error:
        # No traceback and no address: contacts never go into a log.
        logger.error("mail %s for %s failed: %s", template, number, type(error).__name__)
        return False
    return True


# --- Who gets the mail ------------------------------------------------------------------------


def _languages(user_ids: Iterable[int]) -> dict[int, str]:
    """The language each user last used on the portal, by user id."""
    return dict(
        AccountLanguage.objects.filter(user_id__in=list(user_ids)).values_list(
            "user_id", "language"
        )
    )


def _user_receivers(users: Sequence[Any]) -> list[Receiver]:
    languages = _languages(user.pk for user in users)
    return [
        Receiver(
            email=user.email,
            language=languages.get(user.pk, settings.LANGUAGE_CODE),
            name=user.get_full_name() or user.get_username(),
            account=True,
            user_id=user.pk,
        )
        for user in users
    ]


def collaborator(commitment: Commitment) -> Receiver:
    return Receiver(commitment.email, commitment.language, commitment.contact_person)


def people_in_charge(commitment: Commitment, today: date | None = None) -> list[Receiver]:
    """Every current PJ of the commitment's recipient who has an e-mail address; the
    recipient's registered `pj_email` only when no PJ account can be reached."""
    recipient = commitment.recipient
    links = (
        recipient.people_in_charge.current(today)
        .filter(user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id")
    )
    users = list({link.user_id: link.user for link in links}.values())
    if users:
        return _user_receivers(users)
    if recipient.pj_email:
        return [Receiver(recipient.pj_email, settings.LANGUAGE_CODE, recipient.pj_name)]
    return []


def admins(*, besides: Iterable[Receiver] = ()) -> list[Receiver]:
    """Active staff users and superusers with an e-mail, except those already in `besides`."""
    already = {receiver.user_id for receiver in besides}
    users = (
        get_user_model()
        .objects.filter(Q(is_staff=True) | Q(is_superuser=True), is_active=True)
        .exclude(email="")
        .exclude(pk__in=[pk for pk in already if pk is not None])
        .order_by("pk")
    )
    return _user_receivers(list(users))


# --- What the mail says -----------------------------------------------------------------------


def pj_url(commitment: Commitment) -> str:
    """The commitment's page for its PJ (behind the login)."""
    try:
        path = reverse("commitments:pj-detail", args=[commitment.number])
    except NoReverseMatch:  # the PJ's pages are not installed: the public page instead
        path = commitment.get_absolute_url()
    return settings.SITE_ROOT.rstrip("/") + path


def _proposed(commitment: Commitment, event: CommitmentEvent | None, field: str) -> date | None:
    """The slot proposed and not yet agreed (`delivery_date` or `deadline`): on the commitment
    while it waits for an answer, else (answered meanwhile) in the proposal event's data."""
    proposed = getattr(commitment, f"proposed_{field}")
    if proposed is not None:
        return proposed
    data = event.data if event is not None and isinstance(event.data, dict) else {}
    try:
        return date.fromisoformat(str(data[field]))
    except (KeyError, ValueError):
        return None


def _reported(lines: Sequence[Any], event: CommitmentEvent | None) -> list[tuple[str, int]]:
    """The quantities an event recorded, as (package name, quantity) in the lines' order."""
    # A delivery event's data is {package code: quantity}.
    data = event.data if event is not None and isinstance(event.data, dict) else {}
    return [
        (line.package.name, data[line.package.code])
        for line in lines
        if isinstance(data.get(line.package.code), int)
    ]


def _context(commitment: Commitment, event: CommitmentEvent | None = None) -> dict[str, Any]:
    lines = list(commitment.lines.select_related("package"))
    return {
        "commitment": commitment,
        "recipient": commitment.recipient,
        "lines": lines,
        "event": event,
        "pj_url": pj_url(commitment),
        "whatsapp_url": commitment.whatsapp_url,
        "proposed_date": _proposed(commitment, event, "delivery_date"),
        "proposed_deadline": _proposed(commitment, event, "deadline"),
        # The PJ's reason: for the collaborator only (it may hold personal details).
        "reason": commitment.decline_reason,
        "reported": _reported(lines, event),
        "undelivered": sum(line.undelivered for line in lines),
        # Reported by the collaborator and not (yet) confirmed by the PJ.
        "unconfirmed": sum(max(line.reported - line.delivered, 0) for line in lines),
    }


# --- Events -----------------------------------------------------------------------------------


def _by_collaborator(event: CommitmentEvent | None) -> bool:
    """Whether the collaborator acted (through the private link): the side the event names,
    else no user and not the system."""
    if event is None:
        return False
    side = event.data.get("side") if isinstance(event.data, dict) else None
    if side in Commitment.Side.values:
        return side == Commitment.Side.COLLABORATOR
    return event.actor_id is None and event.actor_label != "system"


# Which mail follows which event: (to the collaborator, to the PJs), by whether the collaborator
# or someone else (the PJ, an admin, the system) acted. None: no mail to that side.
ROUTES: dict[str, dict[bool, tuple[str | None, str | None]]] = {
    Action.SCHEDULE_CHANGED: {True: (None, "pj_schedule_changed"), False: (None, None)},
    Action.ACKNOWLEDGED: {True: (None, None), False: ("collaborator_acknowledged", None)},
    Action.DATE_PROPOSED: {
        True: (None, "pj_date_proposed"),
        False: ("collaborator_date_proposed", None),
    },
    Action.DATE_ACCEPTED: {
        True: (None, "pj_date_accepted"),
        False: ("collaborator_date_accepted", None),
    },
    Action.DECLINED: {True: (None, None), False: ("collaborator_declined", None)},
    Action.DELIVERY_REPORTED: {True: (None, "pj_delivery_reported"), False: (None, None)},
    Action.DELIVERY: {True: (None, None), False: ("collaborator_delivery_confirmed", None)},
    Action.DONE: {True: (None, None), False: ("collaborator_done", None)},
    # The collaborator cancelled: the PJ stops waiting. An admin cancelled: both are told.
    Action.CANCELLED: {
        True: (None, "pj_cancelled"),
        False: ("collaborator_cancelled", "pj_cancelled"),
    },
    # The PJ and the admins hear of it from the deadline reminder (see `remind`).
    Action.EXPIRED: {True: (None, None), False: ("collaborator_expired", None)},
}


def notify(commitment_id: int, action: str) -> None:
    """Queue the e-mail that follows a commitment event (`CommitmentEvent.Action`), in the
    event's transaction."""
    try:
        with transaction.atomic():  # a savepoint: a failure here undoes only the mail
            _notify(commitment_id, action)
    except Exception as error:
        # The change stands, and the visitor gets no error page.
        logger.error(
            "mail after %s of commitment %s failed: %s", action, commitment_id, type(error).__name__
        )


def _notify(commitment_id: int, action: str) -> None:
    commitment = Commitment.objects.select_related("recipient").get(pk=commitment_id)
    if action == Action.SUBMITTED:
        send_submission_mail(commitment)
        return
    if action not in ROUTES:
        logger.warning("no mail for commitment action %s", action)
        return
    event = commitment.events.filter(action=action).order_by("-created", "-id").first()
    to_collaborator, to_pj = ROUTES[action][_by_collaborator(event)]
    context = _context(commitment, event)
    if to_collaborator:
        _send(to_collaborator, context, collaborator(commitment))
    if to_pj:
        for receiver in people_in_charge(commitment):
            _send(to_pj, context, receiver)


def send_submission_mail(commitment: Commitment) -> None:
    """The donor's confirmation with the letter, and the PJs' notice of the new pledge. The
    letter is rendered when the mail is sent, by the worker, not in the pledge's request."""
    context = _context(commitment)
    letter = ("commitments.notifications.letter_attachment", [commitment.pk])
    _send("donor_confirmation", context, collaborator(commitment), attachments=[letter])
    for receiver in people_in_charge(commitment):
        _send("pj_notice", context, receiver)


def letter_attachment(commitment_id: int) -> tuple[str, bytes, str]:
    """The pledge letter as a mail attachment (the outbox builds it when it sends)."""
    # Imported here: PDF rendering is heavy, and only this mail needs it.
    from commitments.letter import letter_filename, letter_pdf

    commitment = Commitment.objects.select_related("recipient").get(pk=commitment_id)
    return letter_filename(commitment), letter_pdf(commitment), "application/pdf"


# --- Timed reminders (sent by `commitments.reminders`) ----------------------------------------


def remind(commitment_id: int, kind: str) -> int:
    """Queue the reminder `kind` (`ReminderSent.Kind`) about one commitment; how many mails
    were queued. Runs in the transaction of the `ReminderSent` row that claims it."""
    try:
        with transaction.atomic():  # a savepoint: a failure here undoes only the mail
            return _remind(commitment_id, kind)
    except Exception as error:
        # The claim stands (no second try): the rest of the run goes on.
        logger.error(
            "reminder %s of commitment %s failed: %s", kind, commitment_id, type(error).__name__
        )
        return 0


def _remind(commitment_id: int, kind: str) -> int:
    commitment = Commitment.objects.select_related("recipient").get(pk=commitment_id)
    context = _context(commitment)
    pjs = people_in_charge(commitment)
    sent = 0
    if kind == ReminderSent.Kind.DELIVERY_TOMORROW:
        sent += _send("collaborator_reminder_tomorrow", context, collaborator(commitment))
        sent += sum(_send("pj_reminder_tomorrow", context, pj) for pj in pjs)
    elif kind == ReminderSent.Kind.DEADLINE_PASSED:
        admin_context = {**context, "admin_url": _admin_url(commitment)}
        sent += sum(_send("pj_reminder_deadline", context, pj) for pj in pjs)
        sent += sum(
            _send("admin_reminder_deadline", admin_context, admin) for admin in admins(besides=pjs)
        )
    else:
        logger.warning("unknown reminder %s", kind)
    return sent


def _admin_url(commitment: Commitment) -> str:
    try:
        path = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    except NoReverseMatch:
        path = commitment.get_absolute_url()
    return settings.SITE_ROOT.rstrip("/") + path
