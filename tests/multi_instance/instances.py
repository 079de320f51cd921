"""Two app instances for tests/multi_instance/: gunicorn (deploy/gunicorn.conf.py, one worker
each) on loopback ports, started with the environment that conftest.py gives them, stopped
quickly at the end."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from tests.multi_instance.s3 import S3Service

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/6"
READY_SECONDS = 30
# Low limits, so that a few requests alternating between the instances cross them.
RATE_LIMIT_LINK_RESENDS = 3
LOGIN_FAILURE_LIMIT = 3


@dataclass
class Instance:
    name: str
    port: int
    media_root: Path
    private_media_root: Path
    publish_root: Path
    env: dict[str, str]
    process: subprocess.Popen
    log: Path

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class Pair:
    a: Instance
    b: Instance
    s3: S3Service

    def __iter__(self) -> Iterator[Instance]:
        return iter((self.a, self.b))


def unavailable(reason: str) -> None:
    if os.environ.get("KSBB_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (KSBB_REQUIRE_SERVICES=1: these tests may not be skipped)")
    pytest.skip(reason)


def redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping())
    except redis.RedisError:
        return False


def flush_shared_cache() -> None:
    """Empty Redis db 6 (this suite's own): counters, lock-outs and cached payloads of the
    previous test would otherwise meet this test's fresh database rows."""
    import redis

    redis.Redis.from_url(REDIS_URL, socket_timeout=2).flushdb()


def database_url(settings_dict: dict[str, Any]) -> str:
    user = quote(settings_dict["USER"] or "", safe="")
    password = quote(settings_dict["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict["HOST"] or "127.0.0.1"
    port = settings_dict["PORT"] or 5432
    return f"postgres://{credentials}{host}:{port}/{quote(settings_dict['NAME'], safe='')}"


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(name: str, scratch: Path, common: dict[str, str]) -> Instance:
    port = _free_port()
    media_root, publish_root = scratch / name / "media", scratch / name / "open-data"
    private_media_root = scratch / name / "private-media"
    env = {
        **os.environ,
        **common,
        "MEDIA_ROOT": str(media_root),
        "PRIVATE_MEDIA_ROOT": str(private_media_root),
        "PUBLISH_ROOT": str(publish_root),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
    }
    log = scratch / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return Instance(name, port, media_root, private_media_root, publish_root, env, process, log)


def wait_until_ready(instance: Instance, deadline: float) -> None:
    while time.monotonic() < deadline:
        if instance.process.poll() is not None:
            break
        try:
            if requests.get(instance.url("/healthz"), timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    pytest.fail(
        f"instance {instance.name} did not become ready on /healthz "
        f"(exit code {instance.process.poll()}):\n{instance.log_tail()}"
    )


def stop(instances: list[Instance]) -> None:
    """SIGINT: gunicorn's quick shutdown (the tests are over, no request is left to finish)."""
    for instance in instances:
        if instance.process.poll() is None:
            instance.process.send_signal(signal.SIGINT)
    for instance in instances:
        try:
            instance.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            instance.process.kill()
            instance.process.wait()


def cheap_password(raw: str) -> str:
    """A PBKDF2 hash the instances verify (their hashers are production's, not the tests' MD5)
    at 1,000 iterations instead of a million; a login upgrades it."""
    return PBKDF2PasswordHasher().encode(raw, "multiinstancesalt", iterations=1000)
