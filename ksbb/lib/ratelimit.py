"""A per-client request counter in the Django cache (Redis in production, shared by all
app processes); the limits per scope are the setting KSBB_RATE_LIMITS."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or the address the trusted reverse proxies saw (KSBB_TRUSTED_PROXIES)."""
    proxies = settings.KSBB_TRUSTED_PROXIES
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def limits(scope: str) -> tuple[int, int]:
    """(requests, seconds) allowed per client for `scope`, e.g. "pledge"."""
    return settings.KSBB_RATE_LIMITS[scope]


def is_limited(request: HttpRequest, scope: str, *, key: str | None = None) -> bool:
    """Count this request; True once the client went over the limit of the current window.

    `key` counts something other than the client's address (e.g. the e-mail address a reset
    is asked for): it is hashed, so no personal data goes into a cache key.
    """
    limit, period = limits(scope)
    window = int(time.time() // period)
    who = client_ip(request) if key is None else hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"ratelimit:{scope}:{who}:{window}"
    cache.add(cache_key, 0, period)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, period)
        count = 1
    return count > limit


def too_many_requests(request: HttpRequest, scope: str) -> HttpResponse:
    """The 429 page, with Retry-After set to the end of the current window."""
    _limit, period = limits(scope)
    response = render(request, "too_many_requests.html", status=429)
    response["Retry-After"] = str(period - int(time.time()) % period)
    return response
