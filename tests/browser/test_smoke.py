"""Smoke test of the base layout in a real browser: the home page loads cleanly, stays on the
local server, switches language, and is usable from the keyboard."""

from urllib.parse import urlsplit

from playwright.sync_api import expect


def test_home_page_loads_without_console_errors(page, live_server, recipient_a, recipient_b):
    response = page.goto(live_server.url + "/")
    assert response is not None and response.status == 200
    expect(page.locator("main h1")).to_be_visible()
    page.wait_for_load_state("networkidle")
    # Console errors and uncaught exceptions fail the test in the `page` fixture's teardown.


def test_home_page_requests_only_the_local_server(page, live_server, recipient_a):
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).hostname or ""))
    page.goto(live_server.url + "/")
    page.wait_for_load_state("networkidle")
    assert hosts == {urlsplit(live_server.url).hostname}


def switch_language(page, code: str) -> None:
    page.select_option("#language-select", code)
    with page.expect_navigation():
        page.locator("#language-select ~ button[type=submit]").click()


def test_language_switcher_switches_to_english_and_back(page, live_server):
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "id")

    switch_language(page, "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#language-select")).to_have_value("en")
    expect(page.locator("#language-select ~ button[type=submit]")).to_have_text("Change")
    assert urlsplit(page.url).path == "/"

    switch_language(page, "id")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.locator("#language-select")).to_have_value("id")


def test_skip_link_is_the_first_tab_stop(page, live_server):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_attribute("href", "#main")
    expect(focused).to_be_visible()  # visually-hidden-focusable shows itself on focus

    page.keyboard.press("Enter")
    assert urlsplit(page.url).fragment == "main"
