"""Two app instances (gunicorn, one worker each, on loopback ports) sharing the test database,
Redis db 6 and an S3 service (moto), each with a disk of its own: the fixtures of
tests/multi_instance/.

PostgreSQL only (SQLite's test database is a file the instances would lock each other out of,
and production runs several machines on PostgreSQL): the tests skip on SQLite. Without Redis
they skip too, unless KSBB_REQUIRE_SERVICES=1 (CI's PostgreSQL run), where they fail.
"""

from __future__ import annotations

import secrets
import shutil
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.multi_instance.instances import (
    LOGIN_FAILURE_LIMIT,
    RATE_LIMIT_LINK_RESENDS,
    READY_SECONDS,
    REDIS_URL,
    Instance,
    Pair,
    database_url,
    flush_shared_cache,
    redis_answers,
    start,
    stop,
    unavailable,
    wait_until_ready,
)
from tests.multi_instance.s3 import moto_s3


@pytest.fixture(scope="module")
def instances(django_db_setup, tmp_path_factory) -> Iterator[Pair]:
    """Instances A and B: same database, Redis, S3 buckets and SECRET_KEY; their own MEDIA_ROOT,
    PRIVATE_MEDIA_ROOT and PUBLISH_ROOT. Stopped before the test database is dropped."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("several instances share one PostgreSQL database (SQLite: one machine)")
    if not redis_answers():
        unavailable(f"Redis does not answer at {REDIS_URL}")
    scratch = tmp_path_factory.mktemp("instances")
    with moto_s3() as s3:
        common = {
            **s3.env,
            "DEBUG": "1",  # plain HTTP on loopback: cookies without the Secure flag
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url(connection.settings_dict),
            "REDIS_URL": REDIS_URL,
            # Each scenario is its own client: the address in X-Forwarded-For.
            "TRUSTED_PROXIES": "1",
            "RATE_LIMIT_LINK_RESENDS": str(RATE_LIMIT_LINK_RESENDS),
            "LOGIN_FAILURE_LIMIT": str(LOGIN_FAILURE_LIMIT),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "LOG_LEVEL": "WARNING",
            "SENTRY_DSN": "",
        }
        started: list[Instance] = []
        try:
            for name in ("a", "b"):
                started.append(start(name, scratch, common))
            deadline = time.monotonic() + READY_SECONDS
            for instance in started:
                wait_until_ready(instance, deadline)
            yield Pair(started[0], started[1], s3)
        finally:
            stop(started)


@pytest.fixture
def pair(instances, request) -> Iterator[Pair]:
    """The running instances with an empty shared cache, empty buckets and empty disks; their
    logs are printed when the test fails."""
    flush_shared_cache()
    instances.s3.empty()
    for instance in instances:
        for directory in (instance.media_root, instance.private_media_root, instance.publish_root):
            shutil.rmtree(directory, ignore_errors=True)
    yield instances
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        for instance in instances:
            print(f"--- last lines of instance {instance.name}'s log\n{instance.log_tail()}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    report = yield
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
    return report
