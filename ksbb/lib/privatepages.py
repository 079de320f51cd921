"""Headers for a page reached through a private link (a donor's pledge, a reporter's complaint):
the link is its holder's key, so it stays out of caches, other sites' referrers and search
engines."""

from __future__ import annotations

from typing import TypeVar

from django.http import HttpResponseBase

R = TypeVar("R", bound=HttpResponseBase)


def private_headers(response: R) -> R:
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response
