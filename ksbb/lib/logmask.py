"""Keep secrets that travel in URLs, and e-mail addresses, out of log lines.

A private link (`/k/<token>/` for a donor) is the holder's only key: whoever reads a log line
with it can change the pledge. Every log record passes through `MaskPrivateLinks`, which
replaces the segment after each prefix in settings.KSBB_PRIVATE_PATH_PREFIXES with `***`.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings

if TYPE_CHECKING:
    from sentry_sdk.types import Event

MASK = "***"
# An e-mail address anywhere in a line (SMTP errors quote the addresses they refused).
ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*")


@cache
def _pattern(prefixes: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(prefix) for prefix in prefixes)
    return re.compile(rf"({alternatives})[^/\s?#\"']+")


def mask_addresses(text: str) -> str:
    """`text` with every e-mail address replaced by `***@***`."""
    return ADDRESS.sub(f"{MASK}@{MASK}", text)


def mask(text: str) -> str:
    """`text` with the secret segment of every private-link path and every e-mail address
    masked."""
    prefixes = tuple(getattr(settings, "KSBB_PRIVATE_PATH_PREFIXES", ()))
    if prefixes:
        text = _pattern(prefixes).sub(rf"\g<1>{MASK}", text)
    return mask_addresses(text)


class MaskPrivateLinks(logging.Filter):
    """A handler filter: formats the record's message once, masked (args are folded in)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logging's problem to report, not ours
            return True
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        # Django's request loggers attach the request; its path would reach formatters as is.
        return True


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item) for item in value]
    return value


def scrub_event(event: Event, hint: dict[str, Any]) -> Event:
    """Sentry's before_send: every string of the event with private-link tokens masked."""
    return cast("Event", _scrub(event))
