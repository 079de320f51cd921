"""Shared fixtures: a small area tree, recipients, and the cast of users every view that shows
or changes private data is tested against."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import translation
from django_q.conf import Conf

from ksbb.lib import httpcache
from ksbb.lib.reference_data import load_reference_data
from recipients.models import RW, Area, Need, Package, PersonInCharge, Recipient


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Pledge letters and uploads go to a throwaway directory, never into the project."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    private = {**settings.STORAGES["private"]}
    private["OPTIONS"] = {**private["OPTIONS"], "location": settings.PRIVATE_MEDIA_ROOT}
    settings.STORAGES = {**settings.STORAGES, "private": private}


@pytest.fixture(autouse=True)
def _jobs_run_inline(monkeypatch, request):
    """A mail queued in the outbox is sent as soon as its transaction commits (django-q2's sync
    mode: the task runs in the test's process), so tests read it from `mail.outbox`. Tests of
    the outbox's waiting and retrying ask for `outbox_waits` instead."""
    if "outbox_waits" not in request.fixturenames:
        monkeypatch.setattr(Conf, "SYNC", True)


@pytest.fixture
def outbox_waits(monkeypatch):
    """Queued mail stays in the outbox (and django-q2's queue) until a test sends it."""
    monkeypatch.setattr(Conf, "SYNC", False)


@pytest.fixture(autouse=True)
def _empty_caches():
    """Cached payloads and counters must not leak from one test into the next."""
    cache.clear()
    httpcache.memo.clear()
    yield
    cache.clear()
    httpcache.memo.clear()


@pytest.fixture
def english():
    """Messages in English, whatever language an earlier test left active (tests that read
    import reports and command output assert the English text)."""
    with translation.override("en"):
        yield


@pytest.fixture
def areas(db) -> dict[str, Area]:
    """Province > kota > kecamatan > two kelurahan, with small square boundaries."""

    def square(lon: float, lat: float, size: float = 0.01) -> dict:
        ring = [
            [lon, lat],
            [lon + size, lat],
            [lon + size, lat + size],
            [lon, lat + size],
            [lon, lat],
        ]
        return {"type": "Polygon", "coordinates": [ring]}

    province = Area.objects.create(code="31", level=Area.Level.PROVINCE, name="DKI Jakarta")
    kota = Area.objects.create(
        code="31.71", level=Area.Level.KOTA, name="Jakarta Pusat", parent=province
    )
    kecamatan = Area.objects.create(
        code="31.71.01", level=Area.Level.KECAMATAN, name="Gambir", parent=kota
    )
    kel_a = Area.objects.create(
        code="31.71.01.1001",
        level=Area.Level.KELURAHAN,
        name="Gambir",
        parent=kecamatan,
        boundary=square(106.81, -6.18),
        population=3088,
        households=1088,
    )
    kel_b = Area.objects.create(
        code="31.71.01.1002",
        level=Area.Level.KELURAHAN,
        name="Cideng",
        parent=kecamatan,
        boundary=square(106.80, -6.17),
        population=40000,
        households=12000,
    )
    return {
        "province": province,
        "kota": kota,
        "kecamatan": kecamatan,
        "kelurahan_a": kel_a,
        "kelurahan_b": kel_b,
    }


@pytest.fixture
def packages(db) -> dict[str, Package]:
    """The four reference packages of fixtures/packages.json, by code."""
    load_reference_data()
    return {p.code: p for p in Package.objects.all()}


@pytest.fixture
def recipient_a(areas, packages) -> Recipient:
    """A priority RW with 120 KK and a need of 120 Paket Sembako."""
    rw = RW.objects.create(
        kelurahan=areas["kelurahan_a"], number=1, households=120, ketua_name="Budi Santoso"
    )
    recipient = Recipient.objects.create(
        kind=Recipient.Kind.PRIORITY_RW,
        name="RW 01 Gambir",
        area=areas["kelurahan_a"],
        rw=rw,
        location={"type": "Point", "coordinates": [106.815, -6.175]},
        pj_name="Budi Santoso",
    )
    Need.objects.create(recipient=recipient, package=packages["sembako"], quantity=120)
    return recipient


@pytest.fixture
def recipient_b(areas, packages) -> Recipient:
    """A panti asuhan with 40 residents and a need of 40 ready meals."""
    recipient = Recipient.objects.create(
        kind=Recipient.Kind.PANTI_ASUHAN,
        name="Panti Asuhan Harapan",
        area=areas["kelurahan_b"],
        location={"type": "Point", "coordinates": [106.805, -6.165]},
        address="Jl. Contoh No. 1",
        residents=40,
        pj_name="Siti Aminah",
    )
    Need.objects.create(recipient=recipient, package=packages["siap-saji"], quantity=40)
    return recipient


@pytest.fixture
def cast(db, request) -> dict[str, object]:
    """Users by role. pj_a is the person in charge of recipient_a and pj_b of recipient_b (links
    in force today) in every test that also uses those recipients; the officer is a plain
    account here (the complaints app links officers to kelurahan and offices); admin is a
    superuser. The donor's role is a commitment's private link (its token), not an account."""
    User = get_user_model()
    users = {
        "pj_a": User.objects.create_user("pj_a", "pj_a@example.org", "pw", first_name="Budi"),
        "pj_b": User.objects.create_user("pj_b", "pj_b@example.org", "pw", first_name="Siti"),
        "officer": User.objects.create_user("officer", "officer@example.org", "pw"),
        "admin": User.objects.create_superuser("admin", "admin@example.org", "pw"),
    }
    for recipient, pj in (("recipient_a", "pj_a"), ("recipient_b", "pj_b")):
        if recipient in request.fixturenames:
            PersonInCharge.objects.create(
                user=users[pj], recipient=request.getfixturevalue(recipient)
            )
    return {"anonymous": None, **users}
