"""The collaborator's private link: change the schedule, answer a proposed date, report the
delivery, and nothing more once the pledge is over; re-sending a lost link."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from commitments import services
from commitments.models import Commitment
from commitments.testing import make_commitment

pytestmark = pytest.mark.django_db


@pytest.fixture
def pledge(recipient_a, packages) -> Commitment:
    return make_commitment(recipient_a, {packages["sembako"]: 30})


def url(pledge: Commitment, name: str) -> str:
    return reverse(name, args=[pledge.token])


def slot(days: int, length: int = 2) -> dict[str, str]:
    start = timezone.localdate() + timedelta(days=days)
    return {"delivery_date": start.isoformat(), "deadline": (start + timedelta(length)).isoformat()}


def test_the_collaborator_moves_the_schedule_before_acknowledgement(client, pledge, cast):
    response = client.post(url(pledge, "commitments:private-schedule"), slot(5))
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.delivery_date == timezone.localdate() + timedelta(5)
    services.acknowledge(commitment=pledge, by=cast["pj_a"])
    body = client.get(pledge.get_private_url()).content.decode()
    assert url(pledge, "commitments:private-schedule") not in body
    response = client.post(url(pledge, "commitments:private-schedule"), slot(9), follow=True)
    assert list(response.context["messages"])
    pledge.refresh_from_db()
    assert pledge.delivery_date == timezone.localdate() + timedelta(5)


def test_a_bad_schedule_shows_the_error_and_keeps_the_input(client, pledge):
    data = slot(3)
    data["deadline"] = timezone.localdate().isoformat()
    response = client.post(url(pledge, "commitments:private-schedule"), data)
    assert response.status_code == 400
    assert response.context["slot_form"].has_error("deadline", "deadline_early")
    assert data["delivery_date"] in response.content.decode()


def test_the_collaborator_accepts_or_counters_the_pjs_date(client, pledge, cast):
    day = timezone.localdate() + timedelta(3)
    services.propose_date(
        commitment=pledge, side="pj", by=cast["pj_a"], delivery_date=day, deadline=day
    )
    body = client.get(pledge.get_private_url()).content.decode()
    assert url(pledge, "commitments:private-accept") in body
    client.post(url(pledge, "commitments:private-propose"), slot(6))
    pledge.refresh_from_db()
    assert pledge.proposed_by == "donor"
    services.propose_date(
        commitment=pledge, side="pj", by=cast["pj_a"], delivery_date=day, deadline=day
    )
    client.post(url(pledge, "commitments:private-accept"))
    pledge.refresh_from_db()
    assert (pledge.delivery_date, pledge.status) == (day, Commitment.Status.ACKNOWLEDGED)
    event = pledge.events.last()
    assert event is not None and (event.actor_id, event.actor_label) == (None, "donor")


def test_the_collaborator_reports_the_delivery_which_moves_nothing(client, pledge, cast):
    services.acknowledge(commitment=pledge, by=cast["pj_a"])
    response = client.post(url(pledge, "commitments:private-report"), {"qty_sembako": "25"})
    assert response.status_code == 302
    line = pledge.lines.get()
    assert (line.reported, line.delivered) == (25, 0)
    assert pledge.recipient.needs.get().pledged == 30


def test_a_report_over_the_pledge_is_an_error_beside_the_field(client, pledge, cast):
    services.acknowledge(commitment=pledge, by=cast["pj_a"])
    response = client.post(url(pledge, "commitments:private-report"), {"qty_sembako": "99"})
    assert response.status_code == 400
    assert response.context["report_form"].has_error("qty_sembako", "max_value")


@pytest.mark.parametrize("end", ["done", "declined", "cancelled", "expired"])
def test_the_link_stops_allowing_changes_once_the_pledge_is_over(client, pledge, end):
    Commitment.objects.filter(pk=pledge.pk).update(status=end)
    page = client.get(pledge.get_private_url())
    assert page.status_code == 200  # still readable
    body = page.content.decode()
    for name in ("private-schedule", "private-report", "private-propose", "cancel"):
        assert url(pledge, f"commitments:{name}") not in body
    client.post(url(pledge, "commitments:private-schedule"), slot(5))
    client.post(url(pledge, "commitments:private-report"), {"qty_sembako": "1"})
    client.post(url(pledge, "commitments:cancel"))
    pledge.refresh_from_db()
    assert pledge.status == end
    assert pledge.events.count() == 1


def test_the_decline_reason_is_shown_to_the_collaborator(client, pledge, cast):
    services.decline(commitment=pledge, by=cast["pj_a"], reason="Bantuan sudah cukup minggu ini")
    assert "Bantuan sudah cukup minggu ini" in client.get(pledge.get_private_url()).content.decode()


def test_using_the_link_in_english_makes_the_collaborators_mail_english(client, pledge, settings):
    assert pledge.language == "id"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.get(pledge.get_private_url())
    pledge.refresh_from_db()
    assert pledge.language == "en"


# --- Re-sending the link ------------------------------------------------------------------


def resend(client, number: str, email: str, **extra):
    """Ask for the link again; the mail it queues is sent when the request's work commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("commitments:resend-link"), {"number": number, "email": email}, **extra
        )


def test_the_link_is_resent_only_when_number_and_address_match(client, pledge):
    def answer(number: str, email: str) -> tuple[int, list[str]]:
        response = resend(client, number, email, follow=True)
        return response.status_code, [str(m) for m in response.context["messages"]]

    matching = answer(pledge.number.lower(), pledge.email.upper())
    (message,) = mail.outbox
    assert message.to == [pledge.email]
    assert pledge.private_url in message.body
    wrong_mail = answer(pledge.number, "someone-else@example.org")
    wrong_number = answer("KSBB-2000-000001", pledge.email)
    assert len(mail.outbox) == 1
    assert matching == wrong_mail == wrong_number
    assert matching[1]


def test_resend_form_errors_are_shown_and_it_is_rate_limited(client, pledge, settings):
    response = resend(client, "", "not-an-address")
    assert response.status_code == 200
    assert response.context["form"].has_error("email", "invalid")
    settings.KSBB_RATE_LIMITS = {**settings.KSBB_RATE_LIMITS, "private_link": (1, 3600)}
    cache.clear()
    assert resend(client, pledge.number, pledge.email).status_code == 302
    assert resend(client, pledge.number, pledge.email).status_code == 429
    assert len(mail.outbox) == 1
