"""The people in charge in the admin: list, filters, search, the inline on a recipient's page,
and the CSV import with its dry run and per-row errors."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from recipients.models import PersonInCharge, Recipient

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:recipients_personincharge_changelist"
HEADER = ["user", "recipient", "start", "end"]


@pytest.fixture
def admin_client(client, cast, settings):
    client.force_login(cast["admin"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def preview(client, rows):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    upload = SimpleUploadedFile("pj.csv", out.getvalue().encode(), content_type="text/csv")
    return client.post(
        reverse("admin:recipients_personincharge_import"), {"import_file": upload, "format": 0}
    )


def row_errors(response) -> dict[int, str]:
    return {
        row.number: " ".join(m for messages in row.error_dict.values() for m in messages)
        for row in response.context["result"].invalid_rows
    }


def listed(client, query: str = "") -> set[str]:
    response = client.get(reverse(CHANGELIST) + query)
    assert response.status_code == 200
    return {str(link) for link in response.context["cl"].result_list}


def test_the_list_filters_current_and_ended_links(admin_client, cast, recipient_a, recipient_b):
    PersonInCharge.objects.filter(user=cast["pj_b"]).update(
        start=date(2020, 1, 1), end=date(2020, 12, 31)
    )
    assert len(listed(admin_client)) == 2
    assert listed(admin_client, "?status=current") == {f"pj_a — {recipient_a}"}
    assert listed(admin_client, "?status=ended") == {f"pj_b — {recipient_b}"}


def test_the_list_filters_by_kind_and_kota_and_searches(
    admin_client, cast, recipient_a, recipient_b
):
    assert listed(admin_client, "?recipient__kind=panti_asuhan") == {f"pj_b — {recipient_b}"}
    assert len(listed(admin_client, "?kota=31.71")) == 2
    assert listed(admin_client, "?q=Siti") == {f"pj_b — {recipient_b}"}
    assert listed(admin_client, "?q=Gambir") == {f"pj_a — {recipient_a}"}


def test_the_recipient_page_shows_its_people_in_charge(admin_client, cast, recipient_a):
    response = admin_client.get(reverse("admin:recipients_recipient_change", args=[recipient_a.pk]))
    assert response.status_code == 200
    assert "people_in_charge-TOTAL_FORMS" in response.content.decode()


@pytest.mark.parametrize("who", ["pj_a", "officer"])
def test_non_staff_cannot_reach_the_list(client, cast, recipient_a, who):
    client.force_login(cast[who])
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_import_previews_row_errors_and_saves_only_good_rows(
    admin_client, cast, recipient_a, recipient_b
):
    Recipient.objects.filter(pk=recipient_b.pk).update(source_key="panti:harapan")
    rows = [
        HEADER,
        ["officer", recipient_a.pk, "2024-01-01", ""],
        ["pj_a@example.org", "panti:harapan", "2024-02-01", "2024-12-31"],
        ["ghost", recipient_a.pk, "2024-01-01", ""],
        ["officer", "no-such-key", "2024-01-01", ""],
        ["officer", recipient_b.pk, "31/01/2024", ""],
        ["officer", recipient_b.pk, "2024-05-01", "2024-04-01"],
        ["officer", recipient_b.pk, "", ""],
    ]
    response = preview(admin_client, rows)

    assert response.status_code == 200
    errors = row_errors(response)
    assert sorted(errors) == [3, 4, 5, 6, 7]
    assert "Unknown user “ghost”" in errors[3]
    assert "Unknown recipient “no-such-key”" in errors[4]
    assert "write it as YYYY-MM-DD" in errors[5]
    assert "end date is before the start date" in errors[6]
    assert "Enter a date" in errors[7]
    assert PersonInCharge.objects.count() == 2  # a dry run

    response = admin_client.post(
        reverse("admin:recipients_personincharge_process_import"),
        response.context["confirm_form"].initial,
    )

    assert response.status_code == 302
    assert PersonInCharge.objects.count() == 4
    assert PersonInCharge.objects.get(user=cast["officer"]).recipient == recipient_a
    link = PersonInCharge.objects.get(user=cast["pj_a"], recipient=recipient_b)
    assert (link.start, link.end) == (date(2024, 2, 1), date(2024, 12, 31))


def test_importing_the_same_row_twice_changes_nothing(admin_client, cast, recipient_a):
    rows = [HEADER, ["officer", recipient_a.pk, "2024-01-01", ""]]
    for _ in range(2):
        response = preview(admin_client, rows)
        admin_client.post(
            reverse("admin:recipients_personincharge_process_import"),
            response.context["confirm_form"].initial,
        )
    assert PersonInCharge.objects.filter(user=cast["officer"]).count() == 1


def test_the_export_names_users_and_recipients(admin_client, cast, recipient_a):
    response = admin_client.post(
        reverse("admin:recipients_personincharge_export"),
        {
            "format": 0,
            "resource": 0,
            "personinchargeresource_user": True,
            "personinchargeresource_recipient": True,
            "personinchargeresource_recipient_name": True,
            "personinchargeresource_start": True,
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "pj_a" in text and recipient_a.name in text
