"""`manage.py escalate_complaints`: open complaints past their follow-up date are mailed to the
kecamatan officers and the admins, once each — even from two runs at once — counting days in
Asia/Jakarta."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from complaints.models import Complaint, ComplaintEvent
from complaints.services import change_status, escalate_overdue
from complaints.testing import make_complaint, make_officer, reference_data, status
from tests.test_commitment_concurrency import run_at_once

RECEIVED = date(2020, 5, 1)  # due 8 May 2020 (7 days)
CAMAT = "camat@example.org"
ADMIN = "admin@example.org"


@pytest.fixture
def complaint(db, areas, cast, django_capture_on_commit_callbacks) -> Complaint:
    reference_data()
    make_officer("camat", area=areas["kecamatan"])
    make_officer("lurah", area=areas["kelurahan_a"])
    with django_capture_on_commit_callbacks(execute=True):
        complaint = make_complaint(areas["kelurahan_a"], today=RECEIVED)
    mail.outbox.clear()
    return complaint


def run(capture: Callable, today: date | None = None) -> str:
    out = io.StringIO()
    with capture(execute=True):
        if today is None:
            call_command("escalate_complaints", stdout=out)
        else:
            call_command("escalate_complaints", today=today.isoformat(), stdout=out)
    return out.getvalue()


def receivers() -> list[str]:
    return sorted(message.to[0] for message in mail.outbox)


def test_nothing_is_escalated_on_the_due_date(
    complaint, django_capture_on_commit_callbacks, english
):
    assert "0 complaints escalated" in run(django_capture_on_commit_callbacks, date(2020, 5, 8))
    assert mail.outbox == []


def test_the_day_after_the_due_date_the_kecamatan_and_admins_are_told(
    complaint, django_capture_on_commit_callbacks, english
):
    output = run(django_capture_on_commit_callbacks, date(2020, 5, 9))
    assert f"escalated {complaint.number}" in output
    assert receivers() == [ADMIN, CAMAT]  # not the kelurahan officer, not the reporter
    complaint.refresh_from_db()
    assert complaint.escalated_at is not None
    event = complaint.events.last()
    assert (event.kind, event.actor_label) == (ComplaintEvent.Kind.ESCALATED, "system")


def test_a_second_run_escalates_nothing_again(
    complaint, django_capture_on_commit_callbacks, english
):
    run(django_capture_on_commit_callbacks, date(2020, 5, 9))
    mail.outbox.clear()
    assert "0 complaints" in run(django_capture_on_commit_callbacks, date(2020, 5, 20))
    assert mail.outbox == []
    assert complaint.events.filter(kind=ComplaintEvent.Kind.ESCALATED).count() == 1


def test_a_closed_complaint_is_not_escalated(complaint, cast, django_capture_on_commit_callbacks):
    change_status(
        complaint=complaint, to_status=status("selesai"), public_text="x", by=cast["admin"]
    )
    assert escalate_overdue(today=date(2020, 5, 9)) == []


def test_the_escalation_mail_carries_no_reporter_contact(
    complaint, django_capture_on_commit_callbacks
):
    run(django_capture_on_commit_callbacks, date(2020, 5, 9))
    from tests.test_notifications import full_text

    for message in mail.outbox:
        text = full_text(message)
        assert complaint.number in text
        for private in ("Pelapor Rahasia", "+6281299990000", "pelapor@example.org"):
            assert private not in text


def test_days_are_counted_in_jakarta(complaint, monkeypatch, django_capture_on_commit_callbacks):
    # 18:00 UTC on the due date is already 01:00 the next day in Jakarta: overdue.
    monkeypatch.setattr(
        timezone, "now", lambda: datetime.combine(date(2020, 5, 8), time(18, 0), tzinfo=UTC)
    )
    assert complaint.number in run(django_capture_on_commit_callbacks)


def test_a_bad_today_is_refused_with_a_clear_message(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("escalate_complaints", today="9/5/2020")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises every writer, so two runs cannot overlap there",
)
def test_runs_at_the_same_moment_escalate_each_complaint_once(areas, cast):
    reference_data()
    make_officer("camat", area=areas["kecamatan"])
    numbers = {make_complaint(areas["kelurahan_a"], today=RECEIVED).number for _ in range(3)}
    mail.outbox.clear()

    runs = run_at_once(8, lambda i: escalate_overdue(today=RECEIVED + timedelta(days=8)))
    assert not [r for r in runs if isinstance(r, Exception)]
    assert sorted(n for r in runs for n in r) == sorted(numbers)
    assert ComplaintEvent.objects.filter(kind=ComplaintEvent.Kind.ESCALATED).count() == 3
    assert len(mail.outbox) == 3 * 2  # the camat and the admin, once per complaint
