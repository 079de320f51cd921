"""The public complaint page (/pengaduan/): the official channels from the data, the form with
its `?ref=` pre-fill, its validation (never a 500, nothing typed lost), honeypot, rate limit,
photos checked by content, anonymous complaints, and the redirect to the private link."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from commitments.testing import make_commitment
from complaints.models import Channel, Complaint, ComplaintPhoto
from complaints.references import recipient_ref
from tests.complaint_data import crm_data
from tests.images import jpeg_with_gps, png, text_as_jpeg

pytestmark = pytest.mark.django_db
URL = "/pengaduan/"


@pytest.fixture
def crm(areas):
    return crm_data()


@pytest.fixture
def pledge(recipient_a, packages):
    return make_commitment(recipient_a, {packages["sembako"]: 5})


def valid(crm, areas, **extra) -> dict:
    data = {
        "category": str(crm.category.pk),
        "kelurahan": areas["kelurahan_b"].code,
        "description": "Paket sembako tidak pernah sampai ke RT 03.",
    }
    data.update(extra)
    return data


def test_the_form_is_served_at_pengaduan(crm):
    assert reverse("complaints:form") == URL


def test_the_page_lists_the_active_official_channels_from_the_data(client, crm):
    Channel.objects.create(name="Kanal Uji Aktif", kind="web", contact="uji.example")
    Channel.objects.create(
        name="Kanal Uji Lama", kind="web", contact="lama.example", is_active=False
    )
    body = client.get(URL).content.decode()
    for channel in Channel.objects.filter(is_active=True):
        assert channel.name in body
    assert "Kanal Uji Aktif" in body and "Kanal Uji Lama" not in body


def test_the_kelurahan_select_is_grouped_by_kota_and_kecamatan(client, crm, areas):
    body = client.get(URL).content.decode()
    assert '<optgroup label="Jakarta Pusat — Gambir">' in body
    assert f'value="{areas["kelurahan_b"].code}"' in body


def test_an_anonymous_complaint_is_accepted_and_leads_to_its_private_link(client, crm, areas):
    response = client.post(URL, valid(crm, areas))
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == complaint.get_private_url()
    assert complaint.kelurahan == areas["kelurahan_b"]
    assert complaint.status == crm.initial
    assert (complaint.reporter_name, complaint.reporter_phone, complaint.reporter_email) == (
        "",
        "",
        "",
    )
    page = client.get(response["Location"])
    assert complaint.number in page.content.decode()


def test_the_reporter_with_an_address_is_mailed_the_number_and_the_link(
    client, crm, areas, django_capture_on_commit_callbacks
):
    data = valid(crm, areas, reporter_name="Ani", reporter_email="ani@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, data)
    complaint = Complaint.objects.get()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ani@example.org"]
    assert complaint.number in mail.outbox[0].body
    assert complaint.private_url in mail.outbox[0].body


def test_an_anonymous_reporter_is_mailed_nothing(
    client, crm, areas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, valid(crm, areas))
    assert mail.outbox == []


def test_the_phone_is_stored_in_its_canonical_form(client, crm, areas):
    client.post(URL, valid(crm, areas, reporter_phone="0812-3456-7890"))
    assert Complaint.objects.get().reporter_phone == "+6281234567890"


def test_the_language_of_the_page_is_the_reporters(client, crm, areas, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post(URL, valid(crm, areas))
    assert Complaint.objects.get().language == "en"


def test_a_pledge_reference_prefills_the_pledge_its_recipient_and_kelurahan(
    client, crm, pledge, areas
):
    response = client.get(f"{URL}?ref={pledge.number}")
    form = response.context["form"]
    assert form.reference.commitment == pledge
    assert "kelurahan" not in form.fields  # taken from the recipient
    assert pledge.number in response.content.decode()
    data = valid(crm, areas, ref=pledge.number.lower())
    del data["kelurahan"]
    assert client.post(URL, data).status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.commitment == pledge
    assert complaint.recipient == pledge.recipient
    assert complaint.kelurahan == areas["kelurahan_a"]


def test_a_recipient_reference_prefills_the_recipient(client, crm, recipient_b, areas):
    ref = recipient_ref(recipient_b)
    assert ref == f"penerima-{recipient_b.pk}"
    assert client.get(f"{URL}?ref={ref}").context["form"].reference.recipient == recipient_b
    data = valid(crm, areas, ref=ref, kelurahan="")
    assert client.post(URL, data).status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.recipient, complaint.commitment) == (recipient_b, None)
    assert complaint.kelurahan == areas["kelurahan_b"]


def test_a_link_with_an_unknown_reference_says_so_and_still_offers_the_form(client, crm):
    response = client.get(f"{URL}?ref=KSBB-2020-999999")
    assert response.status_code == 200
    assert response.context["unknown_ref"]
    assert "kelurahan" in response.context["form"].fields


@pytest.mark.parametrize("ref", ["KSBB-2020-999999", "penerima-99999", "anything", "<script>"])
def test_an_unknown_reference_is_an_error_beside_its_field(client, crm, areas, ref):
    response = client.post(URL, valid(crm, areas, ref=ref))
    assert response.status_code == 200
    assert response.context["form"].has_error("ref", "unknown_ref")
    assert not Complaint.objects.exists()


def test_without_a_reference_the_kelurahan_must_be_chosen(client, crm, areas):
    response = client.post(URL, valid(crm, areas, kelurahan=""))
    assert response.context["form"].has_error("kelurahan", "required")
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("category", "", "required"),
        ("category", "999999", "invalid_choice"),
        ("category", "x' OR 1=1", "invalid_choice"),
        ("kelurahan", "31.71.01", "invalid_choice"),  # a kecamatan, not a kelurahan
        ("kelurahan", "nope", "invalid_choice"),
        ("description", "", "required"),
        ("description", "x" * 4001, "max_length"),
        ("reporter_phone", "12345", "invalid_phone"),
        ("reporter_phone", "+1 202 555 0100", "invalid_phone"),
        ("reporter_email", "not-an-address", "invalid"),
        ("reporter_name", "n" * 151, "max_length"),
        ("ref", "r" * 31, "max_length"),
    ],
)
def test_bad_input_is_reported_beside_its_field_and_nothing_typed_is_lost(
    client, crm, areas, field, value, code
):
    data = valid(crm, areas, reporter_name="Ani Sentosa", reporter_email="ani@example.org")
    data[field] = value
    response = client.post(URL, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.has_error(field, code), form.errors.as_data()
    body = response.content.decode()
    for name in ("reporter_name", "description"):
        if name != field:
            assert data[name] in body
    assert not Complaint.objects.exists()


def test_the_honeypot_turns_a_bot_away(client, crm, areas):
    response = client.post(URL, valid(crm, areas, website="http://spam.example"))
    assert response.context["form"].has_error("website", "spam")
    assert not Complaint.objects.exists()


def test_the_rate_limit_answers_429_with_retry_after(client, crm, areas, settings):
    settings.KSBB_RATE_LIMITS = {**settings.KSBB_RATE_LIMITS, "complaint": (2, 3600)}
    for _ in range(2):
        assert client.post(URL, valid(crm, areas)).status_code == 302
    response = client.post(URL, valid(crm, areas))
    assert response.status_code == 429
    assert "Retry-After" in response
    assert Complaint.objects.count() == 2
    assert client.get(URL).status_code == 200  # reading the page is not limited


def test_photos_are_kept_as_the_reporters_private_photos_without_metadata(client, crm, areas):
    from django.core.files.storage import storages

    data = valid(crm, areas, photos=[jpeg_with_gps(), png()])
    assert client.post(URL, data).status_code == 302
    photos = ComplaintPhoto.objects.filter(complaint=Complaint.objects.get())
    assert sorted(p.content_type for p in photos) == ["image/jpeg", "image/png"]
    assert {p.source for p in photos} == {ComplaintPhoto.Source.REPORTER}
    jpeg = photos.get(content_type="image/jpeg")
    content = storages["private"].open(jpeg.name).read()
    assert b"SentinelCam" not in content and b"GPS" not in content


def test_a_file_that_only_pretends_to_be_a_photo_is_refused_and_the_form_says_to_choose_again(
    client, crm, areas
):
    data = valid(crm, areas, photos=[text_as_jpeg()])
    response = client.post(URL, data)
    form = response.context["form"]
    assert form.has_error("photos", "not_an_image")
    assert form.photos_lost
    assert 'role="alert"' in response.content.decode()
    assert data["description"] in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_get_never_files_anything_and_other_methods_are_refused(client, crm):
    assert client.put(URL).status_code == 405
    assert not Complaint.objects.exists()


def test_every_pledge_and_recipient_page_and_the_pjs_flag_link_to_the_prefilled_form(
    client, crm, pledge, recipient_b, cast
):
    from commitments.views.pj import flag_problem_url

    body = client.get(pledge.get_absolute_url()).content.decode()
    assert f'href="{URL}?ref={pledge.number}"' in body
    body = client.get(reverse("recipients:detail", args=[recipient_b.pk])).content.decode()
    assert f'href="{URL}?ref={recipient_ref(recipient_b)}"' in body
    assert flag_problem_url(pledge) == f"{URL}?ref={pledge.number}"
    assert f'href="{URL}"' in client.get(reverse("recipients:home")).content.decode()
