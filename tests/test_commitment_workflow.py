"""The coordination workflow: agreeing the slot, declining, two-sided delivery, the review flag,
closing what is left at the deadline, and the public figures following every step at once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from commitments import services
from commitments.models import Commitment, CommitmentEvent, DeliveryReport
from commitments.testing import make_commitment
from recipients.models import Need

pytestmark = pytest.mark.django_db

PJ, DONOR = Commitment.Side.PJ, Commitment.Side.COLLABORATOR


@pytest.fixture
def need(recipient_a, packages) -> Need:
    return Need.objects.get(recipient=recipient_a, package=packages["sembako"])


@pytest.fixture
def pledge(recipient_a, packages) -> Commitment:
    return make_commitment(recipient_a, {packages["sembako"]: 30})


@pytest.fixture
def acknowledged(pledge, cast) -> Commitment:
    return services.acknowledge(commitment=pledge, by=cast["pj_a"])


def figures(need: Need) -> tuple[int, int]:
    need.refresh_from_db()
    return need.pledged, need.delivered


def line_id(commitment: Commitment) -> int:
    return commitment.lines.get().pk


def actions(commitment: Commitment) -> list[tuple[str, str | None, str]]:
    return list(commitment.events.values_list("action", "actor__username", "actor_label"))


def test_pj_proposal_accepted_by_the_collaborator_moves_the_dates_and_agrees_the_slot(pledge, cast):
    day = timezone.localdate() + timedelta(days=4)
    services.propose_date(
        commitment=pledge, side=PJ, by=cast["pj_a"], delivery_date=day, deadline=day
    )
    pledge.refresh_from_db()
    assert (pledge.proposed_by, pledge.proposed_delivery_date) == (PJ, day)
    assert pledge.awaits_answer_from(DONOR) and not pledge.awaits_answer_from(PJ)
    services.accept_proposal(commitment=pledge, side=DONOR)
    pledge.refresh_from_db()
    assert (pledge.delivery_date, pledge.deadline, pledge.proposed_by) == (day, day, "")
    assert pledge.status == Commitment.Status.ACKNOWLEDGED
    assert actions(pledge)[1:] == [
        ("date_proposed", "pj_a", "user"),
        ("date_accepted", None, "donor"),
    ]


def test_a_counter_proposal_replaces_the_open_one_and_the_proposer_cannot_accept_it(pledge, cast):
    today = timezone.localdate()
    services.propose_date(
        commitment=pledge, side=PJ, by=cast["pj_a"], delivery_date=today, deadline=today
    )
    later = today + timedelta(days=3)
    services.propose_date(commitment=pledge, side=DONOR, delivery_date=later, deadline=later)
    with pytest.raises(services.TransitionNotAllowed):
        services.accept_proposal(commitment=pledge, side=DONOR)
    services.accept_proposal(commitment=pledge, side=PJ, by=cast["pj_a"])
    pledge.refresh_from_db()
    assert pledge.delivery_date == later


def test_a_collaborator_proposal_is_answered_not_acknowledged(pledge, cast):
    day = timezone.localdate() + timedelta(days=1)
    services.propose_date(commitment=pledge, side=DONOR, delivery_date=day, deadline=day)
    pledge.refresh_from_db()
    assert not pledge.can_be_acknowledged
    with pytest.raises(services.TransitionNotAllowed):
        services.acknowledge(commitment=pledge, by=cast["pj_a"])


def test_the_collaborator_changes_the_schedule_only_before_acknowledgement(pledge, cast):
    day = timezone.localdate() + timedelta(days=5)
    services.change_schedule(commitment=pledge, delivery_date=day, deadline=day)
    pledge.refresh_from_db()
    assert pledge.delivery_date == day
    event = pledge.events.last()
    assert event is not None and event.action == "schedule_changed"
    services.acknowledge(commitment=pledge, by=cast["pj_a"])
    with pytest.raises(services.TransitionNotAllowed):
        services.change_schedule(commitment=pledge, delivery_date=day, deadline=day)


def test_a_deadline_before_the_delivery_date_is_refused(pledge):
    today = timezone.localdate()
    with pytest.raises(ValueError):
        services.change_schedule(
            commitment=pledge, delivery_date=today + timedelta(2), deadline=today
        )


def test_decline_releases_everything_at_once_and_keeps_the_reason(pledge, need, cast):
    assert figures(need) == (30, 0)
    services.decline(commitment=pledge, by=cast["pj_a"], reason="Sudah cukup bantuan")
    pledge.refresh_from_db()
    assert pledge.status == Commitment.Status.DECLINED
    assert pledge.decline_reason == "Sudah cukup bantuan"
    assert pledge.declined_at is not None and not pledge.is_valid and pledge.is_final
    assert figures(need) == (0, 0)
    assert actions(pledge)[-1] == ("declined", "pj_a", "user")


def test_decline_needs_a_reason(pledge, cast):
    with pytest.raises(ValueError):
        services.decline(commitment=pledge, by=cast["pj_a"], reason="  ")


def test_a_report_moves_nothing_and_the_confirmation_moves_what_arrived(acknowledged, need, cast):
    services.report_delivery(commitment=acknowledged, quantities={line_id(acknowledged): 30})
    assert figures(need) == (30, 0)
    line = acknowledged.lines.get()
    assert (line.reported, line.delivered) == (30, 0)
    services.confirm_delivery(commitment=acknowledged, quantities={line.pk: 30}, by=cast["pj_a"])
    assert figures(need) == (0, 30)
    acknowledged.refresh_from_db()
    assert acknowledged.status == Commitment.Status.DELIVERED
    assert not acknowledged.needs_review
    assert list(DeliveryReport.objects.values_list("side", flat=True)) == [DONOR, PJ]
    assert [a for a, *_ in actions(acknowledged)][-2:] == ["delivery_reported", "delivery"]


def test_when_the_two_sides_disagree_the_pledge_is_flagged_until_they_agree(
    acknowledged, need, cast
):
    line = line_id(acknowledged)
    services.report_delivery(commitment=acknowledged, quantities={line: 30})
    services.confirm_delivery(commitment=acknowledged, quantities={line: 20}, by=cast["pj_a"])
    acknowledged.refresh_from_db()
    assert acknowledged.needs_review
    assert Commitment.objects.filter(needs_review=True).get() == acknowledged
    services.confirm_delivery(commitment=acknowledged, quantities={line: 10}, by=cast["admin"])
    acknowledged.refresh_from_db()
    assert not acknowledged.needs_review
    assert figures(need) == (0, 30)


def test_a_partial_delivery_keeps_the_rest_open_until_the_pj_closes(acknowledged, need, cast):
    services.confirm_delivery(
        commitment=acknowledged, quantities={line_id(acknowledged): 12}, by=cast["pj_a"]
    )
    assert figures(need) == (18, 12)
    services.close(commitment=acknowledged, by=cast["pj_a"])
    assert figures(need) == (0, 12)


def test_a_partial_delivery_is_closed_at_its_deadline_and_the_rest_released(
    acknowledged, need, cast, capsys, english
):
    services.confirm_delivery(
        commitment=acknowledged, quantities={line_id(acknowledged): 12}, by=cast["pj_a"]
    )
    yesterday = timezone.localdate() - timedelta(days=1)
    Commitment.objects.filter(pk=acknowledged.pk).update(
        delivery_date=yesterday, deadline=yesterday
    )
    call_command("expire_commitments")
    call_command("expire_commitments")
    acknowledged.refresh_from_db()
    assert acknowledged.status == Commitment.Status.DONE
    assert figures(need) == (0, 12)
    assert CommitmentEvent.objects.filter(action="done", actor_label="system").count() == 1
    assert f"closed {acknowledged.number}" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("quantity", "left"),
    [(31, "undelivered"), (-1, "undelivered"), (0, "undelivered"), (31, "unreported")],
)
def test_quantities_outside_what_is_left_are_refused_with_a_message(
    acknowledged, need, cast, quantity, left
):
    line = line_id(acknowledged)
    with pytest.raises(services.InvalidQuantities) as invalid:
        if left == "undelivered":
            services.confirm_delivery(
                commitment=acknowledged, quantities={line: quantity}, by=cast["pj_a"]
            )
        else:
            services.report_delivery(commitment=acknowledged, quantities={line: quantity})
    assert all(str(message) for message in invalid.value.errors.values())
    assert figures(need) == (30, 0)
    assert not DeliveryReport.objects.exists()


STEPS: dict[str, Callable[[Commitment], object]] = {
    "propose": lambda c: services.propose_date(
        commitment=c, side=PJ, delivery_date=c.delivery_date, deadline=c.deadline
    ),
    "change_schedule": lambda c: services.change_schedule(
        commitment=c, delivery_date=c.delivery_date, deadline=c.deadline
    ),
    "decline": lambda c: services.decline(commitment=c, by=None, reason="x"),
    "report": lambda c: services.report_delivery(commitment=c, quantities={c.lines.get().pk: 1}),
    "confirm": lambda c: services.confirm_delivery(
        commitment=c, quantities={c.lines.get().pk: 1}, by=None
    ),
}


@pytest.mark.parametrize(
    ("step", "allowed_from"),
    [
        ("propose", {"submitted", "acknowledged"}),
        ("change_schedule", {"submitted"}),
        ("decline", {"submitted", "acknowledged"}),
        ("report", {"acknowledged", "delivered"}),
        ("confirm", {"acknowledged", "delivered"}),
    ],
)
def test_each_step_is_refused_from_the_wrong_status(recipient_a, packages, step, allowed_from):
    for status in Commitment.Status.values:
        commitment = make_commitment(recipient_a, {packages["sembako"]: 1})
        Commitment.objects.filter(pk=commitment.pk).update(status=status)
        commitment.refresh_from_db()
        if status in allowed_from:
            STEPS[step](commitment)
        else:
            with pytest.raises(services.TransitionNotAllowed):
                STEPS[step](commitment)


def test_every_event_mails_through_notify_after_commit(
    pledge, cast, monkeypatch, django_capture_on_commit_callbacks
):
    from commitments import notifications

    sent: list[tuple[int, str]] = []
    monkeypatch.setattr(notifications, "notify", lambda pk, action: sent.append((pk, action)))
    with django_capture_on_commit_callbacks(execute=True):
        services.acknowledge(commitment=pledge, by=cast["pj_a"])
        services.confirm_delivery(commitment=pledge, quantities={line_id(pledge): 5}, by=None)
    assert sent == [(pledge.pk, "acknowledged"), (pledge.pk, "delivery")]


# --- Public figures follow every action at once -------------------------------------------


def public_figures(client, recipient) -> tuple[int, int, int, int]:
    page = client.get(reverse("recipients:detail", args=[recipient.pk])).context["recipient"]
    totals = client.get(reverse("recipients:api-status")).json()["totals"]
    return page.pledged_total, page.delivered_total, totals["pledged"], totals["delivered"]


def test_public_figures_follow_confirm_close_and_decline(
    client, recipient_a, packages, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = make_commitment(recipient_a, {packages["sembako"]: 30})
        second = make_commitment(recipient_a, {packages["sembako"]: 10})
    assert public_figures(client, recipient_a) == (40, 0, 40, 0)  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        services.acknowledge(commitment=first, by=cast["pj_a"])
        services.confirm_delivery(commitment=first, quantities={line_id(first): 20}, by=None)
    assert public_figures(client, recipient_a) == (20, 20, 20, 20)
    with django_capture_on_commit_callbacks(execute=True):
        services.close(commitment=first, by=cast["pj_a"])
    assert public_figures(client, recipient_a) == (10, 20, 10, 20)
    with django_capture_on_commit_callbacks(execute=True):
        services.decline(commitment=second, by=cast["pj_a"], reason="tidak perlu")
    assert public_figures(client, recipient_a) == (0, 20, 0, 20)
