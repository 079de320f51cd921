"""Many donors pledging the last units at the same moment: never over-reserved, no 500.

These tests use real concurrent database connections (one per thread) and commit for real,
hence `transaction=True`.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from commitments import services
from commitments.models import Commitment
from commitments.testing import commitment_fields, make_commitment
from recipients.models import Need, Recipient

# serialized_rollback restores what the test database held after migrate, which the flush deletes.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

THREADS = 32


@pytest.fixture
def scarce_need(areas, packages) -> Need:
    recipient = Recipient.objects.create(
        kind=Recipient.Kind.PANTI_JOMPO, name="Panti Werdha Kasih", area=areas["kelurahan_a"]
    )
    return Need.objects.create(recipient=recipient, package=packages["sembako"], quantity=10)


def run_at_once(count: int, work) -> list:
    """Run `work(i)` in `count` threads released together; each has its own DB connection."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def target(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as error:  # recorded, so the test reports it instead of hanging
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def pledge_one(need: Need):
    def work(i: int) -> str:
        try:
            make_commitment(need.recipient, {need.package: 1}, name=f"Donor {i}")
        except services.AlreadyCovered:
            return "covered"
        return "reserved"

    return work


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises every writer, so this race cannot happen there; the "
    "queueing test below covers SQLite",
)
def test_postgres_never_over_reserves_the_last_units(scarce_need):
    outcomes = Counter(
        type(r).__name__ if isinstance(r, Exception) else r
        for r in run_at_once(THREADS, pledge_one(scarce_need))
    )
    assert outcomes == {"reserved": 10, "covered": THREADS - 10}
    scarce_need.refresh_from_db()
    assert (scarce_need.pledged, scarce_need.delivered) == (10, 0)
    assert Commitment.objects.count() == 10
    numbers = set(Commitment.objects.values_list("number", flat=True))
    assert len(numbers) == 10


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the race needs PostgreSQL")
def test_postgres_losers_of_the_form_race_get_the_already_covered_error(scarce_need, settings):
    settings.KSBB_RATE_LIMITS = {**settings.KSBB_RATE_LIMITS, "pledge": (1000, 3600)}
    url = reverse("commitments:create", args=[scarce_need.recipient_id])
    fields = commitment_fields(scarce_need.recipient)
    data = {
        **{k: v for k, v in fields.items() if k not in ("recipient", "rules_accepted")},
        "public_as": "name",
        "rules_accepted": "on",
        f"qty_{scarce_need.package.code}": "1",
    }

    def work(i: int) -> str:
        response = Client().post(url, data)
        if response.status_code == 302:
            return "reserved"
        assert response.status_code == 200, response.status_code
        errors = response.context["form"].errors.as_data()
        codes = {e.code for field in errors.values() for e in field}
        return "covered" if "already_covered" in codes else f"other: {codes}"

    outcomes = Counter(
        type(r).__name__ if isinstance(r, Exception) else r for r in run_at_once(THREADS, work)
    )
    assert outcomes == {"reserved": 10, "covered": THREADS - 10}
    scarce_need.refresh_from_db()
    assert scarce_need.pledged == 10


def test_concurrent_pledges_queue_and_all_fit(scarce_need):
    """On SQLite the IMMEDIATE transactions queue behind the busy timeout (and on PostgreSQL
    the row locks do): eight donors of one unit each all succeed, none is lost."""
    outcomes = run_at_once(8, pledge_one(scarce_need))
    assert outcomes == ["reserved"] * 8
    scarce_need.refresh_from_db()
    assert scarce_need.pledged == 8


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the busy timeout is SQLite's")
def test_locked_sqlite_database_answers_503_with_a_retry_message(scarce_need, settings):
    cache.clear()  # a fresh rate-limit window for this client
    url = reverse("commitments:create", args=[scarce_need.recipient_id])
    fields = commitment_fields(scarce_need.recipient)
    data = {
        **{k: v for k, v in fields.items() if k not in ("recipient", "rules_accepted")},
        "public_as": "name",
        "rules_accepted": "on",
        f"qty_{scarce_need.package.code}": "1",
    }
    # Another process holds the write lock; this process waits only briefly for it.
    blocker = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    options = connection.settings_dict["OPTIONS"]
    saved_timeout = options["timeout"]
    connection.close()
    options["timeout"] = 0.2
    try:
        client = Client(raise_request_exception=False)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = client.post(url, data)
    finally:
        blocker.rollback()
        blocker.close()
        connection.close()
        options["timeout"] = saved_timeout
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "busy.html" in [t.name for t in response.templates]
    assert "submit again in a few seconds" in response.content.decode()
    scarce_need.refresh_from_db()
    assert scarce_need.pledged == 0
