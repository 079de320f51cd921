"""/healthz: what a load balancer polls every second."""

from __future__ import annotations

import pytest
from django.db.utils import OperationalError
from django.test import Client, override_settings


@pytest.mark.django_db
def test_healthy_portal_answers_200_without_a_session_or_cookie():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert not response.cookies
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
@override_settings(ALLOWED_HOSTS=["ksbb.example.org"], SECURE_SSL_REDIRECT=True)
def test_a_balancer_polling_by_address_over_http_is_answered():
    response = Client(HTTP_HOST="10.1.2.3").get("/healthz")
    assert response.status_code == 200


@pytest.mark.django_db
def test_database_down_gives_503_naming_it_without_the_error(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError('could not connect to server at "db.internal" password=secret')

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", refuse)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "failed", "cache": "ok"}
    assert b"secret" not in response.content and b"db.internal" not in response.content


@pytest.mark.django_db
def test_cache_down_gives_503_naming_it(monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("redis://:password@cache:6379 refused")

    monkeypatch.setattr("django.core.cache.cache.set", refuse)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "failed"}
    assert b"password" not in response.content


@pytest.mark.django_db
def test_healthz_costs_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):  # SELECT 1
        assert Client().get("/healthz").status_code == 200
