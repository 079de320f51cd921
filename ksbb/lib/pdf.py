"""PDF rendering with WeasyPrint, offline: only local files and data: URLs are ever fetched.

Fonts ship under static/fonts/, so a letter looks the same on every server and rendering never
waits on the network (a remote URL in a template would otherwise stall a request).
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

# WeasyPrint logs each rendering step at INFO; one line per step per letter is noise.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class LocalOnlyFetcher(URLFetcher):
    """Serves data: URLs and files under the project's static directories; refuses the rest."""

    def __init__(self, roots: list[Path] | None = None, **kwargs):
        super().__init__(**kwargs)
        self.roots = [root.resolve() for root in (roots or static_roots())]

    def fetch(self, url: str, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(unquote(urlsplit(url).path)).resolve()
            if any(path.is_relative_to(root) for root in self.roots):
                return super().fetch(url, headers)
        raise ValueError(f"refused to fetch {url!r}: the PDF renderer works offline")


def static_roots() -> list[Path]:
    return [Path(p) for p in settings.STATICFILES_DIRS] + [Path(settings.STATIC_ROOT)]


def static_file_url(path: str) -> str:
    """A file:// URL of a static file (e.g. "fonts/noto-sans/...woff2") for templates."""
    found = finders.find(path)
    if not found:
        raise FileNotFoundError(path)
    return Path(found).resolve().as_uri()


def html_to_pdf(html: str) -> bytes:
    base = Path(settings.STATICFILES_DIRS[0]).resolve().as_uri() + "/"
    return HTML(string=html, base_url=base, url_fetcher=LocalOnlyFetcher()).write_pdf()


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a Django template to PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context))
