"""Project-wide middleware: the visitor's language, a 503 when the database is overloaded, the
security headers Django does not send, and the load balancer's health check.

Django's LocaleMiddleware also follows the browser's Accept-Language, which would show English
to most phones set up in English; the portal is Indonesian first, so only the cookie counts.
The open-data API under /api/ is the same for everyone, so shared caches may keep it: it
ignores the cookie and does not vary on it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
RETRY_AFTER_SECONDS = 10


class CookieLocaleMiddleware:
    """Indonesian unless the visitor chose otherwise with the switcher."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        is_api = request.path.startswith(API_PREFIX)
        language = None if is_api else request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        if not is_api:
            response.headers["Vary"] = ", ".join(
                filter(None, [response.headers.get("Vary"), "Cookie"])
            )
        return response


class DatabaseLockedMiddleware:
    """Answer 503 with a retry message when SQLite stays locked past its busy timeout.

    On SQLite every write takes the database lock (IMMEDIATE transactions); under a burst a
    writer can wait out the timeout. That is an overload, not a bug: say so and ask to retry.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OperationalError) and "database is locked" in str(exception):
            logger.warning("database locked on %s %s", request.method, request.path)
            response = render(request, "busy.html", status=503)
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        return None


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not send: Permissions-Policy (no camera,
    microphone, geolocation, payment... for any page; settings.PERMISSIONS_POLICY)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.permissions_policy = ", ".join(
            f"{feature}=({' '.join(allow)})"
            for feature, allow in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        return response


class HealthCheckMiddleware:
    """`/healthz` for a load balancer: 200 when the database and the cache answer, else 503
    naming which one failed (no error text: it may hold a host name or a password).

    It answers before every other middleware, so it needs no session, sets no cookie, skips
    the allowed-hosts check (a balancer polls by IP address) and the HTTPS redirect, and costs
    one `SELECT 1` and one cache round trip.
    """

    PATH = "/healthz"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.rstrip("/") != self.PATH:
            return self.get_response(request)
        checks = {"database": _database_answers(), "cache": _cache_answers()}
        healthy = all(checks.values())
        response = JsonResponse(
            {name: "ok" if ok else "failed" for name, ok in checks.items()},
            status=200 if healthy else 503,
        )
        response["Cache-Control"] = "no-store"
        return response


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.warning("health check: the database does not answer", exc_info=True)
        return False


def _cache_answers() -> bool:
    key = "ksbb:healthz"
    try:
        cache.set(key, "1", 30)
        return cache.get(key) == "1"
    except Exception:
        logger.warning("health check: the cache does not answer", exc_info=True)
        return False
