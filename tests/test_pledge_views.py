"""The donor's journey through the views: form, private page, letter, cancel, verification,
e-mail, rate limits and CSRF."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from commitments.models import Commitment
from commitments.testing import make_commitment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_and_fresh_counters(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_ROOT = "https://ksbb.example.org"
    cache.clear()  # rate-limit counters must not leak from one test into the next


def form_data(**overrides) -> dict:
    today = timezone.localdate()
    data = {
        "collaborator_type": "person",
        "name": "Rina Kusuma",
        "organisation": "",
        "contact_person": "Rina Kusuma",
        "phone": "0813 1111 2222",
        "email": "rina@example.com",
        "address": "Jl. Kenari 5",
        "public_as": "name",
        "qty_sembako": "15",
        "delivery_date": (today + timedelta(days=1)).isoformat(),
        "deadline": (today + timedelta(days=5)).isoformat(),
        "delivery_method": "self",
        "rules_accepted": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def pdf_text(content: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def test_form_page_shows_the_recipient_and_its_package(client, recipient_a):
    response = client.get(reverse("commitments:create", args=[recipient_a.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "RW 01 Gambir" in body
    assert 'name="qty_sembako"' in body
    assert 'name="website"' in body  # the honeypot


def test_inactive_or_unknown_recipient_gets_404(client, recipient_a):
    recipient_a.is_active = False
    recipient_a.save()
    assert client.get(reverse("commitments:create", args=[recipient_a.pk])).status_code == 404
    assert client.get(reverse("commitments:create", args=[999999])).status_code == 404


def test_submitting_reserves_redirects_to_the_private_page_and_mails(
    client, recipient_a, django_capture_on_commit_callbacks
):
    recipient_a.pj_email = "pj-a@example.org"
    recipient_a.save()
    url = reverse("commitments:create", args=[recipient_a.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form_data())
    commitment = Commitment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == commitment.get_private_url()
    assert recipient_a.needs.get().pledged == 15

    donor, pj = mail.outbox
    assert donor.to == ["rina@example.com"]
    assert commitment.number in donor.subject
    assert commitment.private_url in donor.body
    assert isinstance(donor, EmailMultiAlternatives)
    assert donor.alternatives[0][1] == "text/html"
    ((name, content, mimetype),) = donor.attachments
    assert (name, mimetype) == (f"{commitment.number}.pdf", "application/pdf")
    assert commitment.number in pdf_text(content)[0]
    assert pj.to == ["pj-a@example.org"]
    assert "+6281311112222" in pj.body
    assert commitment.token not in pj.body  # the private link is the donor's alone


def test_form_with_a_mistake_shows_the_error_and_keeps_the_input(client, recipient_a):
    url = reverse("commitments:create", args=[recipient_a.pk])
    response = client.post(url, form_data(phone="123"))
    assert response.status_code == 200
    assert "phone" in response.context["form"].errors
    assert "Jl. Kenari 5" in response.content.decode()
    assert not Commitment.objects.exists()


def test_honeypot_submission_is_refused(client, recipient_a):
    url = reverse("commitments:create", args=[recipient_a.pk])
    response = client.post(url, form_data(website="http://spam.example"))
    assert response.status_code == 200
    assert not Commitment.objects.exists()


def test_submissions_over_the_rate_limit_get_429(client, recipient_a, settings):
    settings.KSBB_RATE_LIMITS = {**settings.KSBB_RATE_LIMITS, "pledge": (2, 3600)}
    url = reverse("commitments:create", args=[recipient_a.pk])
    statuses = [client.post(url, form_data(qty_sembako="1")).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert Commitment.objects.count() == 2
    other_client = Client(REMOTE_ADDR="10.0.0.9")
    assert other_client.post(url, form_data(qty_sembako="1")).status_code == 302


def test_letter_downloads_over_the_rate_limit_get_429(client, recipient_a, packages, settings):
    settings.KSBB_RATE_LIMITS = {**settings.KSBB_RATE_LIMITS, "letter": (1, 3600)}
    commitment = make_commitment(recipient_a, {packages["sembako"]: 5})
    url = reverse("commitments:letter", args=[commitment.token])
    assert client.get(url).status_code == 200
    response = client.get(url)
    assert response.status_code == 429
    assert response["Retry-After"]


def test_form_requires_csrf(recipient_a):
    client = Client(enforce_csrf_checks=True)
    url = reverse("commitments:create", args=[recipient_a.pk])
    assert client.post(url, form_data()).status_code == 403


def test_private_page_shows_the_donors_details_and_is_not_cached(client, recipient_a, packages):
    commitment = make_commitment(recipient_a, {packages["sembako"]: 5})
    response = client.get(commitment.get_private_url())
    assert response.status_code == 200
    assert commitment.phone in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"


def test_wrong_token_gets_404(client):
    assert client.get(reverse("commitments:private", args=["nope"])).status_code == 404
    assert client.get(reverse("commitments:letter", args=["nope"])).status_code == 404


def test_letter_pdf_says_what_was_pledged_and_links_to_verification(client, recipient_a, packages):
    commitment = make_commitment(recipient_a, {packages["sembako"]: 37})
    response = client.get(reverse("commitments:letter", args=[commitment.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text, pages = pdf_text(response.content)
    assert pages in (1, 2)
    for expected in [
        commitment.number,
        "PT Maju Bersama",
        "Andi Wijaya",
        "RW 01 Gambir",
        "Paket Sembako",
        "37",
        "Gambir",
        "Jakarta Pusat",
    ]:
        assert expected in text, expected
    assert commitment.verification_url in text.replace("\n", "")
    assert commitment.verification_url.startswith("https://ksbb.example.org/komitmen/KSBB-")


def test_letter_is_rendered_once_and_again_only_when_its_content_changes(
    recipient_a, packages, monkeypatch
):
    from commitments import letter

    calls: list[Commitment] = []
    real = letter.render_letter

    def counting_render_letter(commitment: Commitment) -> bytes:
        calls.append(commitment)
        return real(commitment)

    monkeypatch.setattr(letter, "render_letter", counting_render_letter)
    commitment = make_commitment(recipient_a, {packages["sembako"]: 5})
    first = letter.letter_pdf(commitment)
    again = letter.letter_pdf(Commitment.objects.get(pk=commitment.pk))
    assert first == again
    assert len(calls) == 1
    Commitment.objects.filter(pk=commitment.pk).update(deadline=commitment.deadline + timedelta(1))
    letter.letter_pdf(Commitment.objects.get(pk=commitment.pk))
    assert len(calls) == 2


def test_pdf_renderer_refuses_remote_urls():
    from ksbb.lib.pdf import LocalOnlyFetcher

    fetcher = LocalOnlyFetcher()
    for url in ["https://example.org/x.png", "http://127.0.0.1/", "file:///etc/passwd"]:
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_donor_can_cancel_through_the_private_link(client, recipient_a, packages):
    commitment = make_commitment(recipient_a, {packages["sembako"]: 5})
    response = client.post(reverse("commitments:cancel", args=[commitment.token]))
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.CANCELLED
    assert recipient_a.needs.get().pledged == 0
    # A second cancel is refused with a message, not an error page.
    response = client.post(reverse("commitments:cancel", args=[commitment.token]), follow=True)
    assert response.status_code == 200
    assert list(response.context["messages"])


@pytest.mark.parametrize(
    ("status", "says"),
    [
        ("submitted", "genuine and valid"),
        ("delivered", "have been delivered"),
        ("done", "have been delivered"),
        ("cancelled", "was cancelled"),
        ("expired", "expired before delivery"),
    ],
)
def test_verification_page_says_whether_the_letter_stands(
    client, settings, recipient_a, packages, status, says
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    commitment = make_commitment(recipient_a, {packages["sembako"]: 5})
    Commitment.objects.filter(pk=commitment.pk).update(status=status)
    response = client.get(commitment.get_absolute_url())
    assert response.status_code == 200
    assert says in response.content.decode()


def test_verification_page_shows_public_fields_only(client, recipient_a, packages):
    commitment = make_commitment(recipient_a, {packages["sembako"]: 5}, is_anonymous=True)
    body = client.get(commitment.get_absolute_url()).content.decode()
    assert "Hamba Allah" in body
    assert "RW 01 Gambir" in body
    for private in [
        "PT Maju Bersama",
        "Divisi CSR",
        "Andi Wijaya",
        "+6281234567890",
        "andi@example.com",
        "Jl. Merdeka",
        commitment.token,
    ]:
        assert private not in body, private


def test_unknown_number_gets_404(client):
    assert client.get(reverse("commitments:detail", args=["KSBB-2020-999999"])).status_code == 404


@pytest.mark.parametrize(
    "path", ["/komitmen/%00/", "/k/%00/", "/k/a%00b/surat.pdf", "/pj/komitmen/%00/"]
)
def test_a_malformed_number_or_key_is_a_404_not_a_500(client, path):
    assert client.get(path).status_code == 404
