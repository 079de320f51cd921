"""The password reset form, mailing the link through the portal's templated e-mail."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.urls import reverse

from ksbb.accounts.mail import send_account_mail


class PortalPasswordResetForm(PasswordResetForm):
    """Django's form (it answers the same whether or not the address has an account) with
    the link built on SITE_ROOT and the mail in the receiver's language."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user = context["user"]
        path = reverse("password_reset_confirm", args=[context["uid"], context["token"]])
        send_account_mail(
            "registration/email/password_reset",
            {"user": user, "url": f"{settings.SITE_ROOT}{path}"},
            user=user,
        )
