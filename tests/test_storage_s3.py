"""Files in S3-compatible object storage (STORAGE_BACKEND=s3, django-storages), tested against
moto's S3 server on a loopback port: letters and photos stored and read back through the
storage API, photos served only through the portal's permission checks, and no storage URL in
any page."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from io import BytesIO
from typing import Any

import pytest
from django.core.files.storage import storages
from django.urls import reverse
from PIL import Image

from commitments import services
from commitments.letter import letter_pdf
from commitments.models import Commitment, DeliveryPhoto
from commitments.testing import make_commitment
from complaints.models import ComplaintPhoto
from complaints.photos import save_photos
from ksbb.lib.images import clean_image
from tests.complaint_data import crm_data, file_complaint
from tests.images import png
from tests.multi_instance.environment import settings_for
from tests.multi_instance.s3 import S3Service, moto_s3

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def s3_service() -> Iterator[S3Service]:
    with moto_s3() as service:
        yield service


@pytest.fixture
def s3(s3_service, settings, monkeypatch) -> S3Service:
    """The portal's storages as settings.py builds them for the S3 service (credentials from
    the environment, as in production)."""
    s3_service.empty()
    for name, value in s3_service.env.items():
        monkeypatch.setenv(name, value)
    built = settings_for(s3_service.env)["STORAGES"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": built["default"],
        "private": built["private"],
    }
    return s3_service


@pytest.fixture
def pledge(recipient_a, recipient_b, packages, cast) -> Commitment:
    commitment = make_commitment(recipient_a, {packages["sembako"]: 30})
    return services.acknowledge(commitment=commitment, by=cast["pj_a"])


def anonymous_get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def files_under(path) -> list:
    return [p for p in path.rglob("*") if p.is_file()] if path.exists() else []


# --- Configuration ----------------------------------------------------------------------------


def test_settings_make_both_storages_private_s3_storages(s3_service):
    storages_setting = settings_for(s3_service.env)["STORAGES"]
    for name, bucket, location in (
        ("default", s3_service.bucket, "media"),
        ("private", s3_service.private_bucket, "private-media"),
    ):
        assert storages_setting[name]["BACKEND"] == "storages.backends.s3.S3Storage"
        options = storages_setting[name]["OPTIONS"]
        assert (options["bucket_name"], options["location"]) == (bucket, location)
        assert options["endpoint_url"] == s3_service.endpoint
        # No ACL sent (objects stay as private as the bucket); any URL signed and short-lived.
        assert options["default_acl"] is None
        assert options["querystring_auth"] is True
        assert options["querystring_expire"] == 300
    assert storages_setting["staticfiles"] == settings_for({})["STORAGES"]["staticfiles"]


def test_local_storage_is_the_default():
    storages_setting = settings_for({"STORAGE_BACKEND": "local"})["STORAGES"]
    assert storages_setting["default"]["BACKEND"].endswith("FileSystemStorage")
    assert storages_setting["private"]["OPTIONS"]["base_url"] is None


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"STORAGE_BACKEND": "s3", "S3_BUCKET": ""}, "S3_BUCKET must be set"),
        ({"STORAGE_BACKEND": "nfs"}, "STORAGE_BACKEND must be"),
    ],
)
def test_an_incomplete_or_unknown_storage_configuration_stops_the_start(env, message):
    with pytest.raises(RuntimeError, match=message):
        settings_for(env)


# --- Pledge letters ---------------------------------------------------------------------------


def test_the_letter_is_stored_in_the_bucket_and_read_back_from_it(s3, settings, pledge, client):
    first = letter_pdf(pledge)
    assert first.startswith(b"%PDF")
    pledge.refresh_from_db()
    key = f"media/{pledge.letter.name}"
    assert s3.keys(s3.bucket) == [key]
    assert s3.read(s3.bucket, key) == first
    assert files_under(settings.MEDIA_ROOT) == []  # nothing on this machine's disk
    # What is served is what the bucket holds (not a fresh rendering): replace it there.
    stored = first.replace(b"%PDF", b"%PDF-from-the-bucket", 1)
    s3.client.put_object(Bucket=s3.bucket, Key=key, Body=stored)
    response = client.get(reverse("commitments:letter", args=[pledge.token]))
    assert response.status_code == 200
    assert response.content == stored


def test_a_letter_missing_from_the_bucket_is_rendered_and_stored_again(s3, pledge):
    letter_pdf(pledge)
    pledge.refresh_from_db()
    key = f"media/{pledge.letter.name}"
    s3.client.delete_object(Bucket=s3.bucket, Key=key)
    again = letter_pdf(pledge)
    assert again.startswith(b"%PDF")
    assert s3.read(s3.bucket, key) == again


def test_a_stored_letter_is_not_public(s3, pledge):
    letter_pdf(pledge)
    pledge.refresh_from_db()
    assert anonymous_get(f"{s3.endpoint}/{s3.bucket}/media/{pledge.letter.name}") == 403


# --- Delivery photos --------------------------------------------------------------------------


@pytest.fixture
def photo(s3, client, pledge) -> DeliveryPhoto:
    report = reverse("commitments:private-report", args=[pledge.token])
    assert client.post(report, {"qty_sembako": "5", "photos": [png()]}).status_code == 302
    return DeliveryPhoto.objects.get()


def test_a_delivery_photo_goes_to_the_private_bucket_only(s3, settings, photo):
    assert s3.keys(s3.private_bucket) == [f"private-media/{photo.file}"]
    assert s3.keys(s3.bucket) == []
    assert files_under(settings.PRIVATE_MEDIA_ROOT) == []
    assert anonymous_get(f"{s3.endpoint}/{s3.private_bucket}/private-media/{photo.file}") == 403


@pytest.mark.parametrize(
    ("role", "status"),
    [("pj_a", 200), ("admin", 200), ("pj_b", 404), ("officer", 404), ("anonymous", 302)],
)
def test_the_delivery_photo_is_served_from_the_bucket_to_whoever_may_see_it(
    s3, client, cast, photo, role, status
):
    if cast[role] is not None:
        client.force_login(cast[role])
    response = client.get(photo.get_pj_url())
    assert response.status_code == status
    if status == 200:
        body = b"".join(response.streaming_content)
        assert body == s3.read(s3.private_bucket, f"private-media/{photo.file}")
        assert Image.open(BytesIO(body)).format == "PNG"
        assert response["Cache-Control"].startswith("private")


def test_a_photo_gone_from_the_bucket_is_a_404(s3, client, cast, photo):
    s3.client.delete_object(Bucket=s3.private_bucket, Key=f"private-media/{photo.file}")
    client.force_login(cast["pj_a"])
    assert client.get(photo.get_pj_url()).status_code == 404


# --- Complaint photos -------------------------------------------------------------------------


def _png_image() -> Any:
    out = BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="PNG")
    out.seek(0)
    return clean_image(out)


def test_a_reporters_photo_is_served_from_the_bucket_to_admins_and_no_one_else(
    s3, client, cast, areas
):
    complaint = file_complaint(crm_data(), areas["kelurahan_a"])
    [photo] = save_photos(complaint, [_png_image()], ComplaintPhoto.Source.REPORTER)
    assert s3.keys(s3.private_bucket) == [f"private-media/{photo.name}"]
    url = reverse("complaints:officer-photo", args=[photo.pk])
    assert client.get(url).status_code == 302  # anonymous: the login page
    client.force_login(cast["pj_a"])
    assert client.get(url).status_code == 404
    client.force_login(cast["admin"])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == storages["private"].open(photo.name).read()
    assert response["Cache-Control"].startswith("private, no-store")


# --- No storage URL in any page ---------------------------------------------------------------


def test_no_page_carries_a_storage_url(s3, client, cast, pledge, photo):
    letter_pdf(pledge)
    leaks = re.compile(rf"{re.escape(s3.endpoint)}|X-Amz-|AWSAccessKeyId|{s3.bucket}")
    pages = {
        None: [pledge.get_private_url(), pledge.get_absolute_url()],
        "pj_a": [reverse("commitments:pj-detail", args=[pledge.number])],
    }
    for role, urls in pages.items():
        client.logout()
        if role:
            client.force_login(cast[role])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert not leaks.search(response.content.decode()), url


def test_the_admin_page_of_a_commitment_carries_no_storage_url(s3, client, cast, pledge):
    letter_pdf(pledge)
    client.force_login(cast["admin"])
    page = client.get(reverse("admin:commitments_commitment_change", args=[pledge.pk]))
    assert page.status_code == 200
    assert s3.endpoint not in page.content.decode()
