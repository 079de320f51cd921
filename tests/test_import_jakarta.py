"""`import_jakarta`: every data set in order, each in its own transaction, dry run included."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError

from recipients.management.commands.import_jakarta import Command
from recipients.models import RW, Area, CaseReport, Recipient
from tests.test_import_areas import run, write_area_files, write_csv
from tests.test_import_rws import write_rw_file

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def areas_and_rws_only(monkeypatch):
    """The command with only the two data sets whose small files these tests write."""
    monkeypatch.setattr(Command, "data_sets", Command.data_sets[:2])


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    write_area_files(tmp_path)
    return write_rw_file(tmp_path)


def test_data_sets_run_in_order():
    names = [name for name, _ in Command.data_sets]
    importers = [f"{f.__module__}.{f.__name__}" for _, f in Command.data_sets]

    assert names[:2] == ["areas", "RWs"]
    assert importers == [
        "recipients.importers.areas.import_areas",
        "recipients.importers.rws.import_rws",
        "recipients.importers.cases.month_end.import_month_end_cases",
        "recipients.importers.cases.daily.import_daily_cases",
        "recipients.importers.pesantren.import_pesantren",
        "recipients.demo.generate_demo_parts",
    ]


def test_runs_areas_then_rws(db, data_dir, areas_and_rws_only):
    out = run("import_jakarta", data_dir)

    assert "areas: 6 created" in out and "RWs: 4 created" in out
    assert RW.objects.count() == 4


def test_second_run_changes_nothing(db, data_dir, areas_and_rws_only):
    run("import_jakarta", data_dir)

    out = run("import_jakarta", data_dir)

    assert out.count("(nothing changed)") == 2


def test_dry_run_on_an_empty_database_sees_the_areas_and_saves_nothing(
    db, data_dir, areas_and_rws_only
):
    out = run("import_jakarta", data_dir, "--dry-run")

    # The RWs found the kelurahan of the (rolled back) areas data set.
    assert "RWs: 4 created" in out
    assert "rolled back" in out
    assert not Area.objects.exists() and not RW.objects.exists()


def test_a_failing_data_set_keeps_the_ones_before_it(db, data_dir, areas_and_rws_only):
    write_csv(data_dir / "nusantr-jakarta" / "jakarta_rw.geojson", ["not", "json"], [])

    with pytest.raises(CommandError, match="RWs: jakarta_rw.geojson: not valid JSON"):
        run("import_jakarta", data_dir)
    assert Area.objects.count() == 6
    assert not RW.objects.exists()


@pytest.mark.realdata
def test_real_files_import_completely_and_idempotently(db, settings):
    if not settings.KSBB_DATA_DIR:
        pytest.skip("KSBB_DATA_DIR is not set")
    data_dir = Path(settings.KSBB_DATA_DIR)

    run("import_jakarta", data_dir)

    assert Area.objects.filter(level=Area.Level.KOTA).count() == 6
    assert Area.objects.filter(level=Area.Level.KECAMATAN).count() == 44
    assert Area.objects.kelurahan().filter(boundary__isnull=False).count() == 267
    assert RW.objects.count() == 2687  # every RW of the file (see test_import_rws)
    kelurahan_reports = CaseReport.objects.filter(kelurahan__isnull=False)
    assert kelurahan_reports.values("kelurahan").distinct().count() == 267
    assert Recipient.objects.filter(kind=Recipient.Kind.PESANTREN).count() == 102
    out = run("import_jakarta", data_dir)
    assert out.count("(nothing changed)") == len(Command.data_sets), out
