"""Lock-out after repeated failed logins (django-axes, counted in the cache): per account and
per client, on the portal's and the admin's login, with one message whether or not the
account exists."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.AXES_FAILURE_LIMIT = 3


def attempt(client, username: str, password: str = "wrong", ip: str = "10.0.0.1", url=None):
    return client.post(
        url or reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


def test_an_account_is_locked_after_repeated_failures_from_any_client(client, cast):
    for n in range(3):
        attempt(client, "pj_a", ip=f"10.0.1.{n}")
    response = attempt(client, "pj_a", password="pw", ip="10.0.2.1")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert int(response["Retry-After"]) > 0
    # Another account from yet another client still logs in.
    assert attempt(client, "pj_b", password="pw", ip="10.0.3.1").status_code == 302


def test_a_client_is_locked_after_failures_on_many_accounts(client, cast):
    for name in ("x1", "x2", "x3"):
        attempt(client, name, ip="10.0.0.7")
    assert attempt(client, "pj_b", password="pw", ip="10.0.0.7").status_code == 429
    assert attempt(client, "pj_b", password="pw", ip="10.0.0.8").status_code == 302


def test_the_account_name_counts_whatever_its_case(client, cast):
    for n, name in enumerate(("PJ_A", "pj_a ", "Pj_A")):
        attempt(client, name, ip=f"10.0.4.{n}")
    assert attempt(client, "pj_a", password="pw", ip="10.0.5.1").status_code == 429


def test_unknown_and_known_accounts_get_the_same_lock_out(client, cast, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    pages: dict[str, str] = {}
    for name in ("pj_a", "nobody"):
        for n in range(3):
            attempt(client, name, ip=f"10.1.{len(pages)}.{n}")
        response = attempt(client, name, ip=f"10.2.{len(pages)}.1")
        assert response.status_code == 429
        # The CSRF token of the language switcher differs on every page.
        pages[name] = re.sub(
            r'name="csrfmiddlewaretoken" value="\w+"', "", response.content.decode()
        )
    assert pages["pj_a"] == pages["nobody"]
    assert "Too many failed attempts" in pages["nobody"]
    assert "pj_a" not in pages["pj_a"]


def test_the_admin_login_is_locked_out_too(client, cast):
    url = reverse("admin:login")
    for n in range(3):
        attempt(client, "admin", ip=f"10.0.6.{n}", url=url)
    assert attempt(client, "admin", password="pw", ip="10.0.7.1", url=url).status_code == 429


def test_the_client_is_the_address_the_trusted_proxy_saw(client, cast, settings):
    settings.KSBB_TRUSTED_PROXIES = 1
    for n in range(3):
        client.post(
            reverse("login"),
            {"username": f"y{n}", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.5",
        )
    locked = client.post(
        reverse("login"),
        {"username": "pj_a", "password": "pw"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    other = client.post(
        reverse("login"),
        {"username": "pj_b", "password": "pw"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.6",
    )
    assert locked.status_code == 429
    assert other.status_code == 302


def test_failures_below_the_limit_do_not_lock(client, cast):
    attempt(client, "pj_a")
    attempt(client, "pj_a")
    assert attempt(client, "pj_a", password="pw").status_code == 302
