"""The shared layout: which language a page is in, its navigation, and what caches may keep."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_are_indonesian_by_default(client, recipient_a):
    response = client.get(reverse("recipients:detail", args=[recipient_a.pk]))
    assert response["Content-Language"] == "id"
    assert "Beri Bantuan" in response.content.decode()
    assert "Cookie" in response["Vary"]


def test_the_language_cookie_turns_pages_english(client, settings, recipient_a):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("recipients:list"))
    assert response["Content-Language"] == "en"
    assert "Skip to content" in response.content.decode()


def test_an_unknown_language_cookie_falls_back_to_indonesian(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert client.get(reverse("recipients:list"))["Content-Language"] == "id"


def test_the_api_is_the_same_for_everyone_so_caches_may_keep_it(client, settings, recipient_a):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("recipients:api-status"))
    assert response.status_code == 200
    assert "Cookie" not in response.get("Vary", "")
    assert response["Content-Language"] == "id"


def test_every_page_links_the_main_sections(client):
    body = client.get(reverse("recipients:list")).content.decode()
    for name in ("recipients:home", "recipients:list", "commitments:list", "recipients:api-docs"):
        assert f'href="{reverse(name)}"' in body
    assert 'aria-current="page"' in body
