"""Records the language each logged-in account last used (AccountLanguage): their e-mail is
written in it. Runs after the locale and authentication middleware."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from ksbb.middleware import API_PREFIX
from recipients.models import AccountLanguage

CACHE_KEY = "ksbb:account-language:{}"
# The cached copy only saves a database read; the table stays the truth.
CACHE_SECONDS = 24 * 3600


class AccountLanguageMiddleware:
    """Writes only when the language changed: the last value is cached per user, so a request
    costs one cache read (and no database query) while the language stays the same."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = getattr(request, "LANGUAGE_CODE", None)
        # Reading request.user reads the session, which adds "Vary: Cookie": not for visitors
        # without a session, nor for the open-data API that shared caches keep.
        has_session = settings.SESSION_COOKIE_NAME in request.COOKIES
        if (
            language
            and has_session
            and not request.path.startswith(API_PREFIX)
            and request.user.is_authenticated
        ):
            remember_language(request.user.pk, language)
        return self.get_response(request)


def remember_language(user_id: int, language: str) -> None:
    key = CACHE_KEY.format(user_id)
    if cache.get(key) == language:
        return
    stored = (
        AccountLanguage.objects.filter(user_id=user_id).values_list("language", flat=True).first()
    )
    if stored is None:
        # get_or_create: two first requests of one user may race.
        AccountLanguage.objects.get_or_create(user_id=user_id, defaults={"language": language})
    elif stored != language:
        AccountLanguage.objects.filter(user_id=user_id).update(language=language)
    cache.set(key, language, CACHE_SECONDS)
