"""The privacy sweep: sentinel phone, e-mail and address of collaborators and PJs never appear
in any public page, export, API response, verification page, error page or log line."""

from __future__ import annotations

import contextlib
import io
import logging

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from pypdf import PdfReader

from commitments import services
from commitments.letter import letter_pdf
from commitments.models import Commitment
from commitments.testing import make_commitment

pytestmark = pytest.mark.django_db

PHONE = "+6281999000111"
EMAIL = "sentinel-email-7f3a@example.org"
ADDRESS = "Jalan Sentinel Rahasia 77"
PJ_EMAIL = "sentinel-pj-9c2b@example.org"
PJ_PHONE = "+6281777000222"
CONTACT = "Sentinel Kontak Pribadi"
# A decline reason a PJ typed may hold personal details: the collaborator and admins only.
REASON = "Sentinel Alasan Penolakan"
# A complaint's reporter: name, phone, e-mail, words and photo are never public.
REPORTER_NAME = "Sentinel Pelapor Rahasia"
REPORTER_PHONE = "+6281555000333"
REPORTER_EMAIL = "sentinel-reporter-4d8e@example.org"
REPORTER_TEXT = "Sentinel Uraian Pelapor"
SENTINELS = [
    PHONE,
    PHONE[1:],
    "81999000111",
    EMAIL,
    ADDRESS,
    PJ_EMAIL,
    PJ_PHONE,
    CONTACT,
    REASON,
    REPORTER_NAME,
    REPORTER_PHONE,
    REPORTER_PHONE[1:],
    "81555000333",
    REPORTER_EMAIL,
    REPORTER_TEXT,
]

# The public URLs of the map issue, checked whenever they exist.
RECIPIENT_URLS = [
    "recipients:home",
    "recipients:list",
    "recipients:api-kelurahan",
    "recipients:api-rw",
    "recipients:api-institutions",
    "recipients:api-status",
    "recipients:api-cases",
    "recipients:api-recipients-csv",
    "recipients:api-cases-csv",
    "recipients:api-rw-all",
    "recipients:api-base",
    "recipients:api-docs",
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_complete",
    "complaints:form",
    "complaints:lookup",
    "complaints:stats",
    "complaints:stats-csv",
    "complaints:stats-json",
]


@pytest.fixture
def seeded(recipient_a, recipient_b, packages, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for recipient in (recipient_a, recipient_b):
        recipient.pj_email, recipient.pj_phone = PJ_EMAIL, PJ_PHONE
        recipient.save()
    private = {"phone": PHONE, "email": EMAIL, "address": ADDRESS, "contact_person": CONTACT}
    delivered = make_commitment(recipient_a, {packages["sembako"]: 5}, **private)
    declined = make_commitment(
        recipient_b, {packages["siap-saji"]: 5}, is_anonymous=True, **private
    )
    # Every step of the coordination workflow, so the timelines show each kind of event.
    today = timezone.localdate()
    services.propose_date(
        commitment=delivered, side="pj", delivery_date=today, deadline=today, by=None
    )
    services.accept_proposal(commitment=delivered, side="donor")
    line = delivered.lines.get().pk
    services.report_delivery(commitment=delivered, quantities={line: 5})
    services.confirm_delivery(commitment=delivered, quantities={line: 4}, by=None)
    services.decline(commitment=declined, by=None, reason=REASON)
    return [delivered, declined]


@pytest.fixture
def complaint(seeded, areas):
    """A complaint about the delivered pledge, with every private detail of its reporter, a
    reporter's photo, added information and an officer's public follow-up."""
    from complaints import services as complaint_services
    from ksbb.lib.images import clean_image
    from tests.complaint_data import crm_data, follow_up
    from tests.images import png

    crm = crm_data()
    complaint = complaint_services.submit_complaint(
        category=crm.category,
        kelurahan=areas["kelurahan_a"],
        description=REPORTER_TEXT,
        commitment=seeded[0],
        reporter_name=REPORTER_NAME,
        reporter_phone=REPORTER_PHONE,
        reporter_email=REPORTER_EMAIL,
        photos=[clean_image(png())],
    )
    complaint_services.add_information(complaint=complaint, text=REPORTER_TEXT + " lagi")
    follow_up(complaint, crm.awaiting_answer, "Sudah ditindaklanjuti")
    return complaint


def complaint_urls(complaint) -> list[str]:
    return [
        complaint.get_absolute_url(),
        reverse("complaints:form") + f"?ref={complaint.commitment.number}",
        reverse("complaints:form") + f"?ref=penerima-{complaint.recipient_id}",
        reverse("complaints:lookup") + f"?number={complaint.number}",
        reverse("complaints:lookup") + "?number=CRM-0000-000000",
        "/pengaduan/lacak/CRM-0000-000000/",  # 404
    ]


def test_no_reporter_detail_in_any_public_page_or_export(
    seeded, complaint, recipient_a, recipient_b, cast, caplog
):
    """The reporter's name, contact, words and photo: not on the public complaint pages, the
    statistics and their CSV and JSON, any other public page, nor a log line — whoever asks,
    the PJ of the recipient the complaint is about included."""
    caplog.set_level(logging.DEBUG)
    cache.clear()
    photo = complaint.photos.get(source="reporter")
    secrets = [
        complaint.token,
        photo.name,
        reverse("complaints:track-photo", args=[complaint.number, photo.pk]),
    ]
    urls = public_urls(seeded, [recipient_a, recipient_b]) + complaint_urls(complaint)
    for role, user in cast.items():
        if role == "admin":
            continue
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code in (200, 302, 400, 404), (url, response.status_code)
            content = b"".join(response) if response.streaming else response.content
            text = content.decode("utf-8", "replace")
            assert_clean(text, f"{url} as {role}")
            for secret in secrets:
                assert secret not in text, f"{secret!r} leaked in {url} as {role}"
        # The PJ of the pledge's recipient sees the pledge, never who complained about it.
        if role == "pj_a":
            response = client.get(reverse("commitments:pj-detail", args=[seeded[0].number]))
            assert response.status_code == 200
            page = response.content.decode()  # with the collaborator's contact: it is theirs
            for sentinel in (REPORTER_NAME, REPORTER_PHONE, REPORTER_EMAIL, REPORTER_TEXT):
                assert sentinel not in page, f"{sentinel!r} leaked to the PJ"
    assert client.get(secrets[-1]).status_code == 404
    assert_clean(caplog.text, "the log")


def test_filing_a_complaint_logs_no_reporter_detail(
    client, seeded, areas, caplog, django_capture_on_commit_callbacks
):
    from tests.complaint_data import crm_data

    caplog.set_level(logging.DEBUG)
    crm = crm_data()
    data = {
        "ref": seeded[0].number,
        "category": str(crm.category.pk),
        "description": REPORTER_TEXT,
        "reporter_name": REPORTER_NAME,
        "reporter_phone": "0815 5500 0333",
        "reporter_email": REPORTER_EMAIL,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("complaints:form"), data)
    assert response.status_code == 302
    private = client.get(response["Location"])
    assert REPORTER_NAME in private.content.decode()  # the reporter's own page
    assert_clean(caplog.text, "the log of a complaint")
    assert "/pengaduan/p/***/" in caplog.text or "/pengaduan/p/" not in caplog.text


def public_urls(commitments, recipients) -> list[str]:
    urls = []
    for name in RECIPIENT_URLS:
        with contextlib.suppress(NoReverseMatch):
            urls.append(reverse(name))
    for recipient in recipients:
        with contextlib.suppress(NoReverseMatch):
            urls.append(reverse("recipients:detail", args=[recipient.pk]))
        urls.append(reverse("commitments:create", args=[recipient.pk]))
        urls.append(reverse("commitments:list") + f"?recipient={recipient.pk}")
    for commitment in commitments:
        urls.append(commitment.get_absolute_url())  # the QR code's target
    urls += [
        reverse("commitments:resend-link"),
        reverse("commitments:list"),
        reverse("commitments:csv"),
        reverse("commitments:api"),
        reverse("commitments:list") + "?status=nope&area=x",  # a filter error page
        reverse("commitments:api") + "?status=nope",
        reverse("recipients:api-cases") + "?level=rw",
        "/akun/undangan/xx/yy/",  # a dead invitation link
        "/komitmen/KSBB-0000-000000/",  # 404
        "/no-such-page/",
    ]
    return urls


def assert_clean(text: str, where: str) -> None:
    for sentinel in SENTINELS:
        assert sentinel not in text, f"{sentinel!r} leaked in {where}"


def test_no_private_contact_in_any_public_page_or_export(
    seeded, recipient_a, recipient_b, cast, caplog
):
    caplog.set_level(logging.DEBUG)
    cache.clear()
    urls = public_urls(seeded, [recipient_a, recipient_b])
    assert len(urls) >= 12
    for role, user in cast.items():
        if role == "admin":
            continue  # admins may see contacts; they are not the public
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code in (200, 400, 404), (url, response.status_code)
            content = b"".join(response) if response.streaming else response.content
            assert_clean(content.decode("utf-8", "replace"), f"{url} as {role}")
            assert_clean(str(response.headers), f"headers of {url}")
    assert_clean(caplog.text, "the log")


def test_letter_points_to_a_clean_public_page_and_carries_no_pj_contact(seeded, client):
    """The letter is the donor's and may carry their own contact; never the PJ's. The page it
    points to (printed, and in its QR code) is public, so it carries no contact at all."""
    for commitment in seeded:
        reader = PdfReader(io.BytesIO(letter_pdf(commitment)))
        text = "\n".join(page.extract_text() for page in reader.pages)
        assert commitment.verification_url in text.replace("\n", "")
        assert PJ_EMAIL not in text and PJ_PHONE not in text
        response = client.get(commitment.get_absolute_url())
        assert response.status_code == 200
        assert_clean(response.content.decode(), commitment.verification_url)


def test_public_queryset_does_not_even_load_private_fields(seeded):
    commitment = Commitment.objects.public().get(pk=seeded[0].pk)
    deferred = commitment.get_deferred_fields()
    assert {"phone", "email", "address", "contact_person", "token", "letter"} <= deferred


def test_submission_logs_no_contact(
    client, recipient_a, caplog, django_capture_on_commit_callbacks, settings, tmp_path
):
    from datetime import timedelta

    from django.utils import timezone

    settings.MEDIA_ROOT = tmp_path
    caplog.set_level(logging.DEBUG)
    cache.clear()
    today = timezone.localdate()
    data = {
        "collaborator_type": "person",
        "name": "Budi",
        "contact_person": CONTACT,
        "phone": "0819 9900 0111",
        "email": EMAIL,
        "address": ADDRESS,
        "public_as": "anonymous",
        "qty_sembako": "3",
        "delivery_date": (today + timedelta(days=1)).isoformat(),
        "deadline": (today + timedelta(days=2)).isoformat(),
        "delivery_method": "self",
        "rules_accepted": "on",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("commitments:create", args=[recipient_a.pk]), data)
    assert response.status_code == 302
    assert Commitment.objects.get().phone == PHONE
    assert_clean(caplog.text, "the log of a submission")


def test_pj_pages_and_photos_show_nothing_to_anyone_but_the_pledges_pj(seeded, cast):
    """The PJ pages are not public: for those who may not see a pledge they answer 404 or send
    to the login page, and carry no contact and no decline reason."""
    for role in ("anonymous", "pj_b", "officer"):
        client = Client(raise_request_exception=False)
        if cast[role] is not None:
            client.force_login(cast[role])
        for commitment in seeded:
            if role == "pj_b" and commitment.recipient.is_in_charge(cast["pj_b"]):
                continue
            url = reverse("commitments:pj-detail", args=[commitment.number])
            response = client.get(url)
            assert response.status_code in (302, 404), (url, role)
            assert_clean(response.content.decode(), f"{url} as {role}")


def test_resend_link_answer_carries_no_contact(seeded, client):
    response = client.post(
        reverse("commitments:resend-link"),
        {"number": seeded[0].number, "email": EMAIL},
        follow=True,
    )
    assert response.status_code == 200
    assert_clean(response.content.decode(), "the re-send answer")
