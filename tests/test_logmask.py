"""Private-link tokens never reach a log line or an error report."""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING, cast

import pytest
from django.urls import reverse

from commitments.testing import make_commitment
from ksbb.lib.logmask import MaskPrivateLinks, mask, scrub_event

if TYPE_CHECKING:
    from sentry_sdk.types import Event

TOKEN = "Zk3-secret_TOKEN-value"


@pytest.mark.parametrize(
    "text",
    [
        f"GET /k/{TOKEN}/ HTTP/1.1",
        f"Not Found: /k/{TOKEN}/surat.pdf",
        f"https://ksbb.example.org/k/{TOKEN}/batal/?next=1",
    ],
)
def test_mask_hides_the_token_and_keeps_the_rest(text):
    masked = mask(text)
    assert TOKEN not in masked
    assert "/k/***" in masked


def test_other_paths_are_unchanged():
    assert mask("/komitmen/KSBB-2020-000001/") == "/komitmen/KSBB-2020-000001/"


def test_filter_masks_tokens_passed_as_log_arguments():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", (f"/k/{TOKEN}/",), None
    )
    assert MaskPrivateLinks().filter(record)
    assert TOKEN not in record.getMessage()


def test_a_request_for_a_private_link_logs_no_token(client, recipient_a, packages):
    commitment = make_commitment(recipient_a, {packages["sembako"]: 5})
    # The console handler of the settings (pytest adds its own capturing handlers beside it).
    (console,) = [
        handler
        for handler in logging.getLogger("django").handlers
        if type(handler) is logging.StreamHandler
    ]
    assert isinstance(console, logging.StreamHandler)
    logged = io.StringIO()
    previous = console.setStream(logged)
    try:
        client.get(reverse("commitments:private", args=[commitment.token + "x"]))  # 404: logged
        client.get(reverse("commitments:private", args=[commitment.token]))
    finally:
        console.setStream(previous)
    assert "Not Found: /k/***" in logged.getvalue()
    assert commitment.token not in logged.getvalue()


def test_the_console_handler_of_the_settings_masks(settings):
    assert "mask_private_links" in settings.LOGGING["handlers"]["console"]["filters"]


def test_error_reports_are_scrubbed():
    event = {"request": {"url": f"https://x/k/{TOKEN}/"}, "message": f"Not Found: /k/{TOKEN}/"}
    scrubbed = scrub_event(cast("Event", event), {})
    assert TOKEN not in str(scrubbed)
    assert "/k/***" in str(scrubbed)


def test_no_error_reports_without_a_dsn():
    import sentry_sdk

    assert not sentry_sdk.get_client().is_active()
