"""E-mail about complaints: the reporter on receipt and on each officer's step, in the
complaint's language; the handling officers when the reporter rejects the outcome; never the
reporter's contact in mail to officers or admins; a failed mail never undoes the change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from complaints import notifications
from complaints.models import Complaint, Office
from complaints.services import add_information, answer_outcome, change_status, pass_on
from complaints.testing import make_complaint, make_officer, reference_data, status
from tests.test_notifications import full_text

REPORTER = "pelapor@example.org"
PRIVATE = ("Pelapor Rahasia", "+6281299990000", REPORTER)


@pytest.fixture
def lurah(db, areas):
    reference_data()
    return make_officer("lurah", area=areas["kelurahan_a"])


def run(capture: Callable, step: Callable[[], Any]) -> list[Any]:
    mail.outbox.clear()
    with capture(execute=True):
        step()
    return list(mail.outbox)


@pytest.fixture
def complaint(lurah, areas, django_capture_on_commit_callbacks) -> Complaint:
    with django_capture_on_commit_callbacks(execute=True):
        complaint = make_complaint(areas["kelurahan_a"], language="en")
    return complaint


def test_the_reporter_gets_the_number_and_private_link(complaint):
    (message,) = mail.outbox
    assert message.to == [REPORTER]
    text = full_text(message)
    assert f"Complaint {complaint.number} received" in message.subject
    assert "Dear Pelapor Rahasia" in text and "Kelurahan Gambir" in text
    assert complaint.token in text  # the private link
    assert f"/pengaduan/lacak/{complaint.number}/" in text


def test_an_indonesian_complaint_is_answered_in_indonesian(
    lurah, areas, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = make_complaint(areas["kelurahan_a"], language="id")
    (message,) = mail.outbox
    with translation.override("id"):
        subject = gettext("Complaint %(number)s received") % {"number": complaint.number}
    assert message.subject == subject


def test_no_address_no_mail(lurah, areas, django_capture_on_commit_callbacks):
    sent = run(
        django_capture_on_commit_callbacks,
        lambda: make_complaint(areas["kelurahan_a"], reporter_email=""),
    )
    assert sent == []


def test_each_officer_step_is_mailed_with_its_follow_up(
    complaint, lurah, django_capture_on_commit_callbacks
):
    (message,) = run(
        django_capture_on_commit_callbacks,
        lambda: change_status(
            complaint=complaint, to_status=status("proses"), public_text="Kami cek.", by=lurah
        ),
    )
    assert message.to == [REPORTER]
    assert (
        "In progress" in message.subject
    )  # the status in the reader's language and "Kami cek." in full_text(message)


def test_a_disposisi_is_mailed_with_the_office(
    complaint, lurah, django_capture_on_commit_callbacks
):
    office = Office.objects.get(name="Dinas Sosial")
    (message,) = run(
        django_capture_on_commit_callbacks,
        lambda: pass_on(complaint=complaint, office=office, public_text="Ke Dinsos.", by=lurah),
    )
    assert "passed on to Dinas Sosial" in full_text(message)


def test_a_closed_complaint_says_how_to_reject_the_outcome(
    complaint, lurah, django_capture_on_commit_callbacks
):
    (message,) = run(
        django_capture_on_commit_callbacks,
        lambda: change_status(
            complaint=complaint, to_status=status("selesai"), public_text="Beres.", by=lurah
        ),
    )
    assert "private link" in full_text(message)


def test_the_reporters_own_steps_are_not_mailed_back(complaint, django_capture_on_commit_callbacks):
    sent = run(
        django_capture_on_commit_callbacks,
        lambda: add_information(complaint=complaint, text="Tambahan."),
    )
    assert sent == []


def test_a_rejection_tells_the_handling_officers_without_the_reporter(
    complaint, lurah, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        done = change_status(
            complaint=complaint, to_status=status("selesai"), public_text="x", by=lurah
        )
    sent = run(
        django_capture_on_commit_callbacks,
        lambda: answer_outcome(complaint=done, accept=False, text="Belum sampai."),
    )
    assert [m.to for m in sent] == [["lurah@example.org"]]
    text = full_text(sent[0])
    assert complaint.number in text and "Belum sampai." not in text
    for private in PRIVATE:
        assert private not in text


def test_after_a_disposisi_the_offices_officers_are_told(
    complaint, lurah, django_capture_on_commit_callbacks
):
    dinsos = Office.objects.get(name="Dinas Sosial")
    make_officer("dinsos", office=dinsos)
    with django_capture_on_commit_callbacks(execute=True):
        passed = pass_on(complaint=complaint, office=dinsos, public_text="a", by=lurah)
        done = change_status(
            complaint=passed, to_status=status("selesai"), public_text="b", by=lurah
        )
    sent = run(
        django_capture_on_commit_callbacks, lambda: answer_outcome(complaint=done, accept=False)
    )
    assert [m.to for m in sent] == [["dinsos@example.org"]]


def test_a_failed_mail_is_logged_without_the_address_and_the_step_stands(
    complaint, lurah, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broken(*args: Any, **kwargs: Any) -> None:
        raise ConnectionRefusedError(REPORTER)

    monkeypatch.setattr(notifications, "queue_templated", broken)
    with django_capture_on_commit_callbacks(execute=True):
        change_status(complaint=complaint, to_status=status("proses"), public_text="x", by=lurah)
    assert Complaint.objects.get().status.code == "proses"
    assert "ConnectionRefusedError" in caplog.text and REPORTER not in caplog.text
