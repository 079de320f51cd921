"""The reporter's private link (/pengaduan/p/<token>/): the complaint with its timeline, more
information or photos, confirming or rejecting the outcome (reopening within the allowed
days), the reporter's own photos; private headers; 404 for any other key."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint, ComplaintEvent, ComplaintPhoto
from complaints.services import reopen_days
from ksbb.lib.images import clean_image
from tests.complaint_data import crm_data, file_complaint, follow_up
from tests.images import png, text_as_jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture
def crm(areas):
    return crm_data()


@pytest.fixture
def complaint(crm, areas) -> Complaint:
    return file_complaint(
        crm, areas["kelurahan_a"], reporter_name="Ani", photos=[clean_image(png())]
    )


def url(complaint: Complaint, name: str = "complaints:private", *args) -> str:
    return reverse(name, args=[complaint.token, *args])


def test_the_page_shows_the_complaint_with_private_headers(client, complaint):
    response = client.get(url(complaint))
    body = response.content.decode()
    assert response.status_code == 200
    assert complaint.number in body and complaint.description in body
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Robots-Tag"] == "noindex"


@pytest.mark.parametrize("token", ["x", "a" * 43, "%2e%2e", "%00", "a" * 65])
def test_any_other_key_is_404(client, complaint, token):
    assert client.get(f"/pengaduan/p/{token}/").status_code == 404


def test_the_reporter_sees_their_own_photo_and_nobody_without_the_key(
    client, complaint, crm, areas
):
    photo = complaint.photos.get()
    response = client.get(url(complaint, "complaints:private-photo", photo.pk))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    other = file_complaint(crm, areas["kelurahan_b"])
    assert client.get(url(other, "complaints:private-photo", photo.pk)).status_code == 404


def test_the_reporter_adds_information_seen_by_them_and_not_on_the_public_page(client, complaint):
    response = client.post(
        url(complaint, "complaints:private-information"),
        {"text": "Sentinel tambahan 9a", "photos": [png()]},
    )
    assert response.status_code == 302
    event = complaint.events.get(kind=ComplaintEvent.Kind.INFORMATION)
    assert event.internal_text == "Sentinel tambahan 9a"
    assert event.photos.get().source == ComplaintPhoto.Source.REPORTER
    assert "Sentinel tambahan 9a" in client.get(url(complaint)).content.decode()
    assert "Sentinel tambahan 9a" not in client.get(complaint.get_absolute_url()).content.decode()


def test_empty_information_is_refused_beside_the_form(client, complaint):
    response = client.post(url(complaint, "complaints:private-information"), {"text": "  "})
    assert response.status_code == 400
    assert response.context["information_form"].has_error("__all__", "empty")
    assert not complaint.events.filter(kind=ComplaintEvent.Kind.INFORMATION).exists()


def test_a_fake_photo_is_refused_and_the_text_kept(client, complaint):
    response = client.post(
        url(complaint, "complaints:private-information"),
        {"text": "Teks saya", "photos": [text_as_jpeg()]},
    )
    assert response.status_code == 400
    form = response.context["information_form"]
    assert form.has_error("photos", "not_an_image") and form.photos_lost
    assert "Teks saya" in response.content.decode()


def test_no_outcome_is_asked_while_the_complaint_is_open(client, complaint):
    response = client.get(url(complaint))
    assert not response.context["can_answer"]
    assert url(complaint, "complaints:private-outcome") not in response.content.decode()
    response = client.post(url(complaint, "complaints:private-outcome"), {"accept": "1"})
    assert response.status_code == 400
    complaint.refresh_from_db()
    assert complaint.status.is_open


def test_the_reporter_confirms_the_outcome(client, complaint, crm):
    follow_up(complaint, crm.awaiting_answer)
    assert client.get(url(complaint)).context["can_answer"]
    response = client.post(
        url(complaint, "complaints:private-outcome"), {"accept": "1", "text": "Terima kasih"}
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert not complaint.status.is_open and complaint.status != crm.awaiting_answer


def test_the_reporter_rejects_the_outcome_and_the_complaint_reopens(client, complaint, crm):
    follow_up(complaint, crm.awaiting_answer)
    response = client.post(
        url(complaint, "complaints:private-outcome"),
        {"accept": "0", "text": "Paket masih belum sampai"},
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status.is_open
    assert "Paket masih belum sampai" in client.get(url(complaint)).content.decode()
    assert "Paket masih belum sampai" not in (
        client.get(complaint.get_absolute_url()).content.decode()
    )


def test_rejecting_is_no_longer_offered_after_the_allowed_days(client, complaint, crm):
    follow_up(complaint, crm.awaiting_answer)
    long_ago = timezone.now() - timedelta(days=reopen_days() + 1)
    Complaint.objects.filter(pk=complaint.pk).update(closed_at=long_ago)
    form = client.get(url(complaint)).context["outcome_form"]
    assert [value for value, _label in form.fields["accept"].choices] == ["1"]
    response = client.post(url(complaint, "complaints:private-outcome"), {"accept": "0"})
    assert response.status_code == 400
    complaint.refresh_from_db()
    assert complaint.status == crm.awaiting_answer


def test_an_answer_without_a_choice_is_an_error_beside_the_field(client, complaint, crm):
    follow_up(complaint, crm.awaiting_answer)
    response = client.post(url(complaint, "complaints:private-outcome"), {"text": "hmm"})
    assert response.status_code == 400
    assert response.context["outcome_form"].has_error("accept", "required")
    assert "hmm" in response.content.decode()


def test_the_actions_accept_only_post(client, complaint):
    for name in ("complaints:private-information", "complaints:private-outcome"):
        assert client.get(url(complaint, name)).status_code == 405


def test_the_reporters_language_follows_the_page(client, complaint, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.get(url(complaint))
    complaint.refresh_from_db()
    assert complaint.language == "en"
