"""Delivery photos: checked by content, re-encoded without metadata, stored privately and
served only to the pledge's PJ, its private-link holder and admins."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from commitments import services
from commitments.models import Commitment, DeliveryPhoto
from commitments.testing import make_commitment
from ksbb.lib.images import ImageRejected, clean_image
from tests.images import CAMERA, jpeg_with_gps, png, text_as_jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture
def pledge(recipient_a, recipient_b, packages, cast) -> Commitment:
    commitment = make_commitment(recipient_a, {packages["sembako"]: 30})
    return services.acknowledge(commitment=commitment, by=cast["pj_a"])


def report_url(pledge: Commitment) -> str:
    return reverse("commitments:private-report", args=[pledge.token])


def test_gps_and_camera_metadata_are_gone_after_upload_and_orientation_is_applied(
    client, pledge, settings
):
    response = client.post(report_url(pledge), {"qty_sembako": "5", "photos": [jpeg_with_gps()]})
    assert response.status_code == 302
    photo = DeliveryPhoto.objects.get()
    stored = storages["private"].open(photo.file).read()
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    assert image.size == (40, 60)  # the 60x40 original, turned as its EXIF said
    assert not image.getexif()
    assert CAMERA.encode() not in stored
    assert str(settings.PRIVATE_MEDIA_ROOT) in storages["private"].path(photo.file)
    assert not str(settings.PRIVATE_MEDIA_ROOT).startswith(str(settings.MEDIA_ROOT))


def test_a_text_file_named_jpg_is_refused_with_a_clear_message(client, pledge):
    response = client.post(report_url(pledge), {"qty_sembako": "5", "photos": [text_as_jpeg()]})
    assert response.status_code == 400
    form = response.context["report_form"]
    assert form.has_error("photos", "not_an_image")
    assert not DeliveryPhoto.objects.exists()
    assert pledge.lines.get().reported == 0


def test_an_oversized_photo_is_refused(client, pledge, settings):
    padded = jpeg_with_gps().read() + b"\0" * (5 * 1024 * 1024)
    big = SimpleUploadedFile("big.jpg", padded, content_type="image/jpeg")
    response = client.post(report_url(pledge), {"qty_sembako": "5", "photos": [big]})
    assert response.context["report_form"].has_error("photos", "too_large")
    with pytest.raises(ImageRejected) as rejected:
        clean_image(io.BytesIO(b"\xff" * 101), max_bytes=100)
    assert rejected.value.code == "too_large"


def test_a_form_failing_on_another_field_says_the_photo_must_be_chosen_again(client, pledge):
    response = client.post(report_url(pledge), {"qty_sembako": "999", "photos": [png()]})
    assert response.status_code == 400
    assert response.context["report_form"].photos_lost
    assert 'role="alert"' in response.content.decode()


@pytest.fixture
def photo(client, pledge) -> DeliveryPhoto:
    client.post(report_url(pledge), {"qty_sembako": "5", "photos": [png()]})
    return DeliveryPhoto.objects.get()


@pytest.mark.parametrize(
    ("role", "status"),
    [("pj_a", 200), ("admin", 200), ("pj_b", 404), ("officer", 404), ("anonymous", 302)],
)
def test_the_photo_is_served_only_to_the_pj_and_admins(client, cast, photo, role, status):
    if cast[role] is not None:
        client.force_login(cast[role])
    response = client.get(photo.get_pj_url())
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "image/png"
        assert response["Cache-Control"].startswith("private")


def test_the_private_link_holder_sees_the_photos_of_their_pledge_only(
    client, pledge, photo, recipient_a, packages
):
    assert client.get(photo.get_private_url(pledge.token)).status_code == 200
    other = make_commitment(recipient_a, {packages["sembako"]: 1})
    assert client.get(photo.get_private_url(other.token)).status_code == 404
    assert client.get(photo.get_private_url("nope")).status_code == 404


def test_the_pj_confirms_with_a_photo_and_both_sides_see_it(client, cast, pledge):
    client.force_login(cast["pj_a"])
    url = reverse("commitments:pj-confirm", args=[pledge.number])
    assert client.post(url, {"qty_sembako": "5", "photos": [png()]}).status_code == 302
    photo = DeliveryPhoto.objects.get()
    assert photo.report.side == "pj"
    assert (
        photo.get_pj_url()
        in client.get(reverse("commitments:pj-detail", args=[pledge.number])).content.decode()
    )
    assert (
        photo.get_private_url(pledge.token) in client.get(pledge.get_private_url()).content.decode()
    )


def test_public_page_never_links_a_photo(client, pledge, photo):
    body = client.get(pledge.get_absolute_url()).content.decode()
    assert "/foto/" not in body
