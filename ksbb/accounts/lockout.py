"""django-axes hooks (settings AXES_*): the account name attempts are counted under, and the
lock-out page. Unknown and known accounts are counted and answered alike."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def attempted_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The account name as typed, trimmed and in lower case, so that "Budi" and "budi " count
    as one account."""
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    value = (credentials or {}).get(field) or getattr(request, "POST", {}).get(field)
    if not value:
        return None
    return str(value).strip().lower() or None


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """429 with a page that says how long to wait (the admin's login gets it too)."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    response = render(
        request,
        "registration/locked_out.html",
        {"minutes": max(1, seconds // 60)},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response
