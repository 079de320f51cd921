"""Benchmark `import_jakarta` on PostgreSQL: a fresh database, a first run and an idempotent
second run, each data set timed, against a baseline of merely parsing the same files.

    KSBB_DATA_DIR=../shared/data .venv/bin/python bench/import_jakarta.py

PG_URL (default postgres://postgres@127.0.0.1:5432) and BENCH_DB (default ksbb_bench_import)
choose the server and the database, which is dropped and created anew.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import sys
import time
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432")
BENCH_DB = os.environ.get("BENCH_DB", "ksbb_bench_import")


def fresh_database() -> None:
    connection = psycopg2.connect(f"{PG_URL}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
        cursor.execute(f'CREATE DATABASE "{BENCH_DB}"')
    connection.close()


def parse_only(data_dir: Path) -> float:
    """Seconds to json.load / csv-read every file the importers read: the floor of any import."""
    started = time.perf_counter()
    for path in sorted(data_dir.rglob("*")):
        if path.suffix in (".json", ".geojson"):
            with path.open(encoding="utf-8") as handle:
                json.load(handle)
        elif path.suffix == ".csv":
            with path.open(newline="", encoding="utf-8-sig") as handle:
                list(csv.reader(handle))
    return time.perf_counter() - started


def run_all(data_dir: Path) -> list[tuple[str, float, str]]:
    from recipients.importers.base import run_data_set
    from recipients.management.commands.import_jakarta import Command

    results = []
    for name, importer in Command.data_sets:
        started = time.perf_counter()
        summary = run_data_set(importer, data_dir, name)
        results.append((str(name), time.perf_counter() - started, summary.lines()[0]))
    return results


def rw_layer_size() -> tuple[int, int, int, int]:
    """(features, bytes, gzip -6 bytes, gzip -1 bytes) of the RW layer as a web map gets it."""
    from recipients.models import RW

    features = [
        {
            "type": "Feature",
            "id": rw.pk,
            "properties": {
                "kelurahan": rw.kelurahan.name,
                "number": rw.number,
                "households": rw.households,
            },
            "geometry": rw.boundary_web,
        }
        for rw in RW.objects.select_related("kelurahan").only(
            "number", "households", "boundary_web", "kelurahan__name"
        )
    ]
    body = json.dumps(
        {"type": "FeatureCollection", "features": features}, separators=(",", ":")
    ).encode()
    return (
        len(features),
        len(body),
        len(gzip.compress(body, compresslevel=6)),
        len(gzip.compress(body, compresslevel=1)),
    )


def main() -> None:
    data_dir = Path(os.environ.get("KSBB_DATA_DIR") or ROOT.parent / "shared" / "data").resolve()
    if not data_dir.is_dir():
        sys.exit(f"Data directory not found: {data_dir} (set KSBB_DATA_DIR)")
    fresh_database()
    os.environ["DATABASE_URL"] = f"{PG_URL}/{BENCH_DB}"
    os.environ["KSBB_DATA_DIR"] = str(data_dir)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ksbb.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)

    baseline = min(parse_only(data_dir) for _ in range(3))
    print(f"baseline: json.load/csv of every data file: {baseline:.2f} s")
    for label in ("first run", "second run (idempotent)"):
        results = run_all(data_dir)
        total = sum(seconds for _, seconds, _ in results)
        print(f"\n{label}: {total:.2f} s = {total / baseline:.1f}x baseline")
        for name, seconds, line in results:
            print(f"  {name:<16} {seconds:6.2f} s  {seconds / baseline:5.1f}x  | {line}")
    count, raw, gz6, gz1 = rw_layer_size()
    print(
        f"\nRW layer (boundary_web + kelurahan, number, households): {count} features, "
        f"{raw / 1024:.0f} KB raw, {gz6 / 1024:.0f} KB gzip -6, {gz1 / 1024:.0f} KB gzip -1"
    )


if __name__ == "__main__":
    main()
