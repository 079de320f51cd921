"""`manage.py send_reminders`: the day before the delivery, to both sides; the deadline passed
without a confirmed delivery, to the PJs and the admins. Once each, counted in Asia/Jakarta."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from commitments import reminders, services
from commitments.models import Commitment, ReminderSent
from commitments.testing import make_commitment
from recipients.models import AccountLanguage
from tests.test_commitment_concurrency import run_at_once
from tests.test_notifications import full_text

PJ_A = "pj_a@example.org"
ADMIN = "admin@example.org"
DONOR_EMAIL = "andi@example.com"


@pytest.fixture
def commitment(recipient_a, packages, cast, django_capture_on_commit_callbacks) -> Commitment:
    """10 Paket Sembako to recipient_a (PJ: pj_a), delivery in 2 days, deadline in 7."""
    with django_capture_on_commit_callbacks(execute=True):
        commitment = make_commitment(recipient_a, {packages["sembako"]: 10})
    mail.outbox.clear()
    return commitment


def send(capture: Callable, today: date | None = None) -> str:
    """Run the command with its after-commit mail; what it printed."""
    out = io.StringIO()
    with capture(execute=True):
        if today is None:
            call_command("send_reminders", stdout=out)
        else:
            call_command("send_reminders", today=today.isoformat(), stdout=out)
    return out.getvalue()


def receivers() -> list[str]:
    return sorted(m.to[0] for m in mail.outbox)


def day_before(commitment: Commitment) -> date:
    return commitment.delivery_date - timedelta(days=1)


def day_after_deadline(commitment: Commitment) -> date:
    return commitment.deadline + timedelta(days=1)


def line_id(commitment: Commitment) -> int:
    return commitment.lines.get().pk


@pytest.mark.django_db
def test_the_day_before_delivery_the_collaborator_and_the_pj_are_reminded(
    commitment, django_capture_on_commit_callbacks, english
):
    output = send(django_capture_on_commit_callbacks, day_before(commitment))
    assert receivers() == sorted([DONOR_EMAIL, PJ_A])
    assert "1 reminder sent, 0 skipped" in output
    donor = next(m for m in mail.outbox if m.to == [DONOR_EMAIL])
    assert commitment.private_url in donor.body
    assert commitment.phone not in donor.body
    assert ReminderSent.objects.get().about == commitment.delivery_date


@pytest.mark.django_db
def test_a_second_run_sends_nothing_again(commitment, django_capture_on_commit_callbacks, english):
    send(django_capture_on_commit_callbacks, day_before(commitment))
    mail.outbox.clear()
    output = send(django_capture_on_commit_callbacks, day_before(commitment))
    assert mail.outbox == []
    assert "0 reminders sent, 1 skipped" in output


@pytest.mark.django_db
def test_no_reminder_on_other_days(commitment, django_capture_on_commit_callbacks):
    for today in (commitment.delivery_date - timedelta(days=2), commitment.delivery_date):
        send(django_capture_on_commit_callbacks, today)
    assert mail.outbox == []


@pytest.mark.django_db
def test_an_agreed_new_date_gets_its_own_reminder(
    commitment, cast, django_capture_on_commit_callbacks
):
    send(django_capture_on_commit_callbacks, day_before(commitment))
    new_date = commitment.delivery_date + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        services.propose_date(
            commitment=commitment,
            side=Commitment.Side.PJ,
            by=cast["pj_a"],
            delivery_date=new_date,
            deadline=new_date + timedelta(days=2),
        )
        services.accept_proposal(commitment=commitment, side=Commitment.Side.COLLABORATOR)
    mail.outbox.clear()
    send(django_capture_on_commit_callbacks, new_date - timedelta(days=1))
    assert receivers() == sorted([DONOR_EMAIL, PJ_A])


@pytest.mark.django_db
def test_an_unacknowledged_pledge_reminds_the_pj_to_agree_the_slot_in_their_language(
    commitment, cast, django_capture_on_commit_callbacks
):
    AccountLanguage.objects.create(user=cast["pj_a"], language="en")
    send(django_capture_on_commit_callbacks, day_before(commitment))
    (pj,) = (m for m in mail.outbox if m.to == [PJ_A])
    assert pj.subject == f"Reminder: delivery of {commitment.number} tomorrow"
    assert "You have not acknowledged this commitment yet" in pj.body


@pytest.mark.django_db
def test_a_passed_deadline_reminds_the_pj_and_the_admins_not_the_officer(
    commitment, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.acknowledge(commitment=commitment, by=cast["pj_a"])
    mail.outbox.clear()
    send(django_capture_on_commit_callbacks, day_after_deadline(commitment))
    assert receivers() == sorted([ADMIN, PJ_A])
    assert ReminderSent.objects.get().kind == ReminderSent.Kind.DEADLINE_PASSED


@pytest.mark.django_db
def test_the_admins_mail_has_no_contact_of_the_collaborator(
    commitment, django_capture_on_commit_callbacks
):
    send(django_capture_on_commit_callbacks, day_after_deadline(commitment))
    (admin,) = (m for m in mail.outbox if m.to == [ADMIN])
    text = full_text(admin)
    assert commitment.number in text
    for private in (commitment.phone, commitment.email, commitment.address):
        assert private not in text
    assert commitment.contact_person not in text


@pytest.mark.django_db
def test_an_expired_pledge_is_reminded_after_the_nightly_expiry(
    commitment, django_capture_on_commit_callbacks
):
    today = day_after_deadline(commitment)
    with django_capture_on_commit_callbacks(execute=True):
        services.expire_overdue(today=today)
    mail.outbox.clear()
    send(django_capture_on_commit_callbacks, today)
    assert receivers() == sorted([ADMIN, PJ_A])


@pytest.mark.django_db
def test_a_partly_delivered_pledge_past_its_deadline_is_reminded(
    commitment, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.acknowledge(commitment=commitment, by=cast["pj_a"])
        services.confirm_delivery(
            commitment=commitment, quantities={line_id(commitment): 4}, by=cast["pj_a"]
        )
    mail.outbox.clear()
    send(django_capture_on_commit_callbacks, day_after_deadline(commitment))
    assert receivers() == sorted([ADMIN, PJ_A])


@pytest.mark.django_db
def test_a_deadline_long_past_is_history_not_news(commitment, django_capture_on_commit_callbacks):
    late = commitment.deadline + reminders.DEADLINE_LOOKBACK + timedelta(days=1)
    send(django_capture_on_commit_callbacks, late)
    assert mail.outbox == []


def _fully_delivered(commitment: Commitment, cast: dict) -> None:
    services.acknowledge(commitment=commitment, by=cast["pj_a"])
    services.confirm_delivery(
        commitment=commitment, quantities={line_id(commitment): 10}, by=cast["pj_a"]
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "finish",
    [
        pytest.param(_fully_delivered, id="delivered"),
        pytest.param(
            lambda c, cast: services.cancel(commitment=c, actor_label="donor"), id="cancelled"
        ),
        pytest.param(
            lambda c, cast: services.decline(commitment=c, by=cast["pj_a"], reason="Penuh"),
            id="declined",
        ),
    ],
)
def test_a_delivered_cancelled_or_declined_pledge_gets_no_reminder(
    commitment, cast, finish, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        finish(commitment, cast)
    mail.outbox.clear()
    for today in (day_before(commitment), day_after_deadline(commitment)):
        send(django_capture_on_commit_callbacks, today)
    assert mail.outbox == []
    assert not ReminderSent.objects.exists()


@pytest.mark.django_db
def test_days_are_counted_in_jakarta(commitment, monkeypatch, django_capture_on_commit_callbacks):
    # 23:30 UTC two days before the delivery is 06:30 in Jakarta the day before it: the
    # reminder is due, though in UTC the delivery is still two days away.
    utc_evening = datetime.combine(
        commitment.delivery_date - timedelta(days=2), time(23, 30), tzinfo=UTC
    )
    monkeypatch.setattr(timezone, "now", lambda: utc_evening)
    assert timezone.localdate() == day_before(commitment)
    send(django_capture_on_commit_callbacks)
    assert receivers() == sorted([DONOR_EMAIL, PJ_A])


@pytest.mark.django_db
def test_a_bad_today_is_refused_with_a_clear_message():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", today="31/12/2024")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises every writer, so two runs cannot overlap there",
)
def test_runs_at_the_same_moment_send_each_reminder_once(recipient_a, packages, cast):
    commitment = make_commitment(recipient_a, {packages["sembako"]: 10})
    mail.outbox.clear()
    today = day_before(commitment)

    def work(i: int) -> Any:
        return reminders.send_reminders(today=today)

    runs = run_at_once(8, work)
    assert not [run for run in runs if isinstance(run, Exception)]
    assert sorted(len(run.sent) for run in runs) == [0] * 7 + [1]
    assert sum(len(run.skipped) for run in runs) == 7
    assert ReminderSent.objects.count() == 1
    assert receivers() == sorted([DONOR_EMAIL, PJ_A])
