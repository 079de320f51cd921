"""Response headers in production, as a browser gets them through nginx.

New header rules (Content-Security-Policy, Permissions-Policy, Cross-Origin-Opener-Policy...)
go in EXPECTED; each is then checked on every URL of PAGES.
"""

from __future__ import annotations

import http.client
import ssl
import urllib.request

import pytest

# One page of each kind: public HTML, the admin, the JSON API, a list page.
PAGES = ["/", "/admin/login/", "/api/v1/status.json", "/penerima/"]
EXPECTED = {
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# Headers whose value is checked in part: the CSP carries a fresh nonce per response.
CONTAINS = {
    "Content-Security-Policy": ["default-src 'self'", "object-src 'none'"],
    "Permissions-Policy": ["camera=()", "geolocation=()"],
}


def get(url: str) -> http.client.HTTPResponse:
    # The lane's certificate is made for the run: no CA vouches for it.
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return urllib.request.urlopen(url, context=context, timeout=10)


@pytest.mark.parametrize("path", PAGES)
def test_security_headers(portal, path):
    with get(portal.url + path) as response:
        assert response.status == 200
        for name, value in EXPECTED.items():
            assert response.headers.get(name) == value, f"{name} on {path}"
        for name, parts in CONTAINS.items():
            for part in parts:
                assert part in (response.headers.get(name) or ""), f"{name} on {path}"
        assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
