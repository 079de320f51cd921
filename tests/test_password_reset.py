"""Password reset by e-mail: the same answer whether or not an account has the address, a link
in the receiver's language that works once and expires, and limits per client and address."""

from __future__ import annotations

import re
from datetime import timedelta
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import TestCase
from django.urls import reverse

from recipients.models import AccountLanguage

pytestmark = pytest.mark.django_db

NEW = "a-long-new-passphrase-42"


def ask(client, email: str, **extra):
    """Ask for a reset; the mail it queues is sent when the request's work commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("password_reset"), {"email": email}, **extra)


def link_in(message) -> str:
    match = re.search(r"https?://\S+/akun/atur-ulang/\S+/", message.body)
    assert match, message.body
    return urlsplit(match.group(0)).path


def set_password(client, link: str):
    page = client.get(link, follow=True)
    assert page.context["validlink"], "the link should still work"
    return client.post(page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})


def test_known_and_unknown_addresses_get_the_same_answer(client, cast):
    known = ask(client, "pj_a@example.org")
    unknown = ask(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["pj_a@example.org"]


def test_the_mail_is_in_the_language_the_user_last_used(client, cast):
    AccountLanguage.objects.create(user=cast["pj_a"], language="en")
    ask(client, "pj_a@example.org")
    assert "Reset your KSBB Portal password" in mail.outbox[0].subject
    assert isinstance(mail.outbox[0], EmailMultiAlternatives)  # text and HTML
    assert mail.outbox[0].alternatives


def test_the_link_sets_a_new_password_once(client, cast):
    ask(client, "pj_a@example.org")
    link = link_in(mail.outbox[0])
    response = set_password(client, link)
    assert response["Location"] == reverse("password_reset_complete")
    cast["pj_a"].refresh_from_db()
    assert cast["pj_a"].check_password(NEW)
    again = client.get(link, follow=True)
    assert not again.context["validlink"]


def test_the_link_expires(client, cast, settings):
    settings.PASSWORD_RESET_TIMEOUT = 3600
    ask(client, "pj_a@example.org")
    link = link_in(mail.outbox[0])
    later = PasswordResetTokenGenerator()._now() + timedelta(seconds=3601)
    with mock.patch.object(PasswordResetTokenGenerator, "_now", return_value=later):
        assert not client.get(link, follow=True).context["validlink"]


def test_requests_are_limited_per_client(client, cast, settings):
    settings.KSBB_RATE_LIMITS = {**settings.KSBB_RATE_LIMITS, "password_reset": (2, 3600)}
    assert ask(client, "a@example.org").status_code == 302
    assert ask(client, "b@example.org").status_code == 302
    assert ask(client, "c@example.org").status_code == 429
    assert ask(client, "d@example.org", REMOTE_ADDR="10.0.0.9").status_code == 302


def test_requests_are_limited_per_address_known_or_not(client, cast, settings):
    settings.KSBB_RATE_LIMITS = {**settings.KSBB_RATE_LIMITS, "password_reset_address": (1, 3600)}
    for address in ("pj_a@example.org", "nobody@example.org"):
        assert ask(client, address, REMOTE_ADDR="10.0.0.1").status_code == 302
        response = ask(client, address.upper(), REMOTE_ADDR="10.0.0.2")
        assert response.status_code == 429
    assert len(mail.outbox) == 1
