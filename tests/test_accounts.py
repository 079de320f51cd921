"""Login, logout, password change and the landing page of each role, in the portal's look."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def en_client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def pj_page() -> str:
    """The PJ's page once the commitments app has it, the home page until then."""
    try:
        return reverse("commitments:pj-dashboard")
    except NoReverseMatch:
        return reverse("recipients:home")


def log_in(client, username: str, password: str = "pw", **extra: str):
    return client.post(reverse("login"), {"username": username, "password": password, **extra})


def test_login_page_is_the_portals_not_the_admins(client):
    response = client.get(reverse("login"))
    body = response.content.decode()
    assert response.status_code == 200
    assert reverse("login") == "/akun/masuk/"
    assert 'name="username"' in body and 'name="password"' in body
    assert "vendor/bootstrap" in body  # templates/base.html
    assert "admin/css" not in body


def test_login_url_setting_points_at_the_portal(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize(
    ("who", "landing"),
    [
        ("pj_a", pj_page),
        ("admin", lambda: reverse("admin:index")),
        ("officer", lambda: reverse("recipients:home")),
    ],
)
def test_each_role_lands_on_its_page(client, cast, recipient_a, who, landing):
    response = log_in(client, who)
    assert response.status_code == 302
    assert response["Location"] == landing()


def test_a_pj_whose_link_ended_lands_on_the_home_page(client, cast, recipient_a):
    cast["pj_a"].responsibilities.update(end="2000-01-01", start="1999-01-01")
    response = log_in(client, "pj_a")
    assert response["Location"] == reverse("recipients:home")


def test_a_safe_next_wins_over_the_landing_page(client, cast, recipient_a):
    target = reverse("commitments:list")
    response = log_in(client, "pj_a", next=target)
    assert response["Location"] == target


def test_a_next_to_another_site_is_ignored(client, cast, recipient_a):
    response = log_in(client, "officer", next="https://evil.example.com/")
    assert response["Location"] == reverse("recipients:home")


def test_a_wrong_password_is_a_clear_error_that_keeps_the_name(en_client, cast):
    response = log_in(en_client, "pj_a", password="wrong")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Please enter a correct username and password" in body
    assert 'value="pj_a"' in body
    assert "_auth_user_id" not in en_client.session


def test_the_same_error_for_an_unknown_account(en_client, cast):
    known = log_in(en_client, "pj_a", password="wrong").context["form"].errors
    unknown = log_in(en_client, "nobody", password="wrong").context["form"].errors
    assert known == unknown


def test_logout_is_a_post_that_ends_the_session(client, cast):
    client.force_login(cast["officer"])
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("recipients:home")
    assert "_auth_user_id" not in client.session


def test_anonymous_visitors_see_a_login_link(en_client):
    body = en_client.get(reverse("recipients:list")).content.decode()
    assert f'href="{reverse("login")}"' in body
    assert reverse("logout") not in body


def test_logged_in_users_see_their_name_password_change_and_logout(en_client, cast):
    en_client.force_login(cast["pj_a"])
    body = en_client.get(reverse("recipients:list")).content.decode()
    assert "Budi" in body
    assert f'href="{reverse("password_change")}"' in body
    assert f'action="{reverse("logout")}" method="post"' in body
    assert f'href="{reverse("login")}"' not in body


def test_a_pj_sees_a_link_to_their_page_when_it_exists(en_client, cast, recipient_a):
    try:
        url = reverse("commitments:pj-dashboard")
    except NoReverseMatch:
        pytest.skip("the PJ's page is not built yet")
    en_client.force_login(cast["pj_a"])
    assert f'href="{url}"' in en_client.get(reverse("recipients:list")).content.decode()
    en_client.force_login(cast["officer"])
    assert f'href="{url}"' not in en_client.get(reverse("recipients:list")).content.decode()


def test_password_change_needs_the_old_password(en_client, cast):
    user = cast["officer"]
    en_client.force_login(user)
    url = reverse("password_change")
    assert en_client.get(url).status_code == 200
    new = "a-long-new-passphrase-42"
    response = en_client.post(
        url, {"old_password": "nope", "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    response = en_client.post(
        url, {"old_password": "pw", "new_password1": new, "new_password2": new}
    )
    assert response["Location"] == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password(new)
    assert en_client.get(reverse("password_change_done")).status_code == 200


def test_the_admin_login_offers_the_portals_password_reset(client):
    body = client.get(reverse("admin:login")).content.decode()
    assert reverse("admin_password_reset") in body
    response = client.get(reverse("admin_password_reset"))
    assert response["Location"] == reverse("password_reset")
