"""A pledge in production: the form, the private page, the letter PDF, and a log without the
private link's token."""

from __future__ import annotations

import io
import re
import time
from datetime import date, timedelta
from email import message_from_string
from email.message import Message
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

PRIVATE_PAGE = re.compile(r"/k/([^/]+)/$")


def open_a_pledge_form(page, portal) -> None:
    """The first recipient in the list that still needs something: its Give help form."""
    page.goto(portal.url + "/penerima/")
    links = page.locator("main a[href^='/penerima/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    for href in dict.fromkeys(links):
        if re.fullmatch(r"/penerima/\d+/", href):
            page.goto(portal.url + href)
            if page.locator("#give-help").count():
                page.locator("#give-help").click()
                return
    raise AssertionError("no recipient on the first list page can be pledged to")


def test_pledge_through_the_form_and_download_its_letter(page, portal):
    open_a_pledge_form(page, portal)
    today = date.today()
    page.check("input[name=collaborator_type][value=company]")
    page.fill("input[name=name]", "PT Uji Produksi")
    page.fill("input[name=contact_person]", "Andi Wijaya")
    page.fill("input[name=phone]", "0812 3456 7890")
    page.fill("input[name=email]", "andi@example.com")
    page.fill("input[name=address]", "Jl. Merdeka No. 10")
    page.check("input[name=public_as][value=name]")
    page.locator("input[name^=qty_]").first.fill("1")
    page.fill("input[name=delivery_date]", (today + timedelta(days=2)).isoformat())
    page.fill("input[name=deadline]", (today + timedelta(days=7)).isoformat())
    page.check("input[name=delivery_method][value=self]")
    page.check("input[name=rules_accepted]")
    page.locator("form:has(input[name=phone]) [type=submit]").click()

    expect(page).to_have_url(PRIVATE_PAGE)
    found = PRIVATE_PAGE.search(page.url)
    assert found is not None
    token = found[1]
    with page.expect_download() as download_info:
        page.locator(f"a[href$='{token}/surat.pdf']").click()
    download = download_info.value
    number = download.suggested_filename.removesuffix(".pdf")
    expect(page.locator("body")).to_contain_text(number)
    reader = PdfReader(io.BytesIO(Path(download.path()).read_bytes()))
    assert number in "".join(p.extract_text() for p in reader.pages)

    # nginx logged the private page and the letter with the token masked, in the request line
    # and in the referrer.
    log = portal.nginx_access_log()
    assert token not in log
    assert '"GET /k/[token]/surat.pdf HTTP/' in log
    assert "/k/[token]/" in log

    # The job worker sent the donor's confirmation with the letter, and logged no address.
    if portal.mail_dir is None or portal.worker_log is None:
        pytest.skip("KSBB_PRODUCTION_MAIL_DIR / KSBB_PRODUCTION_WORKER_LOG are not set")
    confirmation = wait_for_mail(portal.mail_dir, to="andi@example.com")
    text = "".join(
        bytes(part.get_payload(decode=True)).decode()
        for part in confirmation.walk()
        if part.get_content_type() == "text/plain"
    )
    assert token in text
    attachments = [part.get_filename() for part in confirmation.walk()]
    assert f"{number}.pdf" in "".join(name or "" for name in attachments)
    assert "andi@example.com" not in portal.worker_log.read_text()


def wait_for_mail(directory: Path, *, to: str, seconds: float = 60) -> Message:
    """The first message to `to` that the worker wrote (one file per connection)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for path in sorted(directory.glob("*")) if directory.exists() else []:
            for chunk in path.read_text().split("-" * 79):
                message = message_from_string(chunk.strip())
                if chunk.strip() and message["To"] == to:
                    return message
        time.sleep(0.5)
    raise AssertionError(f"no mail to {to} in {seconds:.0f} s")
