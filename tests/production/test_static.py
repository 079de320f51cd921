"""Static files in production: collectstatic's hashed names, served by nginx for a year."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

HASHED = re.compile(r"^/static/.+\.[0-9a-f]{12}\.(css|js|woff2?|png|svg)$")


def test_pages_link_static_files_by_hashed_name(page, portal, traffic):
    page.goto(portal.url + "/")
    page.wait_for_load_state("networkidle")
    assets = page.eval_on_selector_all(
        "link[rel=stylesheet][href], script[src]",
        "elements => elements.map(e => e.getAttribute('href') || e.getAttribute('src'))",
    )
    local = [urlsplit(url).path for url in assets if urlsplit(url).path.startswith("/static/")]
    assert local, "the home page links no static file"
    unhashed = [path for path in local if not HASHED.match(path)]
    assert not unhashed, f"static files linked without a content hash: {unhashed}"

    responses = traffic.matching(lambda response: urlsplit(response.url).path in local)
    assert {urlsplit(response.url).path for response in responses} == set(local)
    for response in responses:
        assert response.status == 200, response.url
        assert "immutable" in response.headers["cache-control"], response.url


def test_static_files_never_reach_django(page, portal):
    page.goto(portal.url + "/")
    page.wait_for_load_state("networkidle")
    assert "GET /static/" not in portal.requests_seen_by_django()
