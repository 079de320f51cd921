"""The donor's whole journey in Chromium: map -> recipient -> pledge form with a mistake ->
corrected -> pledge letter downloaded -> verification page. Console errors fail it (see conftest).
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from commitments.models import Commitment
from ksbb.lib.httpcache import memo
from recipients.models import RW
from tests.browser.maphelpers import click_map_at


@pytest.fixture(autouse=True)
def _fresh_state(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the stored letter
    cache.clear()  # map payloads and rate-limit counters
    memo.clear()


@pytest.fixture
def mapped_recipient(recipient_a):
    """Recipient A (need: 120 Paket Sembako) with its RW drawn over the fixture kelurahan."""
    ring = [[106.81, -6.18], [106.815, -6.18], [106.815, -6.175], [106.81, -6.175], [106.81, -6.18]]
    RW.objects.filter(pk=recipient_a.rw_id).update(
        boundary_web={"type": "Polygon", "coordinates": [ring]}
    )
    return recipient_a


def fill_pledge_form(page, *, phone: str) -> None:
    today = timezone.localdate()
    page.check("input[name=collaborator_type][value=company]")
    page.fill("input[name=name]", "PT Maju Bersama")
    page.fill("input[name=contact_person]", "Andi Wijaya")
    page.fill("input[name=phone]", phone)
    page.fill("input[name=email]", "andi@example.com")
    page.fill("input[name=address]", "Jl. Merdeka No. 10")
    page.check("input[name=public_as][value=name]")
    page.fill("input[name=qty_sembako]", "40")
    page.fill("input[name=delivery_date]", (today + timedelta(days=2)).isoformat())
    page.fill("input[name=deadline]", (today + timedelta(days=7)).isoformat())
    page.check("input[name=delivery_method][value=self]")
    page.check("input[name=rules_accepted]")


def submit(page) -> None:
    page.locator("form:has(input[name=phone]) [type=submit]").click()


def test_donor_pledges_from_the_map_and_gets_a_verifiable_letter(
    page, live_server, mapped_recipient
):
    # Map -> the RW's popup -> Beri Bantuan -> recipient page -> the pledge form.
    page.goto(live_server.url + "/?institutions=0")
    expect(page.locator("#map")).to_have_attribute("data-ready", "1")
    click_map_at(page, -6.1775, 106.8125, 16)
    page.locator(".leaflet-popup-content a.give-help").click()
    expect(page.locator("h1")).to_contain_text("RW 01 Gambir")
    page.locator("#give-help").click()
    expect(page.locator("input[name=phone]")).to_be_visible()

    # A mistake: the phone number is refused next to the field and the rest is kept.
    fill_pledge_form(page, phone="123")
    submit(page)
    expect(page.locator(".alert-danger")).to_be_visible()
    expect(page.locator("input[name=phone]")).to_have_class(re.compile(r"is-invalid"))
    expect(page.locator("input[name=address]")).to_have_value("Jl. Merdeka No. 10")
    assert not Commitment.objects.exists()

    # Corrected: the pledge is recorded and the donor lands on their private page.
    page.fill("input[name=phone]", "0812 3456 7890")
    submit(page)
    expect(page).to_have_url(re.compile(r"/k/[^/]+/$"))
    commitment = Commitment.objects.get()
    assert commitment.phone == "+6281234567890"
    expect(page.locator("body")).to_contain_text(commitment.number)

    # The pledge letter downloads as a PDF that carries the commitment number.
    with page.expect_download() as download_info:
        page.locator(f"a[href$='{commitment.token}/surat.pdf']").click()
    download = download_info.value
    assert download.suggested_filename == f"{commitment.number}.pdf"
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) in (1, 2)
    assert commitment.number in "".join(p.extract_text() for p in reader.pages)

    # The public verification page: public fields only, and the letter is valid.
    page.locator(f"a[href='{commitment.get_absolute_url()}']").first.click()
    expect(page).to_have_url(live_server.url + commitment.get_absolute_url())
    body = page.locator("body")
    expect(body).to_contain_text(commitment.number)
    expect(body).to_contain_text("RW 01 Gambir")
    expect(page.locator(".alert-success[role=status]")).to_contain_text("asli dan berlaku")
    for private in ("+6281234567890", "andi@example.com", "Jl. Merdeka", commitment.token):
        expect(body).not_to_contain_text(private)
