"""The donor's journey with the keyboard alone: home page -> recipient -> pledge form with a
mistake -> the error summary -> corrected -> submitted -> the letter downloaded. Only Tab,
Shift+Tab, Enter, Space and the arrow keys move around (text is typed into the fields); every
element that takes the focus must show it and lie inside the viewport."""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from pypdf import PdfReader

from commitments.models import Commitment
from ksbb.lib.httpcache import memo

# No page of the journey needs more Tab presses than this to reach what it looks for.
MAX_TABS = 80

FOCUSED = """async () => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  // Bootstrap fades the focus ring in: read the style once the transitions have ended.
  const settled = Promise.all(el.getAnimations().map((a) => a.finished)).catch(() => null);
  await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, 1000))]);
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const noShadow = /^none$|^rgba\\(0, 0, 0, 0\\)[ 0px]*$/;
  const shadow = !noShadow.test(style.boxShadow);
  // Past its last segment, Chromium's date input focuses its calendar button, inside the
  // browser's own shadow tree, which draws its own ring: the input itself loses :focus.
  const calendarButton = el.type === "date" && !el.matches(":focus");
  return {
    description: `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}`
      + `${el.name ? "[name=" + el.name + "]" : ""}`
      + ` "${(el.innerText || el.value || el.ariaLabel || "").trim().slice(0, 50)}"`
      + ` (outline: ${style.outline}; box-shadow: ${style.boxShadow})`,
    indicator: outline || shadow || calendarButton,
    inViewport: rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.right > 0
      && rect.top < window.innerHeight && rect.left < window.innerWidth,
  };
}"""


@dataclass
class Focus:
    description: str
    indicator: bool
    in_viewport: bool


def focused(page: Page) -> Focus | None:
    state = page.evaluate(FOCUSED)
    if state is None:
        return None
    return Focus(state["description"], state["indicator"], state["inViewport"])


IN_VIEWPORT = """() => {
  const rect = document.activeElement.getBoundingClientRect();
  return rect.bottom > 0 && rect.right > 0
    && rect.top < window.innerHeight && rect.left < window.innerWidth;
}"""


def assert_focus_visible(page: Page) -> None:
    """The focused element shows a focus indicator (outline or box-shadow) and can be seen."""
    # Bootstrap scrolls smoothly: the browser brings the focused element into view over a few
    # frames. If it never does, the assertion below says so.
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_function(IN_VIEWPORT, timeout=2000)
    focus = focused(page)
    assert focus is not None, f"nothing has the focus on {page.url}"
    assert focus.indicator, f"{focus.description} has no visible focus indicator on {page.url}"
    assert focus.in_viewport, f"{focus.description} is focused outside the viewport on {page.url}"


def press(page: Page, key: str) -> None:
    page.keyboard.press(key)
    assert_focus_visible(page)


def follow(page: Page) -> None:
    """Enter on the focused link or button, which loads another page."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def tab_to(page: Page, selector: str, *, backwards: bool = False) -> None:
    """Tab (or Shift+Tab) until the focused element matches `selector`, checking the focus is
    visible at every stop on the way."""
    visited: list[str] = []
    for _ in range(MAX_TABS):
        press(page, "Shift+Tab" if backwards else "Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
        focus = focused(page)
        visited.append(focus.description if focus else "(nothing)")
    raise AssertionError(f"{selector} not reached in {MAX_TABS} tabs on {page.url}: {visited}")


def focused_matches(page: Page, selector: str) -> bool:
    return bool(page.evaluate("(s) => document.activeElement.matches(s)", selector))


def type_date(page: Page, day: date) -> None:
    """Type a date into the focused date input, in the order the browser's locale shows it."""
    order = page.evaluate(
        """() => new Intl.DateTimeFormat().formatToParts(new Date(2026, 0, 31))
                 .map((part) => part.type).filter((t) => ["day", "month", "year"].includes(t))"""
    )
    parts = {"day": f"{day.day:02d}", "month": f"{day.month:02d}", "year": f"{day.year:04d}"}
    page.keyboard.type("".join(parts[name] for name in order))


def tab_and_type(page: Page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def described_by_text(page: Page, selector: str) -> str:
    """The text of the elements the field's aria-describedby points at."""
    return str(
        page.evaluate(
            """(s) => (document.querySelector(s).getAttribute("aria-describedby") || "")
                 .split(/\\s+/).filter(Boolean)
                 .map((id) => document.getElementById(id)?.textContent ?? "").join(" ")""",
            selector,
        )
    )


@pytest.fixture(autouse=True)
def _fresh_state(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the stored letter
    cache.clear()  # map payloads and rate-limit counters
    memo.clear()


def fill_the_pledge_form(page: Page, *, phone: str, today: date) -> None:
    """From the top of the form to its last field, in tab order."""
    # A radio group is one tab stop; the arrow keys choose within it.
    tab_to(page, "input[name=collaborator_type]")
    press(page, "ArrowDown")
    expect(page.locator("input[name=collaborator_type][value=company]")).to_be_checked()
    tab_and_type(page, "input[name=name]", "PT Maju Bersama")
    tab_and_type(page, "input[name=contact_person]", "Andi Wijaya")
    tab_and_type(page, "input[name=phone]", phone)
    tab_and_type(page, "input[name=email]", "andi@example.com")
    tab_and_type(page, "input[name=address]", "Jl. Merdeka No. 10")
    tab_to(page, "input[name=public_as]")
    press(page, "Space")
    expect(page.locator("input[name=public_as][value=name]")).to_be_checked()
    tab_and_type(page, "input[name=qty_sembako]", "40")
    tab_to(page, "input[name=delivery_date]")
    type_date(page, today + timedelta(days=2))
    tab_to(page, "input[name=deadline]")
    type_date(page, today + timedelta(days=7))
    tab_to(page, "input[name=delivery_method]")
    press(page, "Space")
    expect(page.locator("input[name=delivery_method][value=self]")).to_be_checked()
    tab_to(page, "input[name=rules_accepted]")
    press(page, "Space")
    expect(page.locator("input[name=rules_accepted]")).to_be_checked()


def test_a_donor_pledges_and_downloads_the_letter_with_the_keyboard_alone(
    page: Page, live_server: Any, recipient_a: Any
) -> None:
    today = timezone.localdate()
    page.goto(live_server.url + reverse("recipients:home"))
    expect(page.locator("#map")).to_have_attribute("data-ready", "1")

    # The first stop is the skip link; it leads past the navigation to the content.
    press(page, "Tab")
    assert focused_matches(page, "a[href='#main']"), focused(page)
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    # <main> takes no focus itself, but the next Tab starts from it.
    press(page, "Tab")
    assert focused_matches(page, "main *"), focused(page)

    # Home -> the least served recipient -> its "Give help" button -> the pledge form.
    detail = reverse("recipients:detail", args=[recipient_a.pk])
    tab_to(page, f"main a[href='{detail}']")
    follow(page)
    expect(page.locator("h1")).to_contain_text(recipient_a.name)
    tab_to(page, "#give-help")
    follow(page)
    expect(page).to_have_url(re.compile(r"/beri-bantuan/$"))

    # A mistake: the server returns the form, and the focus is on the summary of its errors.
    fill_the_pledge_form(page, phone="123", today=today)
    tab_to(page, "form [type=submit]")
    follow(page)
    summary = page.locator(".ksbb-error-summary")
    expect(summary).to_be_focused()
    assert_focus_visible(page)
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_contain_text("telepon Indonesia")
    assert not Commitment.objects.exists()

    # The phone field says it is invalid, and which message describes it.
    phone = page.locator("input[name=phone]")
    expect(phone).to_have_attribute("aria-invalid", "true")
    assert "telepon Indonesia" in described_by_text(page, "input[name=phone]")
    # Nothing already typed is lost.
    expect(page.locator("input[name=address]")).to_have_value("Jl. Merdeka No. 10")
    expect(page.locator("input[name=rules_accepted]")).to_be_checked()

    # The summary's link leads to the field; the donor corrects it and submits.
    tab_to(page, ".ksbb-error-summary a[href='#id_phone']")
    press(page, "Enter")
    expect(phone).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("0812 3456 7890")
    tab_to(page, "form [type=submit]")
    # Shift+Tab goes back the same way.
    press(page, "Shift+Tab")
    assert focused_matches(page, "input[name=rules_accepted]"), focused(page)
    press(page, "Tab")
    follow(page)

    # (The browser keeps the summary link's #id_phone through the redirect: harmless.)
    expect(page).to_have_url(re.compile(r"/k/[^/#]+/(#id_phone)?$"))
    commitment = Commitment.objects.get()
    assert commitment.phone == "+6281234567890"

    # The letter downloads from the keyboard.
    tab_to(page, f"a[href$='{commitment.token}/surat.pdf']")
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    download = download_info.value
    assert download.suggested_filename == f"{commitment.number}.pdf"
    reader = PdfReader(io.BytesIO(Path(download.path()).read_bytes()))
    assert commitment.number in "".join(p.extract_text() for p in reader.pages)
