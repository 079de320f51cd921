"""The public tracking page (/pengaduan/lacak/<number>/) and its look-up: category, area,
status timeline with public follow-ups and dates, due date and overdue flag, officers' proof
photos only — never the reporter, their words or their photos."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint, ComplaintPhoto
from ksbb.lib.images import clean_image
from tests.complaint_data import crm_data, file_complaint, follow_up
from tests.images import jpeg_with_gps, png

pytestmark = pytest.mark.django_db

NAME, PHONE, EMAIL = "Sentinel Pelapor 41c", "+6281388000444", "pelapor-41c@example.org"


@pytest.fixture
def crm(areas):
    return crm_data()


@pytest.fixture
def complaint(crm, areas) -> Complaint:
    complaint = file_complaint(
        crm,
        areas["kelurahan_a"],
        reporter_name=NAME,
        reporter_phone=PHONE,
        reporter_email=EMAIL,
        photos=[clean_image(png())],
    )
    return Complaint.objects.get(pk=complaint.pk)


def test_the_page_shows_category_area_status_due_date_and_the_public_follow_up(
    client, complaint, crm
):
    follow_up(complaint, crm.awaiting_answer, "Paket sudah diantar ulang oleh kelurahan.")
    response = client.get(complaint.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert complaint.number in body
    assert complaint.category.name in body
    assert "Gambir, Gambir, Jakarta Pusat" in body
    assert crm.initial.name in body and crm.awaiting_answer.name in body
    assert "Paket sudah diantar ulang oleh kelurahan." in body
    assert f"{complaint.due_date.day} " in body
    assert response.context["overdue"] is False


def test_the_page_never_shows_the_reporter_their_text_or_their_photos(client, complaint):
    from complaints.services import add_information

    add_information(complaint=complaint, text="Sentinel info rahasia", photos=[clean_image(png())])
    body = client.get(complaint.get_absolute_url()).content.decode()
    for secret in (NAME, PHONE, PHONE[1:], EMAIL, complaint.description, "Sentinel info rahasia"):
        assert secret not in body
    assert complaint.token not in body
    for photo in complaint.photos.all():
        assert photo.name not in body
        assert reverse("complaints:track-photo", args=[complaint.number, photo.pk]) not in body


def test_an_overdue_complaint_stands_out_in_words(client, complaint, settings):
    Complaint.objects.filter(pk=complaint.pk).update(
        due_date=timezone.localdate() - timedelta(days=1)
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(complaint.get_absolute_url())
    assert response.context["overdue"] is True
    assert "Overdue" in response.content.decode()


def test_a_closed_complaint_past_its_due_date_is_not_overdue(client, complaint, crm):
    follow_up(complaint, crm.awaiting_answer)
    Complaint.objects.filter(pk=complaint.pk).update(
        due_date=timezone.localdate() - timedelta(days=1)
    )
    assert client.get(complaint.get_absolute_url()).context["overdue"] is False


def test_the_officers_proof_photo_is_shown_and_served(client, complaint, crm):
    event = follow_up(complaint, crm.awaiting_answer, photos=[clean_image(jpeg_with_gps())])
    proof = event.photos.get()
    assert proof.source == ComplaintPhoto.Source.OFFICER
    url = reverse("complaints:track-photo", args=[complaint.number, proof.pk])
    assert url in client.get(complaint.get_absolute_url()).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"


def test_a_reporters_photo_is_404_on_the_public_side(client, complaint):
    photo = complaint.photos.get(source=ComplaintPhoto.Source.REPORTER)
    url = reverse("complaints:track-photo", args=[complaint.number, photo.pk])
    assert client.get(url).status_code == 404


def test_a_photo_under_a_malformed_number_is_404(client, complaint):
    assert client.get("/pengaduan/lacak/%00/foto/1/").status_code == 404


def test_a_photo_of_another_complaint_is_404(client, complaint, crm, areas):
    other = file_complaint(crm, areas["kelurahan_b"])
    event = follow_up(other, crm.awaiting_answer, photos=[clean_image(png())])
    url = reverse("complaints:track-photo", args=[complaint.number, event.photos.get().pk])
    assert client.get(url).status_code == 404


def test_a_number_typed_in_lower_case_leads_to_the_page(client, complaint):
    response = client.get(reverse("complaints:track", args=[complaint.number.lower()]))
    assert response.status_code == 302
    assert response["Location"] == complaint.get_absolute_url()


@pytest.mark.parametrize("number", ["CRM-2000-000001", "nope", "%00", "x" * 200])
def test_an_unknown_number_is_404(client, complaint, number):
    assert client.get(f"/pengaduan/lacak/{number}/").status_code == 404


def test_the_look_up_form_leads_to_a_known_number(client, complaint):
    response = client.get(reverse("complaints:lookup"), {"number": f" {complaint.number.lower()} "})
    assert response.status_code == 302
    assert response["Location"] == complaint.get_absolute_url()


@pytest.mark.parametrize("number", ["CRM-2000-000001", "", "x" * 21])
def test_the_look_up_form_explains_an_unknown_or_bad_number(client, crm, number):
    response = client.get(reverse("complaints:lookup"), {"number": number})
    assert response.status_code == 200
    assert response.context["lookup_form"].errors["number"]


def test_the_look_up_page_without_a_number_shows_the_form(client, crm):
    response = client.get(reverse("complaints:lookup"))
    assert response.status_code == 200
    assert not response.context["lookup_form"].errors


def test_the_page_loads_no_reporter_field(complaint, django_assert_max_num_queries):
    from complaints.views.tracking import _get_public_complaint

    loaded = _get_public_complaint(complaint.number)
    assert {"reporter_name", "reporter_phone", "reporter_email", "description", "token"} <= (
        loaded.get_deferred_fields()
    )
