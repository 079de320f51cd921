"""Queue e-mail in the outbox and send it from the jobs, with retries and back-off.

`queue` writes the mail in the caller's transaction, so a mail exists exactly when the change
that causes it was committed; after the commit it asks a worker to send it at once. `send_due`
(every minute, settings.KSBB_SCHEDULES) sends what is due: mails whose prompt task was lost and
retries. A mail is claimed by a conditional UPDATE before it is sent, so two workers never send
the same mail; one whose worker died mid-send is free again when its claim runs out.

SMTP errors quote addresses: what is logged or kept as `last_error` goes through `describe`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from ksbb.jobs.models import OutboxMail
from ksbb.lib.logmask import mask_addresses

logger = logging.getLogger(__name__)

Status = OutboxMail.Status
# (dotted path of a function returning (filename, bytes, mimetype), its JSON arguments)
Attachment = tuple[str, Sequence[object]]

# Longer than one SMTP conversation can take with EMAIL_TIMEOUT on each of its steps.
CLAIM = timedelta(minutes=10)


def queue(
    *,
    reference: str,
    subject: str,
    text: str,
    html: str = "",
    to: Sequence[str],
    attachments: Sequence[Attachment] = (),
) -> OutboxMail:
    """Write one mail to the outbox; a worker sends it once the transaction commits. In a
    savepoint: a failed write loses the mail (the caller logs it), never the caller's change."""
    with transaction.atomic():
        mail = _create(reference, subject, text, html, to, attachments)
    transaction.on_commit(lambda: _enqueue(mail.pk))
    return mail


def _create(
    reference: str,
    subject: str,
    text: str,
    html: str,
    to: Sequence[str],
    attachments: Sequence[Attachment],
) -> OutboxMail:
    return OutboxMail.objects.create(
        reference=reference[:200],
        subject=subject,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        body_text=text,
        body_html=html,
        attachments=[[path, list(args)] for path, args in attachments],
    )


def _enqueue(pk: int) -> None:
    from django_q.tasks import async_task

    try:
        async_task("ksbb.jobs.outbox.send_one", pk, group="mail", task_name=f"mail {pk}")
    except Exception as error:  # the broker is down: `send_due` picks the mail up later
        logger.warning("mail %s not handed to a worker: %s", pk, describe(error))


def describe(error: BaseException) -> str:
    """What went wrong, without any address in it."""
    return mask_addresses(f"{type(error).__name__}: {error}")[:300]


def backoff(attempts: int) -> timedelta:
    """Wait before attempt `attempts + 1`: doubling from KSBB_MAIL_RETRY_SECONDS, at most 1 h."""
    return timedelta(seconds=min(settings.KSBB_MAIL_RETRY_SECONDS * 2 ** (attempts - 1), 3600))


def _claim(pk: int) -> bool:
    now = timezone.now()
    return bool(
        OutboxMail.objects.filter(pk=pk, status=Status.PENDING, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + CLAIM)
    )


def _message(mail: OutboxMail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(mail.subject, mail.body_text, mail.from_email, mail.to)
    if mail.body_html:
        message.attach_alternative(mail.body_html, "text/html")
    for path, args in mail.attachments:
        message.attach(*import_string(path)(*args))
    return message


def send_one(pk: int) -> bool:
    """Send the mail if it is due and no other worker has it. True when it went out."""
    if not _claim(pk):
        return False
    mail = OutboxMail.objects.get(pk=pk)
    attempts = mail.attempts + 1
    try:
        _message(mail).send()
    except Exception as error:
        reason = describe(error)
        gave_up = attempts >= settings.KSBB_MAIL_MAX_ATTEMPTS
        OutboxMail.objects.filter(pk=pk).update(
            attempts=attempts,
            last_error=reason,
            claimed_until=None,
            status=Status.FAILED if gave_up else Status.PENDING,
            next_attempt_at=timezone.now() + backoff(attempts),
        )
        logger.warning(
            "mail %s (%s), attempt %d, %s: %s",
            pk,
            mail.reference,
            attempts,
            "gave up" if gave_up else "will retry",
            reason,
        )
        return False
    OutboxMail.objects.filter(pk=pk).update(
        status=Status.SENT, attempts=attempts, sent_at=timezone.now(), claimed_until=None
    )
    logger.info("mail %s (%s) sent", pk, mail.reference)
    return True


def send_due(limit: int = 200) -> int:
    """Send up to `limit` mails that are due (oldest first); how many went out."""
    now = timezone.now()
    due = (
        OutboxMail.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(send_one(pk) for pk in list(due))


def retry(mails: Iterable[OutboxMail]) -> int:
    """Send these mails again now (an admin's action), whatever failed before."""
    pks = [mail.pk for mail in mails if mail.status != Status.SENT]
    with transaction.atomic():
        count = OutboxMail.objects.filter(pk__in=pks).update(
            status=Status.PENDING, next_attempt_at=timezone.now(), claimed_until=None
        )
        for pk in pks:
            transaction.on_commit(lambda pk=pk: _enqueue(pk))  # type: ignore[misc]
    return count
