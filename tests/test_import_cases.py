"""The COVID-19 case importers: month-end CSVs read by position, the daily series by name,
the month-end figures winning on shared days, in either order."""

from __future__ import annotations

import csv
import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from recipients.importers.base import DataFileError, Summary, run_data_set
from recipients.importers.cases.daily import import_daily_cases
from recipients.importers.cases.month_end import MONTH_END_SOURCE, import_month_end_cases
from recipients.models import Area, CaseReport

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

# Headers as the files write them, comma-separated for readability.
OLD_HEADER = (  # noqa: SIM905
    "ID_KEL,ID_KEL,Nama_provinsi,nama_kota,nama_kecamatan,nama_kelurahan,ODP,Proses Pemantauan,"
    "Selesai Pemantauan,PDP,Masih Dirawat,Pulang dan Sehat,POSITIF,Dirawat,Sembuh,Meninggal,"
    "Self Isolation,Keterangan"
).split(",")
# The repeated names ("Perawatan RS", "Isolasi di Rumah", "Selesai Isolasi") are the point.
NEW_HEADER = (  # noqa: SIM905
    "ID_KEL,Nama_provinsi,nama_kota,nama_kecamatan,nama_kelurahan,SUSPEK,Perawatan RS,"
    "Isolasi di Rumah,Suspek Meninggal,Selesai Isolasi,PROBABLE,Perawatan RS,Isolasi di Rumah,"
    "Probable Meninggal,Selesai Isolasi,POSITIF,Dirawat,Sembuh,Meninggal,Self Isolation,"
    "Keterangan"
).split(",")
GAMBIR, CIDENG, TENGAH, HARAPAN = "3171011001", "3171011002", "3171011003", "3101011003"


def old_row(code: str, name: str, counts: list) -> list:
    return [code, code, "DKI JAKARTA", "JAKARTA PUSAT", "GAMBIR", name, *counts, ""]


def new_row(code: str, name: str, counts: list) -> list:
    return [code, "DKI JAKARTA", "JAKARTA PUSAT", "GAMBIR", name, *counts, ""]


def write_csv(path: Path, rows: list[list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)


def daily(odp: int, positif: int = 1) -> dict[str, int]:
    return {
        "odp": odp,
        "odppp": 1,
        "odpsp": odp - 1,
        "pdp": 2,
        "pdpmd": 1,
        "pdpps": 1,
        "positif": positif,
        "dirawat": 1,
        "sembuh": 0,
        "meninggal": 0,
        "isolasi": 0,
    }


@pytest.fixture
def kelurahan(areas) -> dict[str, Area]:
    """Gambir and Cideng from conftest, plus Tengah (the files say KAMPUNG TENGAH) and a
    Kepulauan Seribu kelurahan whose name the daily series abbreviates."""
    tengah = Area.objects.create(
        code="31.71.01.1003", level=4, name="Tengah", parent=areas["kecamatan"]
    )
    seribu = Area.objects.create(
        code="31.01", level=2, name="Kep. Seribu", parent=areas["province"]
    )
    utara = Area.objects.create(code="31.01.01", level=3, name="Kep. Seribu Utara", parent=seribu)
    harapan = Area.objects.create(code="31.01.01.1003", level=4, name="Pulau Harapan", parent=utara)
    return {
        "gambir": areas["kelurahan_a"],
        "cideng": areas["kelurahan_b"],
        "tengah": tengah,
        "harapan": harapan,
    }


@pytest.fixture
def data_dir(tmp_path: Path, kelurahan) -> Path:
    folder = tmp_path / "dki-covid-kelurahan-2020" / "csv"
    special = ["BELUM DIKETAHUI"] * 6
    write_csv(
        folder / "kelurahan_2020-03-31.csv",
        [
            OLD_HEADER,
            ["", "", "", "", "", "TOTAL", *[9] * 11, 0],
            [*special, *[5] * 11, ""],
            [*["LUAR DKI JAKARTA"] * 6, *[1] * 11, ""],
            old_row(GAMBIR, "GAMBIR", [5, 1, 4, 1, 1, 0, 2, 2, 0, 0, 0]),
            old_row(CIDENG, "CIDENG", [3, 0, 3, 0, 0, 0, 1, 1, 0, 0, 0]),
            old_row(TENGAH, "KAMPUNG TENGAH", [1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]),
            old_row(HARAPAN, "PULAU HARAPAN", [0] * 11),
        ],
    )
    write_csv(
        folder / "kelurahan_2020-08-31.csv",
        [
            NEW_HEADER,
            ["", "", "", "", "", *[99] * 15, ""],  # August's TOTAL row has no label
            new_row(GAMBIR, "GAMBIR", [20, 1, 2, 0, 17, 4, 3, 0, 0, 1, 9, 1, 7, 1, 0]),
            new_row(CIDENG, "CIDENG", [10, 0, 1, 0, 9, 0, 0, 0, 0, 0, 5, 0, 5, 0, 0]),
            [*["PROSES UPDATE DATA"] * 5, *[2] * 15, ""],
        ],
    )
    write_csv(
        folder / "kelurahan_2020-12-31.csv",
        [
            NEW_HEADER,
            new_row(GAMBIR, "GAMBIR", [*["N/A"] * 10, 30, 2, 26, 1, 1]),
        ],
    )
    series = {
        "GAMBIR": {
            "2020-03-30": daily(4),
            "2020-03-31": daily(77),  # a month-end day: the CSV's 5 must win
            "2020-07-17": daily(104),  # after the source changed its definitions
        },
        "KAMPUNG TENGAH": {"2020-04-01": daily(2)},
        "P. HARAPAN": {"2020-03-30": daily(3)},
        "PULAU HARAPAN": {"2020-04-08": daily(6)},
        "ATLANTIS": {"2020-04-01": daily(1), "2020-04-02": daily(1)},
    }
    write_json(tmp_path, series)
    return tmp_path


def write_json(data_dir: Path, series: dict) -> None:
    path = data_dir / "emsifa-covid-heatmap" / "data.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(series))


def run(importer, data_dir: Path, *, dry_run: bool = False) -> Summary:
    return run_data_set(importer, data_dir, importer.__name__, dry_run=dry_run)


def report(area: Area, day: str) -> CaseReport:
    return CaseReport.objects.get(kelurahan=area, report_date=date.fromisoformat(day))


def table() -> list[tuple]:
    fields = ["kelurahan__code", "report_date", "schema", "odp", "suspek", "positif", "details"]
    return list(CaseReport.objects.order_by("kelurahan__code", "report_date").values_list(*fields))


# --- month-end files ---------------------------------------------------------------------


def test_month_end_reads_the_odp_schema_by_position(data_dir, kelurahan):
    summary = run(import_month_end_cases, data_dir)
    assert (summary.created, summary.skipped) == (7, [])
    gambir = report(kelurahan["gambir"], "2020-03-31")
    assert gambir.schema == CaseReport.Schema.ODP_PDP
    assert (gambir.odp, gambir.pdp, gambir.positif, gambir.dirawat) == (5, 1, 2, 2)
    assert gambir.suspek is None and gambir.probable is None
    assert gambir.details == {
        "odp_proses_pemantauan": 1,
        "odp_selesai_pemantauan": 4,
        "pdp_masih_dirawat": 1,
        "pdp_pulang_dan_sehat": 0,
    }
    assert gambir.source.startswith(MONTH_END_SOURCE)


def test_month_end_keeps_repeated_headers_apart_in_the_suspek_schema(data_dir, kelurahan):
    run(import_month_end_cases, data_dir)
    gambir = report(kelurahan["gambir"], "2020-08-31")
    assert gambir.schema == CaseReport.Schema.SUSPEK
    assert (gambir.suspek, gambir.probable, gambir.positif, gambir.sembuh) == (20, 4, 9, 7)
    assert gambir.odp is None
    assert gambir.details["suspek_perawatan_rs"] == 1
    assert gambir.details["probable_perawatan_rs"] == 3
    assert gambir.details["suspek_meninggal"] == 0
    assert gambir.details["probable_selesai_isolasi"] == 1


def test_december_na_cells_are_stored_as_null(data_dir, kelurahan):
    summary = run(import_month_end_cases, data_dir)
    assert summary.skipped == []
    gambir = report(kelurahan["gambir"], "2020-12-31")
    assert gambir.suspek is None and gambir.probable is None
    assert gambir.details["suspek_perawatan_rs"] is None
    assert (gambir.positif, gambir.dirawat, gambir.sembuh, gambir.meninggal) == (30, 2, 26, 1)


def test_rows_that_are_not_kelurahan_make_one_note_not_errors(data_dir):
    summary = run(import_month_end_cases, data_dir)
    assert summary.skipped == []
    [note] = summary.notes
    for label in ("TOTAL (2)", "BELUM DIKETAHUI (1)", "LUAR DKI JAKARTA (1)", "PROSES UPDATE"):
        assert label in note


def test_bad_rows_are_skipped_by_file_and_row_and_good_rows_load(data_dir, kelurahan):
    path = data_dir / "dki-covid-kelurahan-2020" / "csv" / "kelurahan_2020-08-31.csv"
    rows = list(csv.reader(path.open()))
    rows.append(new_row("3171011999", "NOWHERE", [0] * 15))
    rows.append(new_row(TENGAH, "KAMPUNG TENGAH", [1, "12a", *[0] * 13]))
    rows.append(new_row("317101", "SHORT CODE", [0] * 15))
    write_csv(path, rows)
    summary = run(import_month_end_cases, data_dir)
    assert summary.skipped == [
        "kelurahan_2020-08-31.csv, row 6: unknown ID_KEL 3171011999 "
        "(no such kelurahan among the imported areas)",
        "kelurahan_2020-08-31.csv, row 7: column Perawatan RS: '12a' is not a whole number",
        "kelurahan_2020-08-31.csv, row 8: ID_KEL '317101' is not a 10-digit kelurahan code",
    ]
    assert report(kelurahan["cideng"], "2020-08-31").suspek == 10
    assert not CaseReport.objects.filter(kelurahan=kelurahan["tengah"], report_date="2020-08-31")


def test_a_file_missing_a_column_is_skipped_whole_and_the_others_load(data_dir):
    header = [title for title in OLD_HEADER if title != "POSITIF"]
    write_csv(
        data_dir / "dki-covid-kelurahan-2020" / "csv" / "kelurahan_2020-05-31.csv",
        [header, old_row(GAMBIR, "GAMBIR", [0] * 10)],
    )
    summary = run(import_month_end_cases, data_dir)
    assert summary.skipped == ["kelurahan_2020-05-31.csv, row 1: missing column POSITIF"]
    assert summary.created == 7
    assert not CaseReport.objects.filter(report_date="2020-05-31").exists()


def test_second_month_end_run_changes_nothing(data_dir):
    run(import_month_end_cases, data_dir)
    summary = run(import_month_end_cases, data_dir)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 7)
    assert "(nothing changed)" in summary.lines()[0]


def test_month_end_overwrites_a_changed_figure(data_dir, kelurahan):
    run(import_month_end_cases, data_dir)
    CaseReport.objects.filter(kelurahan=kelurahan["gambir"], report_date="2020-03-31").update(
        odp=999
    )
    summary = run(import_month_end_cases, data_dir)
    assert (summary.updated, summary.unchanged) == (1, 6)
    assert report(kelurahan["gambir"], "2020-03-31").odp == 5


def test_month_end_without_areas_says_to_import_them_first(tmp_path, data_dir):
    Area.objects.filter(level=4).delete()
    with pytest.raises(DataFileError, match="import the areas first"):
        run(import_month_end_cases, data_dir)


# --- daily series ------------------------------------------------------------------------


def test_daily_series_loads_days_with_the_same_detail_keys(data_dir, kelurahan):
    summary = run(import_daily_cases, data_dir)
    gambir = report(kelurahan["gambir"], "2020-03-30")
    assert gambir.schema == CaseReport.Schema.ODP_PDP
    assert (gambir.odp, gambir.pdp, gambir.positif, gambir.self_isolation) == (4, 2, 1, 0)
    assert gambir.details == {
        "odp_proses_pemantauan": 1,
        "odp_selesai_pemantauan": 3,
        "pdp_masih_dirawat": 1,
        "pdp_pulang_dan_sehat": 1,
    }
    # GAMBIR 30 Mar, KAMPUNG TENGAH 1 Apr (through the CSV's name), two PULAU HARAPAN days.
    assert summary.created == 4


def test_daily_leaves_month_end_days_to_the_month_end_files(data_dir, kelurahan):
    summary = run(import_daily_cases, data_dir)
    assert not CaseReport.objects.filter(report_date="2020-03-31").exists()
    assert any("1 kelurahan-days left out: a month-end file" in note for note in summary.notes)


def test_daily_skips_days_after_the_definitions_changed(data_dir):
    summary = run(import_daily_cases, data_dir)
    assert not CaseReport.objects.filter(report_date="2020-07-17").exists()
    assert any("after 2020-07-16 left out" in note for note in summary.notes)


def test_daily_folds_kepulauan_seribu_aliases(data_dir, kelurahan):
    summary = run(import_daily_cases, data_dir)
    assert report(kelurahan["harapan"], "2020-03-30").odp == 3
    assert report(kelurahan["harapan"], "2020-04-08").odp == 6
    assert any("P. HARAPAN -> PULAU HARAPAN (1)" in note for note in summary.notes)


def test_daily_official_name_wins_over_its_alias_on_the_same_day(data_dir, kelurahan):
    write_json(
        data_dir,
        {"P. HARAPAN": {"2020-04-08": daily(3)}, "PULAU HARAPAN": {"2020-04-08": daily(6)}},
    )
    summary = run(import_daily_cases, data_dir)
    assert report(kelurahan["harapan"], "2020-04-08").odp == 6
    assert any("given twice" in note for note in summary.notes)


def test_daily_unknown_name_is_skipped_once_with_its_day_count(data_dir):
    summary = run(import_daily_cases, data_dir)
    assert summary.skipped == [
        "data.json, row ATLANTIS: unknown kelurahan name; its 2 days were skipped"
    ]


def test_daily_bad_count_is_skipped_and_named(data_dir, kelurahan):
    write_json(
        data_dir,
        {"GAMBIR": {"2020-04-01": {**daily(1), "pdp": "x"}, "2020-04-02": daily(2)}},
    )
    summary = run(import_daily_cases, data_dir)
    assert summary.skipped == [
        "data.json, row GAMBIR 2020-04-01: column pdp: 'x' is not a whole number"
    ]
    assert report(kelurahan["gambir"], "2020-04-02").odp == 2


def test_daily_invalid_json_names_the_file(data_dir):
    (data_dir / "emsifa-covid-heatmap" / "data.json").write_text("{oops")
    with pytest.raises(DataFileError, match=r"data.json: not valid JSON"):
        run(import_daily_cases, data_dir)


def test_daily_reads_stored_reports_in_one_query(data_dir, django_assert_max_num_queries):
    run(import_daily_cases, data_dir)
    # kelurahan by code, kelurahan names, stored reports of the range; savepoints around.
    with django_assert_max_num_queries(6):
        summary = run(import_daily_cases, data_dir)
    assert summary.unchanged == 4


# --- both, in either order ---------------------------------------------------------------


def test_either_order_gives_the_same_table_and_reruns_change_nothing(data_dir):
    run(import_month_end_cases, data_dir)
    run(import_daily_cases, data_dir)
    month_end_first = table()
    CaseReport.objects.all().delete()
    run(import_daily_cases, data_dir)
    run(import_month_end_cases, data_dir)
    assert table() == month_end_first
    for importer in (import_daily_cases, import_month_end_cases):
        assert not run(importer, data_dir).changed


def test_month_end_overwrites_a_day_the_daily_series_stored_and_keeps_it(data_dir, kelurahan):
    # Without the month-end files beside it, the daily series stores 31 March itself.
    daily_only = data_dir / "daily-only"
    (daily_only / "emsifa-covid-heatmap").mkdir(parents=True)
    (daily_only / "emsifa-covid-heatmap" / "data.json").write_text(
        (data_dir / "emsifa-covid-heatmap" / "data.json").read_text()
    )
    run(import_daily_cases, daily_only)
    assert report(kelurahan["gambir"], "2020-03-31").odp == 77
    assert run(import_month_end_cases, data_dir).updated == 1
    assert report(kelurahan["gambir"], "2020-03-31").odp == 5
    # A later daily run, even without the month-end files, leaves the official figure alone.
    assert not run(import_daily_cases, daily_only).changed
    assert report(kelurahan["gambir"], "2020-03-31").odp == 5


# --- the command -------------------------------------------------------------------------


def test_command_dry_run_reports_and_saves_nothing(data_dir):
    out = StringIO()
    call_command("import_cases", str(data_dir), "--dry-run", stdout=out)
    assert "Dry run" in out.getvalue()
    assert "COVID-19 month-end reports: 7 created" in out.getvalue()
    assert "COVID-19 daily series: 4 created" in out.getvalue()
    assert not CaseReport.objects.exists()


def test_command_second_run_says_nothing_changed(data_dir):
    call_command("import_cases", str(data_dir), stdout=StringIO())
    out = StringIO()
    call_command("import_cases", str(data_dir), stdout=out)
    assert out.getvalue().count("(nothing changed)") == 2


def test_command_bad_daily_file_saves_none_of_the_daily_series(data_dir):
    (data_dir / "emsifa-covid-heatmap" / "data.json").write_text("[]")
    with pytest.raises(CommandError, match="data.json: expected an object keyed by kelurahan"):
        call_command("import_cases", str(data_dir), stdout=StringIO())
    # The month-end data set ran first in its own transaction and stays.
    assert CaseReport.objects.filter(source__startswith=MONTH_END_SOURCE).count() == 7
    assert CaseReport.objects.count() == 7


# --- the real files ----------------------------------------------------------------------

MONTH_ENDS = [
    "2020-03-31",
    "2020-04-30",
    "2020-05-31",
    "2020-06-30",
    "2020-07-31",
    "2020-08-31",
    "2020-09-30",
    "2020-10-31",
    "2020-11-30",
    "2020-12-31",
]


@pytest.mark.realdata
@pytest.mark.skipif(not settings.KSBB_DATA_DIR, reason="KSBB_DATA_DIR is not set")
def test_real_files_give_267_kelurahan_on_each_of_ten_month_ends():
    areas = pytest.importorskip("recipients.importers.areas", reason="import_areas not there")
    real = Path(settings.KSBB_DATA_DIR)
    run(areas.import_areas, real)
    month_end = run(import_month_end_cases, real)
    daily_series = run(import_daily_cases, real)
    assert (month_end.skipped, daily_series.skipped) == ([], [])
    assert month_end.created == 2670
    for day in MONTH_ENDS:
        reports = CaseReport.objects.filter(report_date=day, source__startswith=MONTH_END_SOURCE)
        assert reports.values("kelurahan").distinct().count() == 267, day
    assert CaseReport.objects.filter(schema="suspek").count() == 6 * 267
    days = CaseReport.objects.exclude(report_date__in=MONTH_ENDS)
    assert days.values("kelurahan").distinct().count() == 267
    assert days.values("report_date").distinct().count() == 109  # 26 Mar-16 Jul less 4 ends
    assert not run(import_month_end_cases, real).changed
    assert not run(import_daily_cases, real).changed
