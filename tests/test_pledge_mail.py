"""The e-mail after a pledge: to the donor with the letter and to the recipient's PJs, each in
their language, and never a contact detail in a log."""

from __future__ import annotations

import logging

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.urls import reverse

from commitments import notifications
from commitments.models import Commitment
from commitments.notifications import send_submission_mail
from recipients.models import AccountLanguage
from tests.test_notifications import full_text
from tests.test_pledge_views import form_data

pytestmark = pytest.mark.django_db


def test_a_donor_who_used_english_gets_english_mail_and_the_pj_indonesian(
    client, settings, recipient_a, django_capture_on_commit_callbacks
):
    recipient_a.pj_email = "pj-a@example.org"
    recipient_a.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("commitments:create", args=[recipient_a.pk]), form_data())
    assert Commitment.objects.get().language == "en"
    donor, pj = mail.outbox
    assert donor.subject.startswith("Your KSBB commitment")
    assert not pj.subject.startswith("Your KSBB commitment") and "KSBB" in pj.subject


def test_an_indonesian_donor_gets_indonesian_mail(
    client, recipient_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("commitments:create", args=[recipient_a.pk]), form_data())
    assert Commitment.objects.get().language == "id"
    (donor,) = mail.outbox
    assert not donor.subject.startswith("Your KSBB commitment")


def test_a_failed_mail_is_logged_without_the_address(
    client, recipient_a, caplog, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("commitments:create", args=[recipient_a.pk]), form_data())
    commitment = Commitment.objects.get()

    class Refused(Exception):
        pass

    def refuse(*args, **kwargs):
        raise Refused(f"550 {commitment.email} unknown user")

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", refuse)
    with caplog.at_level(logging.INFO):
        send_submission_mail(commitment)
    assert commitment.number in caplog.text
    assert commitment.email not in caplog.text
    assert commitment.phone not in caplog.text


def test_a_new_pledge_goes_to_the_pj_accounts_instead_of_the_registered_address(
    client, recipient_a, cast, django_capture_on_commit_callbacks
):
    recipient_a.pj_email = "pj-a@example.org"
    recipient_a.save()
    AccountLanguage.objects.create(user=cast["pj_a"], language="en")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("commitments:create", args=[recipient_a.pk]), form_data())
    commitment = Commitment.objects.get()
    donor, pj = mail.outbox
    assert donor.to == [commitment.email] and donor.attachments
    assert pj.to == ["pj_a@example.org"] and not pj.attachments
    assert pj.subject == f"New commitment {commitment.number} for {recipient_a.name}"
    assert commitment.phone in pj.body and commitment.email in pj.body
    assert notifications.pj_url(commitment) in pj.body
    assert commitment.token not in pj.body


def test_the_pj_of_another_recipient_is_not_told(
    client, recipient_a, recipient_b, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("commitments:create", args=[recipient_a.pk]), form_data())
    assert sorted(m.to[0] for m in mail.outbox) == ["pj_a@example.org", "rina@example.com"]


def test_the_donors_confirmation_shows_none_of_their_contact_in_its_text(
    client, recipient_a, django_capture_on_commit_callbacks
):
    # The attached letter is the donor's own signed form and carries their contact by design.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("commitments:create", args=[recipient_a.pk]), form_data())
    commitment = Commitment.objects.get()
    (donor,) = mail.outbox
    text = full_text(donor)
    for private in (commitment.phone, commitment.email, commitment.address):
        assert private not in text
