"""Browser tests: Playwright's sync API driving Debian's Chromium against ``live_server``.

Write a test in ``tests/browser/test_<page>.py`` with the ``page`` and ``live_server`` fixtures::

    def test_recipient_page_shows_the_name(page, live_server, recipient_a):
        page.goto(live_server.url + reverse("recipients:detail", args=[recipient_a.pk]))
        expect(page.locator("h1")).to_contain_text(recipient_a.name)

What this conftest does for every test in this folder:

- marks it ``browser`` (``make test-browser`` runs only these; ``-m "not browser"`` skips them)
  and ``django_db(transaction=True, serialized_rollback=True)``: the live server runs in another
  thread, so test data must be committed, and the rollback restores the seeded package
  catalogue that the flush after each transactional test removes;
- runs these tests last, after the rest of the suite, because the Playwright event loop makes
  Django treat the main thread as async (``DJANGO_ALLOW_ASYNC_UNSAFE`` is set only while the
  browser is up);
- ``page`` is a fresh browser context and page per test. Requests to any host other than the
  live server's are aborted (no network in tests) and maps get no tile layer
  (``LEAFLET_CONFIG["TILES"] = []``). The test FAILS at teardown if the page logged a console
  error, raised an uncaught exception or asked for a non-local URL;
- without /usr/bin/chromium the tests skip, except under CI=true where they fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
BROWSER_DIR = Path(__file__).parent
TIMEOUT_MS = 10_000


def pytest_itemcollected(item: pytest.Item) -> None:
    """Mark the tests of this folder as soon as they are collected, so `-m` sees the mark."""
    if BROWSER_DIR in Path(str(item.path)).parents:
        item.add_marker(pytest.mark.browser)
        if item.get_closest_marker("django_db") is None:
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


# trylast: pytest-django sorts the items in its own (tryfirst) hook; ours must come after it.
@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests after all the others."""
    browser_items = [item for item in items if BROWSER_DIR in Path(str(item.path)).parents]
    if browser_items:
        browser_set = set(browser_items)
        others = [item for item in items if item not in browser_set]
        items[:] = others + browser_items


def _unavailable(reason: str) -> None:
    """CI must run the browser tests, so a missing browser fails there; locally it skips."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: browser tests may not be skipped)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def playwright_api() -> object:
    """The sync_playwright entry point, once Chromium and Playwright are known to be there."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} not found: sudo apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed: make install-dev")
    return sync_playwright


@pytest.fixture(scope="session")
def browser(playwright_api, django_db_setup) -> Iterator:
    """One headless Chromium for the whole session.

    Depends on django_db_setup so that the test database is torn down after the browser
    stops, i.e. outside Playwright's event loop.
    """
    from django.db import connections

    serialized = {
        alias: getattr(connections[alias], "_test_serialized_contents", None)
        for alias in connections
    }
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = playwright_api().start()
    try:
        # With Playwright's loop running, asgiref hands this thread fresh connection objects
        # (context-local instead of thread-local): give them the serialized test data that
        # serialized_rollback reloads, which Django stored on the old ones.
        for alias, contents in serialized.items():
            if contents is not None:
                # Django sets this private attribute in create_test_db(); the stubs omit it.
                connections[alias]._test_serialized_contents = contents  # type: ignore[attr-defined]
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
    finally:
        # Close those connections while they are still reachable, or PostgreSQL refuses to
        # drop the test database that they hold open.
        connections.close_all()
        playwright.stop()
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _no_map_tiles(settings) -> None:
    """No network in tests: maps render without a tile layer (they must work without one)."""
    settings.LEAFLET_CONFIG = {**settings.LEAFLET_CONFIG, "TILES": []}


@pytest.fixture
def page(browser) -> Iterator:
    """A new page in a new context; fails the test if the page logs errors (see module doc)."""
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    problems: list[str] = []

    def keep_local(route) -> None:
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            problems.append(f"request to a non-local host: {route.request.url}")
            route.abort()

    context.route("**/*", keep_local)
    new_page = context.new_page()
    new_page.on(
        "console",
        lambda message: (
            problems.append(f"console error: {message.text} ({message.location.get('url')})")
            if message.type == "error"
            else None
        ),
    )
    new_page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    yield new_page
    context.close()
    if problems:
        pytest.fail("The page reported errors:\n  " + "\n  ".join(problems), pytrace=False)
