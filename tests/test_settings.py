"""Settings read from the environment: production passes check --deploy, databases are tuned.

Settings are read once at import, so each case runs Django in a subprocess with its own
environment.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
# Variables the settings module reads; each test starts from none of them.
SETTINGS_VARIABLES = [
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "CONN_MAX_AGE",
    "REDIS_URL",
    "KSBB_DATA_DIR",
    "EMAIL_HOST",
    "EMAIL_BACKEND",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "SITE_ROOT",
    "CACHE_KEY_PREFIX",
    "LOG_LEVEL",
    "RATE_LIMIT_PLEDGES",
    "RATE_LIMIT_LETTERS",
    "TRUSTED_PROXIES",
    "INVITATION_DAYS",
    "PASSWORD_RESET_TIMEOUT",
    "LOGIN_FAILURE_LIMIT",
    "LOGIN_COOLOFF_MINUTES",
    "RATE_LIMIT_PASSWORD_RESETS",
    "RATE_LIMIT_PASSWORD_RESETS_PER_ADDRESS",
    "RATE_LIMIT_LINK_RESENDS",
    "RATE_LIMIT_COMPLAINTS",
    "COMPLAINT_REOPEN_DAYS",
    "EMAIL_TIMEOUT",
    "PRIVATE_MEDIA_ROOT",
    "MAP_TILES_URL",
    "MAP_TILES_ATTRIBUTION",
    "SENTRY_DSN",
    "SENTRY_ENVIRONMENT",
    "PUBLISH_ROOT",
]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "ksbb.example.org",
    "DATABASE_URL": "postgres://ksbb@db.example.org:5432/ksbb",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    """Run Python in the project directory with only the given settings variables."""
    environ = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    environ.update(env, DJANGO_SETTINGS_MODULE="ksbb.settings", PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def read_settings(expression: str, **env: str) -> object:
    """Evaluate an expression over the settings module in a fresh interpreter."""
    code = f"import json, ksbb.settings as s; print(json.dumps({expression}, default=str))"
    result = run(["-c", code], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def read_dict_setting(expression: str, **env: str) -> dict[str, Any]:
    """Like read_settings, for a setting that is a dictionary (a database, a cache)."""
    value = read_settings(expression, **env)
    assert isinstance(value, dict), value
    return value


def test_production_settings_pass_check_deploy_without_warnings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_off_without_secret_key_refuses_to_start():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = run(["manage.py", "check"], **env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_off_allows_no_host_by_default():
    env = {k: v for k, v in PRODUCTION.items() if k != "ALLOWED_HOSTS"}
    assert read_settings("s.ALLOWED_HOSTS", **env) == []


def test_postgresql_keeps_connections_open_with_health_checks():
    database = read_dict_setting("s.DATABASES['default']", **PRODUCTION)
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["CONN_MAX_AGE"] > 0
    assert database["CONN_HEALTH_CHECKS"] is True


def test_redis_url_selects_the_shared_redis_cache():
    cache = read_dict_setting("s.CACHES['default']", **PRODUCTION)
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == PRODUCTION["REDIS_URL"]


def test_default_database_is_the_sqlite_file_in_the_project():
    database = read_dict_setting("s.DATABASES['default']")
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(database["NAME"]) == BASE_DIR / "db.sqlite3"


SQLITE_PROBE = """
import json, sqlite3, django
django.setup()
from django.db import connection, transaction
cursor = connection.cursor()
journal_mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
busy_timeout_ms = cursor.execute("PRAGMA busy_timeout").fetchone()[0]
# An IMMEDIATE transaction holds the write lock from BEGIN, before any write: a second
# writer that will not wait must be refused at once.
with transaction.atomic():
    other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        locked_at_begin = False
    except sqlite3.OperationalError:
        locked_at_begin = True
    other.close()
print(json.dumps({"journal_mode": journal_mode, "busy_timeout_ms": busy_timeout_ms,
                  "locked_at_begin": locked_at_begin}))
"""


def test_sqlite_runs_in_wal_mode_with_immediate_transactions_and_busy_timeout(tmp_path):
    result = run(["-c", SQLITE_PROBE], DATABASE_URL=f"sqlite:///{tmp_path / 'probe.sqlite3'}")
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout)
    assert probe["journal_mode"] == "wal"
    assert probe["busy_timeout_ms"] >= 5000
    assert probe["locked_at_begin"] is True


def test_relative_data_dir_resolves_from_the_project_directory():
    data_dir = read_settings("s.KSBB_DATA_DIR", KSBB_DATA_DIR="../shared/data")
    assert data_dir == str((BASE_DIR / "../shared/data").resolve())


def test_absolute_data_dir_is_kept(tmp_path):
    assert read_settings("s.KSBB_DATA_DIR", KSBB_DATA_DIR=str(tmp_path)) == str(tmp_path)


def test_empty_data_dir_means_demo_data():
    assert read_settings("s.KSBB_DATA_DIR") == ""
