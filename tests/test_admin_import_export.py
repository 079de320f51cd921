"""CSV/XLSX import (dry-run preview with per-row errors, then confirm) and export of recipients
and needs in the admin, with the permissions each step needs."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.urls import reverse
from import_export.admin import ImportExportMixin
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from recipients.models import Need, Recipient

RECIPIENT_COLUMNS = [
    "id",
    "source_key",
    "kind",
    "name",
    "area",
    "area_name",
    "rw_number",
    "address",
    "residents",
    "residents_provenance",
    "households",
    "pj_name",
    "description",
    "is_active",
    "provenance",
    "source",
    "longitude",
    "latitude",
    "location_approximate",
]
NEED_COLUMNS = [
    "recipient",
    "recipient_name",
    "package",
    "quantity",
    "pledged",
    "delivered",
    "remaining",
    "provenance",
]


@pytest.fixture
def admin_client(client, cast, settings):
    client.force_login(cast["admin"])
    # Messages are checked against their English msgids; the portal's default is Indonesian.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def url(model: str, action: str) -> str:
    return reverse(f"admin:recipients_{model}_{action}")


def format_index(model: type[Model], name: str, export: bool = False) -> int:
    model_admin = admin.site.get_model_admin(model)
    assert isinstance(model_admin, ImportExportMixin)
    formats = model_admin.get_export_formats() if export else model_admin.get_import_formats()
    return [f.__name__ for f in formats].index(name)


def active_sheet(workbook: Workbook) -> Worksheet:
    """The sheet a workbook opens on: in these files always a worksheet, never a chart."""
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    return sheet


def csv_file(rows: list[list[object]], name: str = "data.csv") -> SimpleUploadedFile:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(), content_type="text/csv")


def preview(client, model, rows):
    """Upload a CSV to the import page: django-import-export's dry run."""
    name = model._meta.model_name
    return client.post(
        url(name, "import"),
        {"import_file": csv_file(rows), "format": format_index(model, "CSV")},
    )


def confirm(client, model, response):
    """Press "Confirm import" on a preview page."""
    form = response.context["confirm_form"]
    return client.post(url(model._meta.model_name, "process_import"), form.initial)


def row_errors(response) -> dict[int, str]:
    """Per-row validation messages of a preview, by row number."""
    result = response.context["result"]
    return {
        row.number: " ".join(
            message for messages in row.error_dict.values() for message in messages
        )
        for row in result.invalid_rows
    }


RECIPIENT_HEADER = ["id", "source_key", "kind", "name", "area", "rw_number", "residents"]
RECIPIENT_HEADER += ["longitude", "latitude"]


def test_recipient_preview_lists_bad_rows_and_confirm_saves_only_good_ones(
    admin_client, cast, areas, recipient_a, recipient_b
):
    kel_b = areas["kelurahan_b"].code
    rows = [
        RECIPIENT_HEADER,
        ["", "test:1", "panti_jompo", "Panti Werdha Baru", kel_b, "", "25", "106.80", "-6.17"],
        ["", "test:2", "panti_asuhan", "Bad Area", "99.99.99", "", "10", "", ""],
        ["", "test:3", "hotel", "Bad Kind", kel_b, "", "10", "", ""],
        ["", "test:4", "panti_asuhan", "Negative", kel_b, "", "-5", "", ""],
        [recipient_b.pk, "", "panti_asuhan", "Panti Asuhan Harapan Baru", kel_b, "", "41", "", ""],
        ["", "test:5", "pesantren", "Bad Place", kel_b, "", "", "200", "-6.1"],
        ["", "test:6", "rw", "Unknown RW", kel_b, "7", "", "", ""],
    ]
    response = preview(admin_client, Recipient, rows)

    assert response.status_code == 200
    errors = row_errors(response)
    assert sorted(errors) == [2, 3, 4, 6, 7]
    assert "Unknown area code “99.99.99”" in errors[2]
    assert "Unknown value “hotel”" in errors[3]
    assert "cannot be negative" in errors[4]
    assert "out of range" in errors[6]
    assert "No RW 7" in errors[7]
    page = response.content.decode()
    assert "Unknown area code" in page
    assert "saves these 2 valid rows and skips the rows with errors" in page
    assert "Panti Werdha Baru" in page
    assert Recipient.objects.count() == 2  # a dry run

    response = confirm(admin_client, Recipient, response)

    assert response.status_code == 302
    assert set(Recipient.objects.values_list("name", flat=True)) == {
        "RW 01 Gambir",
        "Panti Werdha Baru",
        "Panti Asuhan Harapan Baru",
    }
    created = Recipient.objects.get(source_key="test:1")
    assert created.location == {"type": "Point", "coordinates": [106.8, -6.17]}
    assert created.residents == 25
    recipient_b.refresh_from_db()
    assert recipient_b.residents == 41
    assert recipient_b.address == "Jl. Contoh No. 1"  # columns absent from the file are kept
    for recipient in (created, recipient_b):
        assert recipient.history.latest().history_user == cast["admin"]


def test_recipient_import_by_source_key_updates_and_links_rw(admin_client, areas, recipient_a):
    Recipient.objects.filter(pk=recipient_a.pk).update(source_key="rw:gambir:1")
    kel_a = areas["kelurahan_a"].code
    rows = [RECIPIENT_HEADER, ["", "rw:gambir:1", "rw", "RW Satu", kel_a, "1", "", "", ""]]
    response = preview(admin_client, Recipient, rows)
    assert row_errors(response) == {}
    confirm(admin_client, Recipient, response)
    recipient_a.refresh_from_db()
    assert recipient_a.name == "RW Satu"
    assert recipient_a.rw.number == 1
    assert Recipient.objects.count() == 1


def test_file_of_only_bad_rows_offers_no_confirm(admin_client, areas):
    rows = [RECIPIENT_HEADER, ["", "x:1", "hotel", "Bad", "99", "", "", "", ""]]
    response = preview(admin_client, Recipient, rows)
    assert response.status_code == 200
    assert "confirm_form" not in response.context
    assert Recipient.objects.count() == 0


def test_file_without_rows_is_a_form_error(admin_client, areas):
    response = preview(admin_client, Recipient, [RECIPIENT_HEADER])
    assert response.status_code == 200
    assert response.context["form"].errors


def test_need_import_keyed_by_recipient_and_package(
    admin_client, cast, recipient_a, recipient_b, packages
):
    need_a = recipient_a.needs.get()
    rows = [
        ["recipient", "package", "quantity"],
        [recipient_a.pk, "sembako", 200],
        [recipient_b.pk, "lebaran", 40],
        [recipient_a.pk, "no-such-package", 5],
        [recipient_b.pk, "siap-saji", -3],
        [99999, "sembako", 1],
    ]
    response = preview(admin_client, Need, rows)
    errors = row_errors(response)
    assert sorted(errors) == [3, 4, 5]
    assert "Unknown package code “no-such-package”" in errors[3]
    assert "cannot be negative" in errors[4]
    assert "Unknown recipient id “99999”" in errors[5]

    assert confirm(admin_client, Need, response).status_code == 302

    need_a.refresh_from_db()
    assert need_a.quantity == 200
    assert need_a.history.latest().history_user == cast["admin"]
    assert recipient_b.needs.get(package__code="lebaran").quantity == 40
    assert recipient_b.needs.get(package__code="siap-saji").quantity == 40
    assert Need.objects.count() == 3


def test_need_import_cannot_lower_a_need_below_what_is_pledged(admin_client, recipient_a):
    Need.objects.filter(recipient=recipient_a).update(pledged=100)
    rows = [["recipient", "package", "quantity"], [recipient_a.pk, "sembako", 50]]
    errors = row_errors(preview(admin_client, Need, rows))
    assert "already pledged or delivered" in errors[1]


def test_pledged_and_delivered_are_not_imported(admin_client, recipient_a):
    rows = [["recipient", "package", "quantity", "pledged"], [recipient_a.pk, "sembako", 120, 99]]
    confirm(admin_client, Need, preview(admin_client, Need, rows))
    assert recipient_a.needs.get().pledged == 0


# --- Export -----------------------------------------------------------------------------------


def export(client, model, file_format: str):
    """Post the export form with every column ticked, as its defaults are."""
    name = model._meta.model_name
    form = client.get(url(name, "export")).context["form"]
    data: dict[str, str | int] = {field: "on" for field in form.fields if field.startswith(name)}
    data["format"] = format_index(model, file_format, export=True)
    return client.post(url(name, "export"), data)


def test_recipient_csv_export_has_the_columns_and_rows(admin_client, recipient_a, recipient_b):
    Recipient.objects.filter(pk=recipient_b.pk).update(
        pj_email="siti@example.org", pj_phone="0812000000"
    )
    response = export(admin_client, Recipient, "CSV")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == RECIPIENT_COLUMNS
    by_name = {row["name"]: row for row in rows}
    assert set(by_name) == {"RW 01 Gambir", "Panti Asuhan Harapan"}
    assert by_name["RW 01 Gambir"]["area"] == "31.71.01.1001"
    assert by_name["RW 01 Gambir"]["rw_number"] == "1"
    assert by_name["RW 01 Gambir"]["households"] == "120"
    assert by_name["Panti Asuhan Harapan"]["longitude"] == "106.805"
    # The PJ's own contact stays in the admin form: never in a file that travels.
    assert "siti@example.org" not in text and "0812000000" not in text


def test_need_xlsx_export(admin_client, recipient_a, recipient_b):
    Need.objects.filter(recipient=recipient_a).update(pledged=20, delivered=10)
    response = export(admin_client, Need, "XLSX")
    assert response.status_code == 200
    sheet = active_sheet(load_workbook(io.BytesIO(response.content)))
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == NEED_COLUMNS
    by_name = {row[1]: dict(zip(NEED_COLUMNS, row, strict=True)) for row in rows[1:]}
    assert set(by_name) == {"RW 01 Gambir", "Panti Asuhan Harapan"}
    first = by_name["RW 01 Gambir"]
    assert (first["quantity"], first["pledged"], first["delivered"]) == (120, 20, 10)
    assert first["remaining"] == 90


def test_export_follows_the_changelist_filters(admin_client, recipient_a, recipient_b):
    name = "recipient"
    form = admin_client.get(url(name, "export")).context["form"]
    data: dict[str, str | int] = {field: "on" for field in form.fields if field.startswith(name)}
    data["format"] = format_index(Recipient, "CSV", export=True)
    response = admin_client.post(url(name, "export") + "?kind__exact=rw", data)
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["name"] for row in rows] == ["RW 01 Gambir"]


def test_recipient_named_like_a_formula_is_inert_in_csv_and_xlsx_exports(admin_client, recipient_a):
    Recipient.objects.filter(pk=recipient_a.pk).update(name="=1+1", pj_name="@SUM(A1)")
    response = export(admin_client, Recipient, "CSV")
    [csv_row] = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    assert (csv_row["name"], csv_row["pj_name"], csv_row["area"]) == (
        "'=1+1",
        "'@SUM(A1)",
        "31.71.01.1001",
    )
    response = export(admin_client, Need, "XLSX")
    sheet = active_sheet(load_workbook(io.BytesIO(response.content)))
    [cells] = list(sheet.iter_rows(min_row=2))
    cell = cells[NEED_COLUMNS.index("recipient_name")]
    assert (cell.data_type, cell.value) == ("s", "'=1+1")  # text, not a formula ("f")
    assert cells[NEED_COLUMNS.index("quantity")].value == 120  # numbers stay numbers


def test_a_neutralised_export_imports_back_unchanged(admin_client, recipient_a):
    Recipient.objects.filter(pk=recipient_a.pk).update(description="- beras 5 kg\n- minyak")
    text = export(admin_client, Recipient, "CSV").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][RECIPIENT_COLUMNS.index("description")] == "'- beras 5 kg\n- minyak"
    response = preview(admin_client, Recipient, rows)
    assert row_errors(response) == {}
    confirm(admin_client, Recipient, response)
    recipient_a.refresh_from_db()
    assert recipient_a.description == "- beras 5 kg\n- minyak"


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("staff", password="pw", is_staff=True)


@pytest.mark.parametrize("model", ["recipient", "need"])
def test_staff_without_view_permission_cannot_export_or_import(client, staff, model):
    client.force_login(staff)
    assert client.get(url(model, "export")).status_code == 403
    assert client.get(url(model, "import")).status_code == 403


def test_anonymous_export_is_redirected_to_login(client, recipient_a):
    response = client.get(url("recipient", "export"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_with_view_permission_can_export_but_not_import(client, staff, recipient_a):
    staff.user_permissions.add(Permission.objects.get(codename="view_recipient"))
    client.force_login(staff)
    response = export(client, Recipient, "CSV")
    assert response.status_code == 200
    assert "RW 01 Gambir" in response.content.decode("utf-8-sig")
    assert client.get(url("recipient", "import")).status_code == 403
    assert client.post(url("recipient", "process_import"), {}).status_code == 403


def test_xlsx_import_previews_and_saves(admin_client, areas):
    workbook = Workbook()
    sheet = active_sheet(workbook)
    sheet.append(["source_key", "kind", "name", "area", "residents"])
    sheet.append(["xlsx:1", "panti_asuhan", "Panti Dari Excel", areas["kelurahan_b"].code, 12])
    content = io.BytesIO()
    workbook.save(content)
    upload = SimpleUploadedFile("recipients.xlsx", content.getvalue())
    response = admin_client.post(
        url("recipient", "import"),
        {"import_file": upload, "format": format_index(Recipient, "XLSX")},
    )
    assert row_errors(response) == {}
    assert confirm(admin_client, Recipient, response).status_code == 302
    assert Recipient.objects.get(source_key="xlsx:1").residents == 12
