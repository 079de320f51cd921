"""Template tags of recipient data: the label that says where a figure comes from."""

from __future__ import annotations

from typing import Any

from django import template

from recipients.models import Provenance

register = template.Library()


@register.inclusion_tag("includes/_source.html")
def source_label(source: str, *, official: bool = True) -> dict[str, Any]:
    """The badge of a figure's Provenance: every demo or estimated figure says so; official
    ones get a plain badge unless `official=False` (where official is the rule, e.g. lists)."""
    return {
        "is_demo": source == Provenance.DEMO,
        "is_estimated": source == Provenance.ESTIMATED,
        "is_official": official and source == Provenance.OFFICIAL,
    }
