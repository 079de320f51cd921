"""The RW case importer (command and admin page): rows keyed by BPS code or kelurahan code and
RW number, errors per row, dry run, idempotence, and counted rows replacing estimates."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook

from recipients.importers.base import Summary
from recipients.importers.rw_cases import import_rw_case_file
from recipients.models import RW, CaseReport, Provenance

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HEADER = "rw_code,kelurahan_code,rw,date,positif,sembuh,meninggal"


@pytest.fixture
def rws(areas) -> list[RW]:
    kel = areas["kelurahan_a"]
    return [
        RW.objects.create(kelurahan=kel, number=1, households=100, source_ref="3171010001001000"),
        RW.objects.create(kelurahan=kel, number=2, households=300, source_ref="3171010001002000"),
    ]


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "rw.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def run(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("import_rw_cases", str(path), *args, stdout=out)
    return out.getvalue()


def test_rows_by_bps_code_and_by_kelurahan_code_and_number_load_as_official(tmp_path, rws):
    path = write(
        tmp_path,
        "3171010001001000,,,2020-05-31,4,1,0",
        ",31.71.01.1001,2,2020-05-31,6,2,1",
    )
    assert "2 created" in run(path)
    first, second = (CaseReport.objects.get(rw=rw) for rw in rws)
    assert (first.positif, second.positif, second.meninggal) == (4, 6, 1)
    assert first.provenance == Provenance.OFFICIAL and first.kelurahan is None
    assert first.schema == CaseReport.Schema.ODP_PDP  # positif alone in May: the 2020 terms
    assert first.source == "rw.csv"


def test_each_bad_row_is_reported_with_its_row_and_the_good_rows_load(tmp_path, rws):
    path = write(
        tmp_path,
        "3171010001001000,,,2020-05-31,4,1,0",
        "3171999999001000,,,2020-05-31,4,1,0",
        ",31.71.01.1001,9,2020-05-31,1,0,0",
        ",31.71.01.1001,2,2020-05-31,2.5,0,0",
        ",31.71.01.1001,2,2999-01-01,1,0,0",
        "3171010001001000,,,2020-05-31,5,1,0",
        ",31.71.01.1001,2,31/05/2020,1,0,0",
    )
    output = run(path)
    assert "1 created" in output and "6 skipped" in output
    assert "row 3: unknown RW: no RW has the BPS code 3171999999001000" in output
    assert "row 4: unknown RW: kelurahan 31.71.01.1001 has no RW '9'" in output
    assert "row 5: column positif: '2.5' is not a whole number" in output
    assert "row 6: the date 2999-01-01 is in the future" in output
    assert "row 7: duplicate row: this RW and date are already on row 2" in output
    assert "row 8: not a date" in output
    assert CaseReport.objects.get().positif == 4


def test_dry_run_reports_and_saves_nothing(tmp_path, rws):
    output = run(write(tmp_path, "3171010001001000,,,2020-05-31,4,1,0"), "--dry-run")
    assert "1 created" in output and "rolled back" in output
    assert not CaseReport.objects.exists()


def test_a_second_run_changes_nothing_and_a_changed_count_is_updated(tmp_path, rws):
    path = write(tmp_path, "3171010001001000,,,2020-05-31,4,1,0")
    run(path)
    assert "(nothing changed)" in run(path)
    path = write(tmp_path, "3171010001001000,,,2020-05-31,7,1,0")
    assert "1 updated" in run(path)
    assert CaseReport.objects.get().positif == 7


def test_counted_rows_replace_the_estimates_of_their_kelurahan_and_date(tmp_path, rws, areas):
    day = date(2020, 5, 31)
    for rw in rws:
        CaseReport.objects.create(
            rw=rw, report_date=day, schema="odp_pdp", positif=5, source="e", provenance="estimated"
        )
    output = run(write(tmp_path, "3171010001001000,,,2020-05-31,4,1,0"))
    assert "1 estimated RW figures replaced" in output
    report = CaseReport.objects.get()  # RW 02's estimate is gone: it no longer sums up
    assert (report.rw, report.positif, report.is_estimate) == (rws[0], 4, False)


def test_suspek_counts_take_the_terms_of_july(tmp_path, rws):
    path = tmp_path / "rw.csv"
    path.write_text(
        "kode_rw;tanggal;suspek;probable;konfirmasi\n3171010001001000;2020-07-31;9;1;3\n"
    )
    run(path)
    report = CaseReport.objects.get()
    assert report.schema == CaseReport.Schema.SUSPEK and report.positif == 3


def test_an_xlsx_file_is_read_by_its_content_whatever_its_name(tmp_path, rws):
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.append(["rw_code", "date", "positif"])
    sheet.append(["3171010001002000", date(2020, 5, 31), 8])
    path = tmp_path / "figures.csv"  # misnamed on purpose
    book.save(path)
    run(path)
    assert CaseReport.objects.get(rw=rws[1]).positif == 8


def test_a_file_without_the_key_columns_says_which(tmp_path, rws):
    path = tmp_path / "rw.csv"
    path.write_text("rw,date,positif\n1,2020-05-31,3\n")
    summary = Summary("x")
    with pytest.raises(Exception, match="rw_code / kelurahan_code"):
        import_rw_case_file("rw.csv", path.read_bytes(), summary)


# --- the admin's import page -------------------------------------------------------------------


def upload(client, content: bytes, *, dry_run: bool, name: str = "rw.csv"):
    url = reverse("admin:recipients_casereport_import_rw")
    file = io.BytesIO(content)
    file.name = name
    data: dict[str, object] = {"file": file, "source": "Dinkes test"}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(url, data)


CONTENT = (
    HEADER + "\n3171010001001000,,,2020-05-31,4,1,0\n,31.71.01.1001,7,2020-05-31,1,0,0\n"
).encode()


def test_admin_checks_the_file_then_imports_the_good_rows(client, cast, rws, settings):
    client.force_login(cast["admin"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the messages below are English
    response = upload(client, CONTENT, dry_run=True)
    body = response.content.decode()
    assert response.status_code == 200 and "nothing was saved" in body
    assert "row 3: unknown RW" in body
    assert not CaseReport.objects.exists()
    response = upload(client, CONTENT, dry_run=False)
    assert "Import done" in response.content.decode()
    assert CaseReport.objects.get().source == "Dinkes test"


def test_admin_upload_that_is_not_a_table_gets_a_message_at_the_field(client, cast, rws):
    client.force_login(cast["admin"])
    response = upload(client, b"\xff\xfe\x00binary", dry_run=True, name="rw.xlsx")
    assert response.status_code == 200
    assert response.context["form"].has_error("file", code="not_csv_or_xlsx")


def test_the_change_list_links_the_import_page(client, cast):
    client.force_login(cast["admin"])
    body = client.get(reverse("admin:recipients_casereport_changelist")).content.decode()
    assert reverse("admin:recipients_casereport_import_rw") in body


@pytest.mark.parametrize("role", ["anonymous", "pj_a", "pj_b", "officer"])
def test_only_admins_reach_the_import_page(client, cast, role):
    if role != "anonymous":
        client.force_login(cast[role])
    response = client.get(reverse("admin:recipients_casereport_import_rw"))
    assert response.status_code == 302 and "/login/" in response["Location"]
