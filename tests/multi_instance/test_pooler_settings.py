"""DATABASE_POOLER=pgbouncer: the settings PgBouncer's transaction mode needs (README, "Several
app instances"); .ci/run also runs tests/multi_instance/ and the concurrency tests through one."""

from __future__ import annotations

import pytest

from tests.multi_instance.environment import settings_for

POSTGRES = "postgres://ksbb@127.0.0.1:6432/ksbb"


def test_behind_pgbouncer_no_server_side_cursor_outlives_a_transaction():
    database = settings_for({"DATABASE_URL": POSTGRES, "DATABASE_POOLER": "pgbouncer"})[
        "DATABASES"
    ]["default"]
    assert database["DISABLE_SERVER_SIDE_CURSORS"] is True
    # Persistent connections stay, now to PgBouncer.
    assert database["CONN_MAX_AGE"] == 600
    assert database["CONN_HEALTH_CHECKS"] is True


def test_without_a_pooler_querysets_stream_with_server_side_cursors():
    database = settings_for({"DATABASE_URL": POSTGRES, "DATABASE_POOLER": ""})["DATABASES"]
    assert not database["default"].get("DISABLE_SERVER_SIDE_CURSORS")


def test_an_unknown_pooler_stops_the_start():
    with pytest.raises(RuntimeError, match="DATABASE_POOLER must be"):
        settings_for({"DATABASE_URL": POSTGRES, "DATABASE_POOLER": "pgpool"})
