"""The e-mail that follows each commitment event: who gets which mail, in whose language, and
the collaborator's contact only in mail to the recipient's PJ."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends import locmem

from commitments import notifications, services
from commitments.models import Commitment
from commitments.testing import make_commitment
from recipients.models import AccountLanguage, PersonInCharge

pytestmark = pytest.mark.django_db

PJ = Commitment.Side.PJ
DONOR = Commitment.Side.COLLABORATOR
PJ_A = "pj_a@example.org"
DONOR_EMAIL = "andi@example.com"  # commitment_fields' collaborator


@pytest.fixture
def commitment(recipient_a, packages, cast, django_capture_on_commit_callbacks) -> Commitment:
    """A pledge of 10 Paket Sembako to recipient_a (PJ: pj_a), its submission mail sent."""
    with django_capture_on_commit_callbacks(execute=True):
        commitment = make_commitment(recipient_a, {packages["sembako"]: 10})
    mail.outbox.clear()
    return commitment


def full_text(message: Any) -> str:
    """Subject, text and HTML of a mail (not its attachments)."""
    assert isinstance(message, EmailMultiAlternatives)
    html = [content for content, _ in message.alternatives]
    return "\n".join(str(part) for part in (message.subject, message.body, *html))


def run(capture: Callable, step: Callable[[], Any]) -> list[Any]:
    """Run one workflow step with its after-commit mail; the mails it sent."""
    mail.outbox.clear()
    with capture(execute=True):
        step()
    return list(mail.outbox)


def slot(commitment: Commitment, days: int = 3) -> dict[str, Any]:
    start = commitment.delivery_date + timedelta(days=days)
    return {"delivery_date": start, "deadline": start + timedelta(days=5)}


def reload(commitment: Commitment) -> Commitment:
    return Commitment.objects.get(pk=commitment.pk)


def sembako_line(commitment: Commitment) -> int:
    return commitment.lines.get().pk


# Each step: (preparation, the step whose mail is checked, who gets mail). The steps run with
# the `cast` and the commitment; "donor" is the collaborator's address, "pj" pj_a's.
STEPS: dict[str, tuple[Callable | None, Callable, list[str]]] = {
    "acknowledged -> collaborator": (
        None,
        lambda c, cast: services.acknowledge(commitment=c, by=cast["pj_a"]),
        ["donor"],
    ),
    "date proposed by the PJ -> collaborator": (
        None,
        lambda c, cast: services.propose_date(commitment=c, side=PJ, by=cast["pj_a"], **slot(c)),
        ["donor"],
    ),
    "date proposed by the collaborator -> PJ": (
        None,
        lambda c, cast: services.propose_date(commitment=c, side=DONOR, **slot(c)),
        ["pj"],
    ),
    "date accepted by the collaborator -> PJ": (
        lambda c, cast: services.propose_date(commitment=c, side=PJ, by=cast["pj_a"], **slot(c)),
        lambda c, cast: services.accept_proposal(commitment=c, side=DONOR),
        ["pj"],
    ),
    "date accepted by the PJ -> collaborator": (
        lambda c, cast: services.propose_date(commitment=c, side=DONOR, **slot(c)),
        lambda c, cast: services.accept_proposal(commitment=c, side=PJ, by=cast["pj_a"]),
        ["donor"],
    ),
    "schedule changed by the collaborator -> PJ": (
        None,
        lambda c, cast: services.change_schedule(commitment=c, **slot(c)),
        ["pj"],
    ),
    "declined -> collaborator": (
        None,
        lambda c, cast: services.decline(commitment=c, by=cast["pj_a"], reason="Sudah cukup"),
        ["donor"],
    ),
    "delivery reported -> PJ": (
        lambda c, cast: services.acknowledge(commitment=c, by=cast["pj_a"]),
        lambda c, cast: services.report_delivery(commitment=c, quantities={sembako_line(c): 10}),
        ["pj"],
    ),
    "delivery confirmed -> collaborator": (
        lambda c, cast: services.acknowledge(commitment=c, by=cast["pj_a"]),
        lambda c, cast: services.confirm_delivery(
            commitment=c, quantities={sembako_line(c): 6}, by=cast["pj_a"]
        ),
        ["donor"],
    ),
    "closed -> collaborator": (
        lambda c, cast: (
            services.acknowledge(commitment=c, by=cast["pj_a"]),
            services.confirm_delivery(
                commitment=c, quantities={sembako_line(c): 6}, by=cast["pj_a"]
            ),
        ),
        lambda c, cast: services.close(commitment=c, by=cast["pj_a"]),
        ["donor"],
    ),
    "cancelled by the collaborator -> PJ": (
        None,
        lambda c, cast: services.cancel(commitment=c, actor_label="donor"),
        ["pj"],
    ),
    "cancelled by an admin -> both": (
        None,
        lambda c, cast: services.cancel(commitment=c, by=cast["admin"]),
        ["donor", "pj"],
    ),
    "expired -> collaborator (the PJ and admins get the deadline reminder)": (
        None,
        lambda c, cast: services.expire_overdue(today=c.deadline + timedelta(days=1)),
        ["donor"],
    ),
}


@pytest.fixture(params=list(STEPS))
def step_mails(request, commitment, cast, django_capture_on_commit_callbacks) -> list[Any]:
    prepare, step, _ = STEPS[request.param]
    if prepare:
        run(django_capture_on_commit_callbacks, lambda: prepare(reload(commitment), cast))
    return run(django_capture_on_commit_callbacks, lambda: step(reload(commitment), cast))


def test_each_event_mails_the_side_it_concerns(request, step_mails):
    expected = STEPS[request.node.callspec.params["step_mails"]][2]
    addresses = {"donor": DONOR_EMAIL, "pj": PJ_A}
    assert sorted(m.to[0] for m in step_mails) == sorted(addresses[who] for who in expected)
    assert all(len(m.to) == 1 for m in step_mails)  # nobody sees another receiver's address


def test_the_collaborators_mail_has_their_private_link_and_no_contact(commitment, step_mails):
    for message in step_mails:
        if message.to == [DONOR_EMAIL]:
            text = full_text(message)
            assert commitment.private_url in text
            assert commitment.phone not in text and commitment.address not in text
            assert DONOR_EMAIL not in text and PJ_A not in text


def test_the_pjs_mail_has_the_contact_and_their_page_but_not_the_private_link(
    commitment, step_mails
):
    for message in step_mails:
        if message.to == [PJ_A]:
            text = full_text(message)
            assert commitment.token not in text
            assert notifications.pj_url(commitment) in text
            assert commitment.phone in text and DONOR_EMAIL in text
            assert "https://wa.me/6281234567890" in text


def test_the_decline_reason_goes_to_the_collaborator(
    commitment, cast, django_capture_on_commit_callbacks
):
    (message,) = run(
        django_capture_on_commit_callbacks,
        lambda: services.decline(commitment=commitment, by=cast["pj_a"], reason="Sudah tercukupi"),
    )
    assert "Sudah tercukupi" in message.body


def test_a_proposed_date_is_in_the_mail(commitment, cast, django_capture_on_commit_callbacks):
    proposal = slot(commitment)
    (message,) = run(
        django_capture_on_commit_callbacks,
        lambda: services.propose_date(commitment=commitment, side=PJ, by=cast["pj_a"], **proposal),
    )
    assert proposal["delivery_date"].strftime("%Y") in message.body
    assert str(proposal["delivery_date"].day) in message.body


def test_the_reported_quantities_are_in_the_pjs_mail(
    commitment, cast, django_capture_on_commit_callbacks
):
    run(
        django_capture_on_commit_callbacks,
        lambda: services.acknowledge(commitment=commitment, by=cast["pj_a"]),
    )
    (message,) = run(
        django_capture_on_commit_callbacks,
        lambda: services.report_delivery(
            commitment=commitment, quantities={sembako_line(commitment): 7}
        ),
    )
    assert "Paket Sembako: 7" in message.body


def test_every_current_pj_gets_the_mail_in_their_own_language(
    commitment, cast, recipient_a, django_user_model, django_capture_on_commit_callbacks
):
    second = django_user_model.objects.create_user("pj_a2", "pj-a2@example.org", "pw")
    PersonInCharge.objects.create(user=second, recipient=recipient_a)
    AccountLanguage.objects.create(user=second, language="en")
    gone = django_user_model.objects.create_user("pj_old", "pj-old@example.org", "pw")
    PersonInCharge.objects.create(
        user=gone,
        recipient=recipient_a,
        start=commitment.delivery_date - timedelta(days=400),
        end=commitment.delivery_date - timedelta(days=300),
    )
    mails = run(
        django_capture_on_commit_callbacks,
        lambda: services.propose_date(commitment=commitment, side=DONOR, **slot(commitment)),
    )
    by_address = {m.to[0]: m for m in mails}
    assert set(by_address) == {PJ_A, "pj-a2@example.org"}  # not the PJ whose link ended
    assert by_address["pj-a2@example.org"].subject.startswith("New delivery date proposed")
    assert not by_address[PJ_A].subject.startswith("New delivery date proposed")


def test_a_collaborator_who_used_english_gets_english_mail(
    recipient_a, packages, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        commitment = make_commitment(recipient_a, {packages["sembako"]: 5}, language="en")
    (message,) = run(
        django_capture_on_commit_callbacks,
        lambda: services.acknowledge(commitment=commitment, by=cast["pj_a"]),
    )
    assert message.subject == f"Commitment {commitment.number} acknowledged"


def test_an_indonesian_collaborator_gets_indonesian_mail(
    commitment, cast, django_capture_on_commit_callbacks
):
    (message,) = run(
        django_capture_on_commit_callbacks,
        lambda: services.acknowledge(commitment=commitment, by=cast["pj_a"]),
    )
    assert commitment.number in message.subject
    assert "acknowledged" not in message.subject


def test_a_recipient_without_a_pj_account_is_told_at_its_registered_address(
    recipient_b, packages, django_capture_on_commit_callbacks
):
    recipient_b.pj_email = "panti@example.org"
    recipient_b.save()
    with django_capture_on_commit_callbacks(execute=True):
        commitment = make_commitment(recipient_b, {packages["siap-saji"]: 5})
    (message,) = run(
        django_capture_on_commit_callbacks,
        lambda: services.propose_date(commitment=commitment, side=DONOR, **slot(commitment)),
    )
    assert message.to == ["panti@example.org"]
    assert commitment.verification_url in message.body  # no account: the public page


def test_a_failed_mail_is_logged_without_the_address_and_the_change_stands(
    commitment, cast, caplog, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError(f"550 {DONOR_EMAIL} unknown user")

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", refuse)
    with caplog.at_level(logging.INFO):
        run(
            django_capture_on_commit_callbacks,
            lambda: services.acknowledge(commitment=commitment, by=cast["pj_a"]),
        )
    assert reload(commitment).status == Commitment.Status.ACKNOWLEDGED
    assert commitment.number in caplog.text and "ConnectionRefusedError" in caplog.text
    assert DONOR_EMAIL not in caplog.text and commitment.phone not in caplog.text


def test_an_unknown_action_sends_nothing(commitment, caplog):
    with caplog.at_level(logging.WARNING):
        notifications.notify(commitment.pk, "teleported")
    assert mail.outbox == []
    assert "teleported" in caplog.text


def test_a_failure_before_sending_is_logged_and_the_change_stands(
    commitment, cast, caplog, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError(f"cannot read {DONOR_EMAIL}")

    monkeypatch.setattr(notifications, "_context", broken)
    with caplog.at_level(logging.INFO):
        run(
            django_capture_on_commit_callbacks,
            lambda: services.acknowledge(commitment=commitment, by=cast["pj_a"]),
        )
    assert reload(commitment).status == Commitment.Status.ACKNOWLEDGED
    assert "RuntimeError" in caplog.text and DONOR_EMAIL not in caplog.text
