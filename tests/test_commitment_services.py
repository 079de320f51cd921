"""The commitment workflows: reservation against needs, every status transition, expiry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from commitments import services
from commitments.models import Commitment, CommitmentEvent, NumberCounter
from commitments.testing import commitment_fields, make_commitment
from recipients.models import Need

pytestmark = pytest.mark.django_db


@pytest.fixture
def sembako(packages):
    return packages["sembako"]


@pytest.fixture
def need(recipient_a, sembako) -> Need:
    return Need.objects.get(recipient=recipient_a, package=sembako)


def _need(need: Need) -> tuple[int, int]:
    need.refresh_from_db()
    return need.pledged, need.delivered


def test_submit_reserves_quantity_and_numbers_the_commitment(recipient_a, sembako, need):
    commitment = make_commitment(recipient_a, {sembako: 30})
    year = timezone.localdate().year
    assert commitment.number == f"KSBB-{year}-000001"
    assert commitment.status == Commitment.Status.SUBMITTED
    assert _need(need) == (30, 0)
    assert list(commitment.events.values_list("action", flat=True)) == ["submitted"]
    assert len(commitment.token) >= 40


def test_numbers_count_up_per_year(recipient_a, sembako):
    first = make_commitment(recipient_a, {sembako: 1})
    second = make_commitment(recipient_a, {sembako: 1})
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1
    assert NumberCounter.next_number(2031) == "KSBB-2031-000001"


def test_pledge_over_the_remaining_need_reserves_nothing(recipient_a, sembako, need):
    make_commitment(recipient_a, {sembako: 100})
    with pytest.raises(services.AlreadyCovered) as covered:
        make_commitment(recipient_a, {sembako: 21})
    assert covered.value.shortfalls[0].remaining == 20
    assert _need(need) == (100, 0)
    assert Commitment.objects.count() == 1


def test_pledge_for_a_package_the_recipient_does_not_need_is_refused(recipient_a, packages):
    with pytest.raises(services.AlreadyCovered) as covered:
        make_commitment(recipient_a, {packages["lebaran"]: 1})
    assert covered.value.shortfalls[0].remaining == 0


def test_exactly_the_remaining_need_can_be_pledged_and_then_it_is_met(recipient_a, sembako, need):
    make_commitment(recipient_a, {sembako: 120})
    need.refresh_from_db()
    assert need.is_met
    assert not Need.objects.unmet().filter(pk=need.pk).exists()


def test_database_refuses_an_over_reserved_need(need):
    with pytest.raises(IntegrityError), transaction.atomic():
        Need.objects.filter(pk=need.pk).update(pledged=need.quantity + 1)


def test_admin_cannot_lower_a_need_below_what_is_pledged(recipient_a, sembako, need):
    from django.core.exceptions import ValidationError

    make_commitment(recipient_a, {sembako: 50})
    need.refresh_from_db()
    need.quantity = 40
    with pytest.raises(ValidationError) as error:
        need.full_clean()
    assert error.value.error_dict["quantity"][0].code == "below_reserved"


def test_acknowledge_then_partial_delivery_then_close_releases_the_rest(
    recipient_a, sembako, need, cast
):
    commitment = make_commitment(recipient_a, {sembako: 30})
    services.acknowledge(commitment=commitment, by=cast["admin"])
    line = commitment.lines.get()
    commitment = services.confirm_delivery(
        commitment=commitment, quantities={line.pk: 20}, by=cast["admin"]
    )
    assert commitment.status == Commitment.Status.DELIVERED
    assert _need(need) == (10, 20)
    commitment = services.close(commitment=commitment, by=cast["admin"])
    assert commitment.status == Commitment.Status.DONE
    assert commitment.done_at is not None
    assert _need(need) == (0, 20)
    events = list(commitment.events.values_list("action", "actor__username"))
    assert events == [
        ("submitted", None),
        ("acknowledged", "admin"),
        ("delivery", "admin"),
        ("done", "admin"),
    ]


def test_two_partial_deliveries_add_up(recipient_a, sembako, need):
    commitment = make_commitment(recipient_a, {sembako: 30})
    services.acknowledge(commitment=commitment, by=None)
    line = commitment.lines.get()
    services.confirm_delivery(commitment=commitment, quantities={line.pk: 10}, by=None)
    services.confirm_delivery(commitment=commitment, quantities={line.pk: 20}, by=None)
    line.refresh_from_db()
    assert line.delivered == 30
    assert _need(need) == (0, 30)


def test_delivery_over_the_pledged_quantity_is_refused(recipient_a, sembako, need):
    commitment = make_commitment(recipient_a, {sembako: 30})
    services.acknowledge(commitment=commitment, by=None)
    line = commitment.lines.get()
    with pytest.raises(ValueError):
        services.confirm_delivery(commitment=commitment, quantities={line.pk: 31}, by=None)
    assert _need(need) == (30, 0)


def test_cancel_releases_everything(recipient_a, sembako, need):
    commitment = make_commitment(recipient_a, {sembako: 30})
    commitment = services.cancel(commitment=commitment, actor_label="donor")
    assert commitment.status == Commitment.Status.CANCELLED
    assert not commitment.is_valid
    assert _need(need) == (0, 0)
    event = commitment.events.last()
    assert event is not None and event.actor_label == "donor"


@pytest.mark.parametrize(
    ("step", "allowed_from"),
    [
        ("acknowledge", {"submitted"}),
        ("cancel", {"submitted", "acknowledged"}),
        ("close", {"delivered"}),
        ("deliver", {"acknowledged", "delivered"}),
    ],
)
def test_transitions_are_refused_from_other_statuses(
    recipient_a, sembako, need, step, allowed_from
):
    steps: dict[str, Callable[[Commitment], object]] = {
        "acknowledge": lambda c: services.acknowledge(commitment=c, by=None),
        "cancel": lambda c: services.cancel(commitment=c),
        "close": lambda c: services.close(commitment=c, by=None),
        "deliver": lambda c: services.confirm_delivery(
            commitment=c, quantities={c.lines.get().pk: 1}, by=None
        ),
    }
    call = steps[step]
    for status in Commitment.Status.values:
        commitment = make_commitment(recipient_a, {sembako: 1})
        Commitment.objects.filter(pk=commitment.pk).update(status=status)
        commitment.refresh_from_db()
        if status in allowed_from:
            call(commitment)
        else:
            with pytest.raises(services.TransitionNotAllowed):
                call(commitment)


def test_a_stale_instance_cannot_cancel_twice(recipient_a, sembako, need):
    commitment = make_commitment(recipient_a, {sembako: 30})
    stale = Commitment.objects.get(pk=commitment.pk)
    services.cancel(commitment=commitment)
    with pytest.raises(services.TransitionNotAllowed):
        services.cancel(commitment=stale)
    assert _need(need) == (0, 0)


def test_expiry_releases_overdue_pledges_and_a_second_run_does_nothing(recipient_a, sembako, need):
    today = timezone.localdate()
    overdue = make_commitment(recipient_a, {sembako: 30})
    Commitment.objects.filter(pk=overdue.pk).update(
        delivery_date=today - timedelta(days=5), deadline=today - timedelta(days=1)
    )
    on_time = make_commitment(recipient_a, {sembako: 10})
    assert services.expire_overdue(today=today) == [overdue.number]
    overdue.refresh_from_db()
    assert overdue.status == Commitment.Status.EXPIRED
    assert overdue.expired_at is not None
    assert _need(need) == (10, 0)
    assert services.expire_overdue(today=today) == []
    assert _need(need) == (10, 0)
    assert CommitmentEvent.objects.filter(action="expired").count() == 1
    on_time.refresh_from_db()
    assert on_time.status == Commitment.Status.SUBMITTED


def test_expire_commitments_command_is_safe_to_run_twice(
    recipient_a, sembako, need, capsys, english
):
    commitment = make_commitment(recipient_a, {sembako: 30})
    yesterday = timezone.localdate() - timedelta(days=1)
    Commitment.objects.filter(pk=commitment.pk).update(delivery_date=yesterday, deadline=yesterday)
    call_command("expire_commitments")
    call_command("expire_commitments")
    out = capsys.readouterr().out
    assert f"expired {commitment.number}" in out
    assert "1 commitment expired" in out
    assert "0 commitments expired" in out
    assert _need(need) == (0, 0)


def test_delivered_commitments_do_not_expire(recipient_a, sembako, need):
    commitment = make_commitment(recipient_a, {sembako: 30})
    services.acknowledge(commitment=commitment, by=None)
    services.confirm_delivery(
        commitment=commitment, quantities={commitment.lines.get().pk: 5}, by=None
    )
    later = timezone.localdate() + timedelta(days=30)
    assert services.expire_overdue(today=later) == []


def test_database_refuses_a_deadline_before_the_delivery_date(recipient_a):
    today = timezone.localdate()
    fields = commitment_fields(recipient_a, delivery_date=today, deadline=today - timedelta(1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.create(number="X-1", **fields)


def test_least_served_nearby_needs_come_same_kelurahan_first(
    areas, recipient_a, recipient_b, packages
):
    from recipients.models import Recipient

    sembako = packages["sembako"]
    near = Recipient.objects.create(
        kind="panti_jompo", name="Werdha Dekat", area=areas["kelurahan_a"]
    )
    Need.objects.create(recipient=near, package=sembako, quantity=10, pledged=9)
    far = Recipient.objects.create(
        kind="panti_jompo", name="Werdha Jauh", area=areas["kelurahan_b"]
    )
    Need.objects.create(recipient=far, package=sembako, quantity=10)
    names = [n.recipient.name for n in Need.objects.nearby(recipient_a).filter(package=sembako)]
    assert names == ["Werdha Dekat", "Werdha Jauh"]


def test_a_pledge_refreshes_the_cached_map_figures(
    client, recipient_a, sembako, django_capture_on_commit_callbacks
):
    url = reverse("recipients:api-status")
    assert client.get(url).json()["totals"]["pledged"] == 0  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        make_commitment(recipient_a, {sembako: 30})
    assert client.get(url).json()["totals"]["pledged"] == 30
