"""Project-wide middleware: the visitor's language, and a 503 when the database is overloaded.

Django's LocaleMiddleware also follows the browser's Accept-Language, which would show English
to most phones set up in English; the portal is Indonesian first, so only the cookie counts.
The open-data API under /api/ is the same for everyone, so shared caches may keep it: it
ignores the cookie and does not vary on it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
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
