"""The complaint's journey in Chromium (issue 9's last test): file a complaint from a pledge page
-> track it -> an officer of the kelurahan passes it to a dinas -> the dinas officer moves it to
Selesai with a proof photo -> the public page shows the timeline and the statistics count it."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from PIL import Image
from playwright.sync_api import expect

from commitments.testing import make_commitment
from complaints.models import Complaint, ComplaintPhoto, Office
from complaints.testing import make_officer, reference_data
from ksbb.lib.httpcache import memo

REPORTER = "Rahasia Pelapor"


@pytest.fixture(autouse=True)
def _fresh_state():
    cache.clear()  # rate-limit and login-failure counters
    memo.clear()


def proof_photo(tmp_path) -> str:
    path = tmp_path / "bukti.png"
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 60)).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def log_in(page, base_url: str, username: str) -> None:
    page.goto(base_url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw")
    page.locator("form:has(input[name=password]) [type=submit]").click()


def test_a_complaint_from_a_pledge_page_to_selesai_and_the_statistics(
    page, live_server, recipient_a, packages, areas, tmp_path
):
    reference_data()
    pledge = make_commitment(recipient_a, {packages["sembako"]: 10})
    make_officer("lurah", area=areas["kelurahan_a"])
    make_officer("dinsos", office=Office.objects.get(name="Dinas Sosial"))

    # A citizen files it from the pledge's public page: the pledge and kelurahan come along.
    page.goto(live_server.url + pledge.get_absolute_url())
    page.locator("#report-problem").click()
    page.select_option("select[name=category]", label="Bantuan tidak diterima")
    page.fill("textarea[name=description]", "Paket belum sampai ke warga RW 01.")
    page.fill("input[name=reporter_name]", REPORTER)
    page.locator("form:has(textarea[name=description]) [type=submit]").click()
    complaint = Complaint.objects.get()
    assert complaint.commitment == pledge and complaint.kelurahan == areas["kelurahan_a"]
    expect(page.locator("main")).to_contain_text(complaint.number)

    # Anyone can track it by its number; the reporter's name is not there.
    page.goto(live_server.url + reverse("complaints:lookup"))
    page.fill("input[name=number]", complaint.number)
    page.locator("form:has(input[name=number]) [type=submit]").click()
    expect(page.locator("main")).to_contain_text(complaint.number)
    expect(page.locator("main")).not_to_contain_text(REPORTER)

    # The kelurahan's officer passes it to the Dinas Sosial.
    log_in(page, live_server.url, "lurah")
    page.locator(
        f"a[href='{reverse('complaints:officer-detail', args=[complaint.number])}']"
    ).click()
    expect(page.locator("main")).to_contain_text(REPORTER)  # officers see the reporter
    pass_on = page.locator(
        f"form[action='{reverse('complaints:officer-pass-on', args=[complaint.number])}']"
    )
    pass_on.locator("select[name=office]").select_option(label="Dinas Sosial")
    pass_on.locator("textarea[name=public_text]").fill("Diteruskan ke Dinas Sosial.")
    pass_on.locator("[type=submit]").click()
    complaint.refresh_from_db()
    assert complaint.office is not None and complaint.office.name == "Dinas Sosial"

    # The dinas officer closes it with a proof photo.
    page.context.clear_cookies()
    log_in(page, live_server.url, "dinsos")
    page.locator(
        f"a[href='{reverse('complaints:officer-detail', args=[complaint.number])}']"
    ).click()
    status = page.locator(
        f"form[action='{reverse('complaints:officer-status', args=[complaint.number])}']"
    )
    status.get_by_label("Selesai", exact=True).check()
    status.locator("textarea[name=public_text]").fill("Paket sudah diterima warga.")
    status.locator("input[type=file]").set_input_files(proof_photo(tmp_path))
    status.locator("[type=submit]").click()
    complaint.refresh_from_db()
    assert complaint.status.code == "selesai"
    assert ComplaintPhoto.objects.filter(complaint=complaint, source="officer").count() == 1

    # The public page shows the timeline with the follow-ups and the proof photo.
    page.context.clear_cookies()
    page.goto(live_server.url + complaint.get_absolute_url())
    main = page.locator("main")
    expect(main).to_contain_text("Diteruskan ke Dinas Sosial.")
    expect(main).to_contain_text("Paket sudah diterima warga.")
    expect(main).to_contain_text("Selesai")
    proof = main.locator("a[href*='/foto/']")
    expect(proof).to_have_count(1)
    photo = page.request.get(live_server.url + str(proof.get_attribute("href")))
    assert photo.ok and photo.headers["content-type"].startswith("image/")
    expect(main).not_to_contain_text(REPORTER)

    # The statistics count it, as closed.
    stats = page.request.get(live_server.url + reverse("complaints:stats-json")).json()
    assert (stats["complaints"], stats["open"]) == (1, 0)
    assert stats["followed_up_within_target"]["within_target"] == 1
    assert sum(week["closed"] for week in stats["per_week"]) == 1
    page.goto(live_server.url + reverse("complaints:stats"))
    expect(page.locator("main")).to_contain_text("Bantuan tidak diterima")
