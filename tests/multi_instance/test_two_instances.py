"""Two app instances behind no balancer behave as one portal: limits and lock-outs counted
across both, a session and CSRF token from one accepted by the other, a pledge made on one seen
at once on the other, files stored by one served by the other, and map layers published by
one answered by the other (conftest.py starts them)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django.contrib.auth import get_user_model
from django.urls import reverse

from commitments import services
from commitments.models import Commitment, DeliveryPhoto
from commitments.testing import make_commitment
from tests.images import png
from tests.multi_instance.instances import (
    LOGIN_FAILURE_LIMIT,
    RATE_LIMIT_LINK_RESENDS,
    ROOT,
    Instance,
    cheap_password,
)
from tests.test_pledge_views import form_data

# The instances read what the tests commit; serialized_rollback restores the seeded rows the
# flush after each test removes.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TIMEOUT = 20


def client(address: str) -> requests.Session:
    """A visitor at `address` (the instances trust one proxy: X-Forwarded-For names them)."""
    session = requests.Session()
    session.headers["X-Forwarded-For"] = address
    return session


def csrf_token(session: requests.Session, instance: Instance, path: str) -> str:
    """GET a form page (which sets the CSRF cookie) and return the cookie's secret, which
    Django accepts as the form's token."""
    response = session.get(instance.url(path), timeout=TIMEOUT)
    assert response.status_code == 200, response.text[:500]
    token = session.cookies.get("csrftoken")
    assert token, f"{path} set no CSRF cookie"
    return token


def post(session: requests.Session, instance: Instance, path: str, data: dict, **kwargs):
    return session.post(
        instance.url(path),
        data={"csrfmiddlewaretoken": session.cookies.get("csrftoken", ""), **data},
        allow_redirects=False,
        timeout=TIMEOUT,
        **kwargs,
    )


@pytest.fixture
def pj_a(recipient_a, cast):
    """pj_a with a password hash the instances can check cheaply."""
    user = cast["pj_a"]
    get_user_model().objects.filter(pk=user.pk).update(password=cheap_password("pw"))
    return user


# --- (a) Rate limits and lock-outs ------------------------------------------------------------


def test_rate_limits_and_login_lock_outs_are_counted_across_both_instances(pair, pj_a):
    visitor = client("203.0.113.10")
    csrf_token(visitor, pair.a, "/k/kirim-ulang/")
    data = {"number": "KSBB-2020-000999", "email": "someone@example.org"}
    alternating = [pair.a, pair.b] * RATE_LIMIT_LINK_RESENDS
    statuses = [
        post(visitor, instance, "/k/kirim-ulang/", data).status_code for instance in alternating
    ]
    # Each instance alone saw no more requests than the limit: only a shared count refuses.
    limit = RATE_LIMIT_LINK_RESENDS
    assert statuses == [302] * limit + [429] * (len(alternating) - limit)
    other = client("203.0.113.11")  # another client is not affected
    csrf_token(other, pair.b, "/k/kirim-ulang/")
    assert post(other, pair.b, "/k/kirim-ulang/", data).status_code == 302

    # Failed logins for one account, from several clients, alternating between the instances:
    # the one that reaches the limit is answered with the lock-out by an instance that saw
    # fewer, and then the right password is refused by both.
    statuses = []
    for n in range(LOGIN_FAILURE_LIMIT):
        visitor = client(f"198.51.100.{n + 1}")
        instance = (pair.a, pair.b)[n % 2]
        csrf_token(visitor, instance, "/akun/masuk/")
        failed = post(visitor, instance, "/akun/masuk/", {"username": "pj_a", "password": "x"})
        statuses.append(failed.status_code)
    assert statuses == [200] * (LOGIN_FAILURE_LIMIT - 1) + [429]
    for instance in pair:
        visitor = client("198.51.100.99")
        csrf_token(visitor, instance, "/akun/masuk/")
        locked = post(visitor, instance, "/akun/masuk/", {"username": "pj_a", "password": "pw"})
        assert locked.status_code == 429
        assert "sessionid" not in visitor.cookies


# --- (b) Sessions and CSRF --------------------------------------------------------------------


def test_a_session_and_csrf_token_from_one_instance_are_good_on_the_other(pair, pj_a):
    visitor = client("192.0.2.20")
    csrf_token(visitor, pair.a, "/akun/masuk/")
    # Without the token, neither instance takes the form.
    for instance in pair:
        refused = visitor.post(
            instance.url("/akun/masuk/"),
            data={"username": "pj_a", "password": "pw"},
            timeout=TIMEOUT,
        )
        assert refused.status_code == 403
    # With the token A gave, B logs in; the session B made is A's too.
    login = post(visitor, pair.b, "/akun/masuk/", {"username": "pj_a", "password": "pw"})
    assert login.status_code == 302, login.text[:500]
    assert login.headers["Location"] == reverse("commitments:pj-dashboard")
    dashboard = visitor.get(pair.a.url("/pj/"), allow_redirects=False, timeout=TIMEOUT)
    assert dashboard.status_code == 200
    assert "RW 01 Gambir" in dashboard.text
    # The token B rotated at login is good on A, which logs the session out for both.
    assert post(visitor, pair.a, "/akun/keluar/", {}).status_code == 302
    for instance in pair:
        assert visitor.get(instance.url("/pj/"), allow_redirects=False, timeout=TIMEOUT).is_redirect


# --- (c) A pledge on one, seen at once on the other -------------------------------------------


def figures(instance: Instance, recipient_id: int) -> dict[str, object]:
    """What B shows of the pledged quantity: status.json, the map page's totals, the recipient
    page's need table (quantity, pledged, delivered, still open)."""
    status = requests.get(instance.url("/api/v1/status.json"), timeout=TIMEOUT).json()
    home = requests.get(instance.url("/"), timeout=TIMEOUT).text
    page = requests.get(instance.url(f"/penerima/{recipient_id}/"), timeout=TIMEOUT).text
    home_pledged = re.search(r'id="total-pledged">([^<]*)<', home)
    return {
        "status.json": status["totals"]["pledged"],
        "status.json recipient": status["recipients"][str(recipient_id)]["pledged"],
        "map totals": home_pledged.group(1) if home_pledged else None,
        "recipient page": re.findall(r'<td class="text-end">([\d.,]+)</td>', page),
    }


def test_a_pledge_made_on_one_instance_shows_at_once_on_the_other(pair, recipient_a):
    before = figures(pair.b, recipient_a.pk)  # B builds and caches the figures first
    assert before == {
        "status.json": 0,
        "status.json recipient": 0,
        "map totals": "0",
        "recipient page": ["120", "0", "0", "120"],
    }
    donor = client("192.0.2.30")
    form = reverse("commitments:create", args=[recipient_a.pk])
    csrf_token(donor, pair.a, form)
    pledged = post(donor, pair.a, form, form_data(qty_sembako="15"))
    assert pledged.status_code == 302, pledged.text[:1000]
    assert pledged.headers["Location"].startswith("/k/")
    assert figures(pair.b, recipient_a.pk) == {
        "status.json": 15,
        "status.json recipient": 15,
        "map totals": "15",
        "recipient page": ["120", "15", "0", "105"],
    }


# --- (d) Files: stored by one, served by the other --------------------------------------------


def files_under(path: Path) -> list[Path]:
    return [p for p in path.rglob("*") if p.is_file()] if path.exists() else []


def test_files_stored_through_one_instance_are_served_by_the_other(
    pair, recipient_a, packages, cast
):
    """The instances have disks of their own (MEDIA_ROOT, PRIVATE_MEDIA_ROOT): only the
    shared storage (S3) can make this work."""
    commitment = make_commitment(recipient_a, {packages["sembako"]: 10})
    letter_path = reverse("commitments:letter", args=[commitment.token])
    from_a = requests.get(pair.a.url(letter_path), timeout=TIMEOUT)
    assert from_a.status_code == 200
    assert from_a.content.startswith(b"%PDF")
    key = f"media/{Commitment.objects.get(pk=commitment.pk).letter.name}"
    assert pair.s3.keys(pair.s3.bucket) == [key]
    assert pair.s3.read(pair.s3.bucket, key) == from_a.content
    from_b = requests.get(pair.b.url(letter_path), timeout=TIMEOUT)
    assert from_b.status_code == 200
    assert from_b.content == from_a.content
    # B served the stored letter, not one of its own rendering: mark the stored copy.
    marked = from_a.content.replace(b"%PDF", b"%PDF-stored-by-A", 1)
    pair.s3.client.put_object(Bucket=pair.s3.bucket, Key=key, Body=marked)
    assert requests.get(pair.b.url(letter_path), timeout=TIMEOUT).content == marked

    # A delivery photo uploaded through A, served by B to the private link's holder only.
    services.acknowledge(commitment=commitment, by=cast["pj_a"])
    donor = client("192.0.2.40")
    csrf_token(donor, pair.a, commitment.get_private_url())
    reported = post(
        donor,
        pair.a,
        reverse("commitments:private-report", args=[commitment.token]),
        {"qty_sembako": "5"},
        files={"photos": ("delivery.png", png().read(), "image/png")},
    )
    assert reported.status_code == 302, reported.text[:1000]
    photo = DeliveryPhoto.objects.get(report__commitment=commitment)
    from_b = donor.get(pair.b.url(photo.get_private_url(commitment.token)), timeout=TIMEOUT)
    assert from_b.status_code == 200
    assert from_b.content == pair.s3.read(pair.s3.private_bucket, f"private-media/{photo.file}")
    anonymous = requests.get(pair.b.url(photo.get_pj_url()), allow_redirects=False, timeout=TIMEOUT)
    assert anonymous.status_code == 302  # to the login page
    for instance in pair:
        assert files_under(instance.media_root) == []
        assert files_under(instance.private_media_root) == []


# --- publish_geometry on any instance ---------------------------------------------------------


def test_a_map_layer_published_on_one_instance_is_answered_by_the_other(pair, recipient_a):
    home = requests.get(pair.a.url("/"), timeout=TIMEOUT).text
    config = re.search(r'id="map-config" type="application/json">(.*?)</script>', home)
    assert config, "the map page has no map-config"
    layer_url = json.loads(config.group(1))["api"]["kelurahan"]
    digest = layer_url.rsplit("?v=", 1)[1]
    published = pair.a.publish_root / f"kelurahan.{digest}.geojson"
    assert published.exists()  # A wrote it when it rendered the page
    assert not (pair.b.publish_root / published.name).exists()
    # nginx in front of B finds no file and hands the URL to B (error_page 404 = @django):
    from_b = requests.get(pair.b.url(layer_url), timeout=TIMEOUT)
    assert from_b.status_code == 200
    assert from_b.content == published.read_bytes()
    assert "immutable" in from_b.headers["Cache-Control"]
    # publish_geometry run on B writes the same files to B's disk.
    subprocess.run(
        [sys.executable, "manage.py", "publish_geometry"],
        cwd=ROOT,
        env=pair.b.env,
        check=True,
        capture_output=True,
        timeout=60,
    )
    assert (pair.b.publish_root / published.name).read_bytes() == published.read_bytes()
