"""Security headers on every kind of response: a public page, the admin, the API and a PDF."""

from __future__ import annotations

import pytest
from django.urls import reverse

from commitments.testing import make_commitment


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def responses(client, cast, recipient_a, packages):
    commitment = make_commitment(recipient_a, {packages["sembako"]: 5})
    client.force_login(cast["admin"])
    return {
        "public page": client.get(reverse("recipients:detail", args=[recipient_a.pk])),
        "admin": client.get(reverse("admin:recipients_recipient_change", args=[recipient_a.pk])),
        "api": client.get(reverse("recipients:api-status")),
        "pdf": client.get(reverse("commitments:letter", args=[commitment.token])),
    }


@pytest.mark.parametrize("kind", ["public page", "admin", "api", "pdf"])
def test_every_kind_of_response_carries_the_security_headers(responses, kind):
    response = responses[kind]
    assert response.status_code == 200
    csp = csp_directives(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    scripts = csp["script-src"]
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert not any("unsafe-eval" in values for values in csp.values())
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_admin_map_widget_runs_under_the_response_nonce(responses):
    response = responses["admin"]
    nonce = csp_directives(response["Content-Security-Policy"])["script-src"][-1]
    assert nonce.startswith("'nonce-")
    html = response.content.decode()
    assert 'nonce=""' not in html
    assert f'nonce="{nonce[7:-1]}"' in html  # django-leaflet's inline widget script


def test_the_map_pages_run_their_leaflet_script_under_the_nonce(client, recipient_a):
    response = client.get(reverse("recipients:detail", args=[recipient_a.pk]))
    nonce = csp_directives(response["Content-Security-Policy"])["script-src"][-1][7:-1]
    html = response.content.decode()
    assert html.count("<script>") == 0  # every inline script carries the nonce
    assert f'<script nonce="{nonce}">' in html


def test_the_tile_server_is_the_only_other_image_origin(settings):
    from ksbb.settings import tile_origin

    assert tile_origin("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == (
        "https://tile.openstreetmap.org"
    )
    assert tile_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png") == (
        "https://*.tile.example.org"
    )
    assert tile_origin("") == ""
