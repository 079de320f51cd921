"""A mail relay that accepts the connection and never answers: the pledge is still saved and the
donor still gets their private page, after at most EMAIL_TIMEOUT seconds (not a worker kill)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from django.urls import reverse

from commitments.models import Commitment
from tests.test_pledge_views import form_data


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


def test_a_hanging_mail_relay_does_not_fail_the_pledge(
    client, recipient_a, settings, silent_smtp, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", silent_smtp
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 1
    started = time.monotonic()
    url = reverse("commitments:create", args=[recipient_a.pk])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:  # the mail is sent here
        response = client.post(url, form_data())
    assert callbacks
    elapsed = time.monotonic() - started
    commitment = Commitment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == commitment.get_private_url()
    # The relay was waited for EMAIL_TIMEOUT per mail (donor, PJ), not for ever.
    assert elapsed < 10
