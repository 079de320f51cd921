"""Mail that is never lost: the outbox (ksbb/jobs/outbox.py) with a mail relay that refuses,
one that accepts connections and never answers, and one that works again.

The pledge never waits for SMTP: its mails are written with it and sent by the jobs, which
retry with back-off, give up after KSBB_MAIL_MAX_ATTEMPTS (admins see why and retry), and never
put an address in a log line.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from commitments.models import Commitment
from ksbb.jobs import outbox
from ksbb.jobs.models import OutboxMail
from tests.test_pledge_views import form_data

Status = OutboxMail.Status
SENTINEL = "sentinel-donor@example.org"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Recorder:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_settings(settings):
    def point_at(port: int) -> None:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 1

    return point_at


@pytest.fixture
def working_smtp() -> Iterator[tuple[int, Recorder]]:
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, recorder
    controller.stop()


@pytest.fixture
def silent_smtp() -> Iterator[int]:
    """A loopback port that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    server.close()


def pledge(client, recipient, django_capture_on_commit_callbacks) -> tuple[Any, float]:
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("commitments:create", args=[recipient.pk]), form_data(email=SENTINEL)
        )
    return response, time.monotonic() - started


def make_due() -> None:
    """As if the back-off had passed."""
    OutboxMail.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def assert_no_address(caplog) -> None:
    for record in caplog.records:
        if not record.name.startswith("mail.log"):  # the test's own SMTP server
            assert SENTINEL not in record.getMessage(), record.getMessage()


@pytest.mark.parametrize("relay", ["refusing", "hanging"])
def test_pledge_succeeds_at_once_and_its_mail_waits_until_the_relay_is_back(
    relay,
    client,
    recipient_a,
    outbox_waits,
    smtp_settings,
    silent_smtp,
    working_smtp,
    django_capture_on_commit_callbacks,
    caplog,
):
    smtp_settings(free_port() if relay == "refusing" else silent_smtp)
    response, elapsed = pledge(client, recipient_a, django_capture_on_commit_callbacks)
    commitment = Commitment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == commitment.get_private_url()
    assert elapsed < 5  # no SMTP in the request, whatever the relay does
    queued = OutboxMail.objects.order_by("pk")
    assert [mail.status for mail in queued] == [Status.PENDING] * queued.count() != []
    donor_mail = queued.get(to=[SENTINEL])
    assert commitment.number in donor_mail.reference

    # The jobs try: the relay refuses, or times out after EMAIL_TIMEOUT; nothing is lost.
    assert outbox.send_due() == 0
    for mail in OutboxMail.objects.all():
        assert (mail.status, mail.attempts) == (Status.PENDING, 1)
        assert mail.last_error and SENTINEL not in mail.last_error
        assert mail.next_attempt_at > timezone.now()
    assert outbox.send_due() == 0  # not due yet: back-off
    assert OutboxMail.objects.filter(attempts=1).count() == queued.count()

    # The relay is back: everything goes out once, the letter with the donor's mail.
    port, recorder = working_smtp
    smtp_settings(port)
    make_due()
    assert outbox.send_due() == queued.count()
    assert set(OutboxMail.objects.values_list("status", flat=True)) == {Status.SENT}
    assert len(recorder.messages) == queued.count()
    donor = [m for m in recorder.messages if m.rcpt_tos == [SENTINEL]]
    assert len(donor) == 1
    parts = message_from_bytes(donor[0].content).walk()
    assert any(part.get_content_type() == "application/pdf" for part in parts)
    assert outbox.send_due() == 0  # sent is sent
    assert_no_address(caplog)


def test_a_mail_that_keeps_failing_is_given_up_shown_to_admins_and_retried(
    client, recipient_a, outbox_waits, smtp_settings, working_smtp, settings, caplog
):
    settings.KSBB_MAIL_MAX_ATTEMPTS = 3
    smtp_settings(free_port())
    with transaction.atomic():
        outbox.queue(reference="test · 1", subject="Halo", text="Isi", to=[SENTINEL])
    mail = OutboxMail.objects.get()
    for attempt in range(1, 4):
        make_due()
        assert not outbox.send_one(mail.pk)
        mail.refresh_from_db()
        assert mail.attempts == attempt
    assert mail.status == Status.FAILED
    make_due()
    assert outbox.send_due() == 0  # given up: no more tries by itself

    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin)
    changelist = reverse("admin:jobs_outboxmail_changelist")
    page = client.get(changelist, {"failing": "yes"})
    assert page.status_code == 200
    assert "test · 1" in page.content.decode()
    assert "ConnectionRefusedError" in page.content.decode()
    assert SENTINEL not in page.content.decode()
    detail = client.get(reverse("admin:jobs_outboxmail_change", args=[mail.pk]))
    assert detail.status_code == 200 and SENTINEL not in detail.content.decode()

    port, recorder = working_smtp
    smtp_settings(port)
    response = client.post(
        changelist, {"action": "retry", "_selected_action": [mail.pk]}, follow=True
    )
    assert response.status_code == 200
    mail.refresh_from_db()
    assert mail.status == Status.PENDING
    assert outbox.send_due() == 1
    assert len(recorder.messages) == 1
    assert_no_address(caplog)


def test_a_mail_is_claimed_by_one_worker_only(db, outbox_waits, working_smtp, smtp_settings):
    port, recorder = working_smtp
    smtp_settings(port)
    mail = outbox.queue(reference="test · 2", subject="Halo", text="Isi", to=[SENTINEL])
    assert outbox._claim(mail.pk)
    assert not outbox.send_one(mail.pk)  # another worker holds it
    OutboxMail.objects.filter(pk=mail.pk).update(claimed_until=timezone.now())  # it died
    assert outbox.send_one(mail.pk)
    assert not outbox.send_one(mail.pk)
    assert len(recorder.messages) == 1


def test_a_rolled_back_change_leaves_no_mail(db, outbox_waits):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.queue(reference="test · 3", subject="Halo", text="Isi", to=[SENTINEL])
        raise RuntimeError("the change failed")
    assert not OutboxMail.objects.exists()


def test_backoff_doubles_up_to_an_hour(settings):
    settings.KSBB_MAIL_RETRY_SECONDS = 60
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3, 7, 8, 20)] == [
        60,
        120,
        240,
        3600,
        3600,
        3600,
    ]


def test_errors_are_described_without_addresses():
    import smtplib

    error = smtplib.SMTPRecipientsRefused({SENTINEL: (550, b"no such user " + SENTINEL.encode())})
    assert SENTINEL not in outbox.describe(error)
    assert outbox.describe(error).startswith("SMTPRecipientsRefused")
