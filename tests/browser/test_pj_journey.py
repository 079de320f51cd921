"""The PJ's journey in Chromium: log in -> see the new pledge with its contact -> agree the
date -> confirm a partial delivery -> the public page, the totals and status.json show it."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import expect

from commitments.models import Commitment, ContactAccess
from commitments.testing import make_commitment
from ksbb.lib.httpcache import memo


@pytest.fixture(autouse=True)
def _fresh_state():
    cache.clear()  # map payloads, rate-limit and login-failure counters
    memo.clear()


def test_pj_confirms_a_partial_delivery_and_the_public_sees_it(
    page, live_server, recipient_a, packages, cast
):
    pledge = make_commitment(recipient_a, {packages["sembako"]: 40}, phone="+6281234567890")

    page.goto(live_server.url + reverse("login") + "?next=" + reverse("commitments:pj-dashboard"))
    page.fill("input[name=username]", "pj_a")
    page.fill("input[name=password]", "pw")
    page.locator("form:has(input[name=password]) [type=submit]").click()

    card = page.locator("article", has_text=pledge.number)
    expect(card).to_contain_text("Andi Wijaya")
    expect(card.locator('a[href="tel:+6281234567890"]')).to_be_visible()
    expect(card.locator('a[href="https://wa.me/6281234567890"]')).to_be_visible()
    assert ContactAccess.objects.filter(user=cast["pj_a"], via="pj-dashboard").exists()

    card.get_by_role("link", name=pledge.number).click()
    page.locator(
        f"form[action='{reverse('commitments:pj-acknowledge', args=[pledge.number])}'] button"
    ).click()
    expect(
        page.locator(f"form[action='{reverse('commitments:pj-confirm', args=[pledge.number])}']")
    ).to_be_visible()

    confirm = page.locator(
        f"form[action='{reverse('commitments:pj-confirm', args=[pledge.number])}']"
    )
    confirm.locator("input[name=qty_sembako]").fill("12")
    confirm.locator("[type=submit]").click()
    expect(page.locator("table").first).to_contain_text("12")
    pledge.refresh_from_db()
    assert pledge.status == Commitment.Status.DELIVERED

    page.goto(live_server.url + pledge.get_absolute_url())
    expect(page.locator(".timeline")).to_contain_text("Paket Sembako 12")

    page.goto(live_server.url + reverse("recipients:home"))
    expect(page.locator("#total-delivered")).to_have_text("12")
    expect(page.locator("#total-pledged")).to_have_text("28")
    status = page.request.get(live_server.url + reverse("recipients:api-status")).json()
    assert (status["totals"]["pledged"], status["totals"]["delivered"]) == (28, 12)
