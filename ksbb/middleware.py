"""Language selection: Indonesian unless the visitor chose otherwise with the switcher.

Django's LocaleMiddleware also follows the browser's Accept-Language, which would show English
to most phones set up in English; the portal is Indonesian first, so only the cookie counts.
The open-data API under /api/ is the same for everyone, so shared caches may keep it: it
ignores the cookie and does not vary on it.
"""

from django.conf import settings
from django.utils import translation

API_PREFIX = "/api/"


class CookieLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
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
