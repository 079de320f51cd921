"""Every page a person can reach, checked by axe-core (WCAG 2.1 A and AA: no serious or critical
violation) and at 360 px wide (no sideways scrolling)."""

from __future__ import annotations

import leaflet
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from commitments.testing import make_commitment
from tests.browser.axe import assert_accessible, horizontal_overflow, widest_elements
from tests.complaint_data import crm_data, file_complaint

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def pages(recipient_a, recipient_b, packages) -> dict[str, str]:
    """Path of each public page, by name."""
    commitment = make_commitment(recipient_a, {packages["sembako"]: 5})
    complaint = file_complaint(crm_data(), recipient_a.area, commitment=commitment)
    return {
        "home": reverse("recipients:home"),
        "list": reverse("recipients:list"),
        "recipient (priority RW)": reverse("recipients:detail", args=[recipient_a.pk]),
        "recipient (panti)": reverse("recipients:detail", args=[recipient_b.pk]),
        "pledge form": reverse("commitments:create", args=[recipient_a.pk]),
        "commitments": reverse("commitments:list"),
        "verification page": commitment.get_absolute_url(),
        "private link": commitment.get_private_url(),
        "open data": reverse("recipients:api-docs"),
        "complaint form": reverse("complaints:form"),
        "complaint form (from a pledge)": reverse("complaints:form") + f"?ref={commitment.number}",
        "complaint tracking": complaint.get_absolute_url(),
        "complaint private link": complaint.get_private_url(),
    }


PAGE_NAMES = [
    "home",
    "list",
    "recipient (priority RW)",
    "recipient (panti)",
    "pledge form",
    "commitments",
    "verification page",
    "private link",
    "open data",
    "complaint form",
    "complaint form (from a pledge)",
    "complaint tracking",
    "complaint private link",
]


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_public_page_has_no_serious_accessibility_violation(page, live_server, pages, name):
    page.goto(live_server.url + pages[name])
    page.wait_for_load_state("networkidle")
    assert_accessible(page, live_server.url)


def test_pledge_form_with_its_errors_shown_is_accessible(page, live_server, pages):
    page.goto(live_server.url + pages["pledge form"])
    # Past the browser's own checks of required fields, to the server's messages.
    page.evaluate("() => document.querySelector('form:has(input[name=phone])').noValidate = true")
    page.locator("form:has(input[name=phone]) [type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".invalid-feedback, .alert-danger").count() > 0
    assert_accessible(page, live_server.url)


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_public_page_fits_a_360px_phone(browser, live_server, pages, name):
    context = browser.new_context(viewport=PHONE)
    try:
        phone = context.new_page()
        phone.goto(live_server.url + pages[name])
        phone.wait_for_load_state("networkidle")
        assert horizontal_overflow(phone) == 0, widest_elements(phone)
    finally:
        context.close()


def test_complaint_form_with_its_errors_shown_is_accessible(page, live_server, pages):
    page.goto(live_server.url + pages["complaint form"])
    page.locator("form:has(textarea[name=description]) [type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".invalid-feedback, .alert-danger").count() > 0
    assert_accessible(page, live_server.url)


def log_in(page, base_url: str, username: str) -> None:
    page.goto(base_url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw")
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize(
    "url_name", ["login", "password_reset", "password_reset_done", "commitments:resend-link"]
)
def test_account_pages_are_accessible(page, live_server, url_name):
    page.goto(live_server.url + reverse(url_name))
    assert_accessible(page, live_server.url)
    page.set_viewport_size(PHONE)
    assert horizontal_overflow(page) == 0, widest_elements(page)


def test_the_pj_pages_are_accessible_as_they_land(page, live_server, cast, recipient_a, packages):
    pledge = make_commitment(recipient_a, {packages["sembako"]: 5})
    log_in(page, live_server.url, "pj_a")
    for url in (
        reverse("commitments:pj-dashboard"),
        reverse("commitments:pj-detail", args=[pledge.number]),
    ):
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(live_server.url + url)
        assert_accessible(page, live_server.url)
        page.set_viewport_size(PHONE)
        assert horizontal_overflow(page) == 0, widest_elements(page)


def test_the_portal_admin_import_pages_are_accessible(page, live_server, cast):
    log_in(page, live_server.url, "admin")
    for url in (
        reverse("admin:recipients_recipient_import"),
        reverse("admin:recipients_personincharge_invite"),
        reverse("admin:recipients_casereport_import_rw"),
    ):
        page.goto(live_server.url + url)
        assert_accessible(page, live_server.url)


def test_the_admin_import_preview_with_its_confirm_button_is_accessible(
    page, live_server, cast, areas
):
    """The page an admin confirms an import on: one good row to save, one bad row listed."""
    kelurahan = areas["kelurahan_b"].code
    rows = [
        "source_key,kind,name,area,residents",
        f"test:1,panti_jompo,Panti Werdha Baru,{kelurahan},25",
        f"test:2,hotel,Bad Kind,{kelurahan},10",
    ]
    log_in(page, live_server.url, "admin")
    page.goto(live_server.url + reverse("admin:recipients_recipient_import"))
    upload = page.locator("form:has(input[name=import_file])")
    upload.locator("input[name=import_file]").set_input_files(
        files=[
            {"name": "recipients.csv", "mimeType": "text/csv", "buffer": "\n".join(rows).encode()}
        ]
    )
    upload.locator("select[name=format]").select_option(label="csv")
    upload.locator("[type=submit]").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("form:has(input[name=import_file_name]) [type=submit]")).to_be_visible()
    expect(page.locator("body")).to_contain_text("hotel")
    assert_accessible(page, live_server.url)
    page.set_viewport_size(PHONE)
    assert_accessible(page, live_server.url)


def test_a_recipients_admin_change_page_is_accessible(
    page, live_server, cast, recipient_a, monkeypatch
):
    # The admin's map widget reads django-leaflet's settings as loaded at start-up, which the
    # conftest's LEAFLET_CONFIG override does not reach: no tiles from the network here either.
    monkeypatch.setitem(leaflet.app_settings, "TILES", [])
    log_in(page, live_server.url, "admin")
    page.goto(live_server.url + reverse("admin:recipients_recipient_change", args=[recipient_a.pk]))
    page.wait_for_load_state("networkidle")
    expect(page.locator("input[name=name]")).to_have_value(recipient_a.name)
    assert_accessible(page, live_server.url)


def test_the_complaint_officer_pages_and_statistics_are_accessible(
    page, live_server, cast, areas, recipient_a, packages
):
    from complaints import services
    from complaints.models import Category, Officer

    Officer.objects.create(user=cast["officer"], area=areas["kelurahan_a"])
    complaint = services.submit_complaint(
        category=Category.objects.get(code="not-delivered"),
        kelurahan=areas["kelurahan_a"],
        recipient=recipient_a,
        description="Paket belum sampai.",
        reporter_name="Pelapor",
        reporter_phone="+62811000111",
    )
    page.goto(live_server.url + reverse("complaints:stats"))
    assert_accessible(page, live_server.url)
    page.set_viewport_size(PHONE)
    assert horizontal_overflow(page) == 0, widest_elements(page)
    log_in(page, live_server.url, "officer")
    for url in (
        reverse("complaints:officer-queue"),
        reverse("complaints:officer-detail", args=[complaint.number]),
    ):
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(live_server.url + url)
        assert_accessible(page, live_server.url)
        page.set_viewport_size(PHONE)
        assert horizontal_overflow(page) == 0, widest_elements(page)
