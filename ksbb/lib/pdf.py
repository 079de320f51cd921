"""PDF rendering with WeasyPrint, offline: only local files and data: URLs are ever fetched.

Fonts ship under static/fonts/, so a letter looks the same on every server and rendering never
waits on the network (a remote URL in a template would otherwise stall a request).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
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


def base_url() -> str:
    """Relative URLs in PDF templates and stylesheets (fonts, images) resolve to static files."""
    return Path(settings.STATICFILES_DIRS[0]).resolve().as_uri() + "/"


# Pango and Fontconfig objects are not thread-safe: each thread keeps its own.
_local = threading.local()


def font_config() -> FontConfiguration:
    """This thread's font configuration, kept across renders.

    A new one per render (WeasyPrint's default) rebuilds the Fontconfig set and Pango's font
    map, loads the @font-face files again and starts with cold glyph caches.
    """
    if not hasattr(_local, "font_config"):
        _local.font_config = FontConfiguration()
    return _local.font_config


def url_fetcher() -> LocalOnlyFetcher:
    """This thread's fetcher, kept across renders.

    Building one sets up urllib's handlers, an SSL context among them (~0.6 ms), at every render;
    it keeps per-request state while fetching, hence one per thread.
    """
    if not hasattr(_local, "url_fetcher"):
        _local.url_fetcher = LocalOnlyFetcher()
    return _local.url_fetcher


def stylesheet(template_name: str) -> CSS:
    """A stylesheet template, rendered and parsed once per thread (its @font-face included).

    Parsing the letter's CSS and compiling its selectors took longer than laying out a short
    paragraph, at every render. Edits to the file need a restart, like edits to Python code.
    """
    cache = _local.__dict__.setdefault("stylesheets", {})
    if template_name not in cache:
        cache[template_name] = CSS(
            string=render_to_string(template_name),
            base_url=base_url(),
            url_fetcher=url_fetcher(),
            font_config=font_config(),
        )
    return cache[template_name]


# The user-agent stylesheet for our PDFs: what the HTML elements a print template uses need
# before its own stylesheet (which sets every margin and size). WeasyPrint's full HTML5 one
# (~250 rules, with attribute and :is() selectors, bookmarks and 16 page-margin boxes) is
# matched against every element at every render: ~15 % of a pledge letter's time.
PDF_UA_CSS = """
[hidden], head, link, meta, script, style, template, title { display: none }
html, body, address, article, aside, blockquote, div, dl, dd, dt, figure, figcaption, footer,
h1, h2, h3, h4, h5, h6, header, hr, main, nav, ol, p, pre, section, ul { display: block }
li { display: list-item }
table { display: table; border-collapse: separate }
caption { display: table-caption }
colgroup { display: table-column-group }
col { display: table-column }
thead { display: table-header-group }
tbody { display: table-row-group }
tfoot { display: table-footer-group }
tr { display: table-row }
td, th { display: table-cell; vertical-align: inherit }
b, strong, th, h1, h2, h3, h4, h5, h6 { font-weight: bold }
i, em { font-style: italic }
h1, h2, h3, h4, h5, h6 { break-after: avoid; break-inside: avoid }
pre { white-space: pre }
sub { vertical-align: sub; font-size: smaller }
sup { vertical-align: super; font-size: smaller }
ol, ul { padding-left: 40px }
ol { list-style-type: decimal }
"""


class PdfHTML(HTML):
    """An HTML document rendered with PDF_UA_CSS as its user-agent stylesheet.

    WeasyPrint has no public switch for this; `_ua_stylesheets` is its hook. Should a future
    version rename it, the override goes unused: rendering stays correct, only slower.
    """

    def _ua_stylesheets(self, forms: bool = False) -> list[CSS]:
        if not hasattr(_local, "ua_stylesheet"):
            _local.ua_stylesheet = CSS(string=PDF_UA_CSS)
        return [_local.ua_stylesheet]


def html_to_pdf(html: str, stylesheets: Sequence[CSS] = ()) -> bytes:
    document = PdfHTML(string=html, base_url=base_url(), url_fetcher=url_fetcher())
    return document.write_pdf(stylesheets=list(stylesheets), font_config=font_config())


def render_pdf(template_name: str, context: dict, css_template: str | None = None) -> bytes:
    """Render a Django template to PDF bytes, styled by `css_template` if given."""
    sheets = [stylesheet(css_template)] if css_template else []
    return html_to_pdf(render_to_string(template_name, context), sheets)
