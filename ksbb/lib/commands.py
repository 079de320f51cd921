"""What the portal's scheduled commands share: a `--today` option to run as of another day
(Asia/Jakarta days), e.g. to catch up a missed run or in tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext


def add_today_argument(parser: CommandParser) -> None:
    parser.add_argument(
        "--today",
        type=str,
        help="Run as if it were this day (YYYY-MM-DD), e.g. to catch up a missed day.",
    )


def today_option(options: dict[str, Any]) -> date | None:
    """The --today date, None when not given; a clear error for anything else."""
    value = options.get("today")
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        message = gettext("--today must be a date as YYYY-MM-DD, not %(value)r")
        raise CommandError(message % {"value": value}) from None
