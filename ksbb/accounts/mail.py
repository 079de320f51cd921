"""Account e-mail (password reset, invitation): in the language the receiver last used."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings

from ksbb.lib.mail import queue_templated

logger = logging.getLogger(__name__)


def account_language(user: Any) -> str:
    """The language `user` last used on the portal (recipients' AccountLanguage, recorded by
    its middleware), else the portal's default."""
    # A reverse one-to-one raises a subclass of AttributeError when the row is missing.
    preference = getattr(user, "language_preference", None)
    return preference.language if preference is not None else settings.LANGUAGE_CODE


def send_account_mail(template_prefix: str, context: dict[str, Any], *, user: Any) -> bool:
    """Queue mail to `user`'s address in their language; False when that failed (logged with
    the account id only)."""
    try:
        queue_templated(
            template_prefix,
            context,
            to=[user.email],
            reference=f"user {user.pk}",
            language=account_language(user),
        )
    except Exception as error:
        logger.error(
            "account mail %s to user %s failed: %s",
            template_prefix.rsplit("/", 1)[-1],
            user.pk,
            type(error).__name__,
        )
        return False
    return True
