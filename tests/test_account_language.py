"""The language each logged-in account last used is recorded, without a write per request."""

from __future__ import annotations

import pytest
from django.urls import reverse

from recipients.models import AccountLanguage

pytestmark = pytest.mark.django_db


def test_the_language_of_a_logged_in_user_is_recorded(client, cast, settings):
    client.force_login(cast["pj_a"])
    client.get(reverse("recipients:list"))
    assert AccountLanguage.objects.get(user=cast["pj_a"]).language == "id"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.get(reverse("recipients:list"))
    assert AccountLanguage.objects.get(user=cast["pj_a"]).language == "en"


def test_anonymous_visits_record_nothing(client, cast, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.get(reverse("recipients:list"))
    assert not AccountLanguage.objects.exists()


def test_an_unchanged_language_costs_no_query(client, cast, django_assert_num_queries):
    client.force_login(cast["officer"])
    client.get(reverse("recipients:list"))
    from recipients.middleware import remember_language

    with django_assert_num_queries(0):
        remember_language(cast["officer"].pk, "id")
    with django_assert_num_queries(2):  # read the stored value, then update it
        remember_language(cast["officer"].pk, "en")
