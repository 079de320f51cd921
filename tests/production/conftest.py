"""Browser tests against a running production set-up (`.ci/production-lane`), through nginx.

They are skipped unless KSBB_PRODUCTION_URL names the portal's address; the lane also sets
KSBB_PRODUCTION_ADMIN (``user:password`` of a superuser), KSBB_PRODUCTION_APP_LOG (gunicorn's
access log: which requests reached Django) and KSBB_PRODUCTION_NGINX_LOG (nginx's access log).
Every test here is marked ``production``. The portal is another process with its own database:
these tests only browse it, they never touch Django's test database.

The ``page`` fixture fails the test at teardown if the page logged a console error, raised an
uncaught exception, asked for a host other than the portal's, or got a 4xx/5xx answer.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, LOCAL_HOSTS

PRODUCTION_DIR = Path(__file__).parent
TIMEOUT_MS = 15_000


def pytest_itemcollected(item: pytest.Item) -> None:
    if PRODUCTION_DIR in Path(str(item.path)).parents:
        item.add_marker(pytest.mark.production)


@dataclass(frozen=True)
class Portal:
    """The running portal, as the production lane describes it."""

    url: str
    admin: tuple[str, str] | None
    app_log: Path | None
    nginx_log: Path | None
    mail_dir: Path | None = None
    worker_log: Path | None = None

    def requests_seen_by_django(self) -> str:
        if self.app_log is None:
            pytest.skip("KSBB_PRODUCTION_APP_LOG is not set")
        return self.app_log.read_text()

    def nginx_access_log(self) -> str:
        if self.nginx_log is None:
            pytest.skip("KSBB_PRODUCTION_NGINX_LOG is not set")
        return self.nginx_log.read_text()


@pytest.fixture(scope="session")
def portal() -> Portal:
    url = os.environ.get("KSBB_PRODUCTION_URL", "").rstrip("/")
    if not url:
        pytest.skip("KSBB_PRODUCTION_URL is not set (run .ci/production-lane)")
    user, _, password = os.environ.get("KSBB_PRODUCTION_ADMIN", "").partition(":")

    def path(name: str) -> Path | None:
        value = os.environ.get(name)
        return Path(value) if value else None

    return Portal(
        url=url,
        admin=(user, password) if user and password else None,
        app_log=path("KSBB_PRODUCTION_APP_LOG"),
        nginx_log=path("KSBB_PRODUCTION_NGINX_LOG"),
        mail_dir=path("KSBB_PRODUCTION_MAIL_DIR"),
        worker_log=path("KSBB_PRODUCTION_WORKER_LOG"),
    )


@pytest.fixture(scope="session")
def browser(portal: Portal) -> Iterator:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: the production lane needs it", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@dataclass
class Traffic:
    """What a page asked for and got: every response, and what went wrong."""

    responses: list = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def matching(self, predicate) -> list:
        return [response for response in self.responses if predicate(response)]


@pytest.fixture
def traffic() -> Traffic:
    return Traffic()


@pytest.fixture
def page(browser, portal: Portal, traffic: Traffic) -> Iterator:
    # The lane's certificate is made for the run: no CA vouches for it.
    context = browser.new_context(ignore_https_errors=True, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)

    def keep_local(route) -> None:
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            traffic.problems.append(f"request to a non-local host: {route.request.url}")
            route.abort()

    def record(response) -> None:
        traffic.responses.append(response)
        if response.status >= 400:
            traffic.problems.append(f"{response.status} for {response.url}")

    context.route("**/*", keep_local)
    new_page = context.new_page()
    new_page.on("response", record)
    new_page.on(
        "console",
        lambda message: (
            traffic.problems.append(
                f"console error: {message.text} ({message.location.get('url')})"
            )
            if message.type == "error"
            else None
        ),
    )
    new_page.on("pageerror", lambda error: traffic.problems.append(f"page error: {error}"))
    yield new_page
    context.close()
    if traffic.problems:
        pytest.fail("The page reported errors:\n  " + "\n  ".join(traffic.problems), False)
