"""The invitation link's token: Django's password-reset token (bound to the password hash and
last_login, so it works once) with its own salt and its own lifetime, KSBB_INVITATION_DAYS."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """A reset token can never open an invitation, nor the reverse (different salt)."""

    key_salt = "ksbb.accounts.tokens.InvitationTokenGenerator"

    @property
    def timeout(self) -> int:
        return settings.KSBB_INVITATION_DAYS * 24 * 3600

    def check_token(self, user: Any, token: str | None) -> bool:
        # Django's check_token with the invitation's lifetime instead of PASSWORD_RESET_TIMEOUT.
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            timestamp = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return self._num_seconds(self._now()) - timestamp <= self.timeout


invitation_token_generator = InvitationTokenGenerator()


def invitation_url(user: Any) -> str:
    """A fresh invitation link for `user`, absolute (for e-mail), valid KSBB_INVITATION_DAYS."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("invitation_accept", args=[uid, invitation_token_generator.make_token(user)])
    return f"{settings.SITE_ROOT}{path}"
