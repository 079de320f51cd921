"""The home page: totals per recipient kind and a list per kind."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_shows_counts_per_kind_and_need_totals(client, recipient_a, recipient_b):
    response = client.get(reverse("recipients:home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "RW 01 Gambir" in body
    assert "Panti Asuhan Harapan" in body
    assert response.context["totals"] == {"need": 160, "pledged": 0, "delivered": 0}


def test_home_is_indonesian_by_default_even_for_english_browsers(client):
    response = client.get(reverse("recipients:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "id"


def test_language_switcher_turns_the_page_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("recipients:home"))
    assert response["Content-Language"] == "en"
