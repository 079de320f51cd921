"""Template tags that let other apps' pages show commitments."""

from django import template

from commitments.models import Commitment
from commitments.rules import RULES

register = template.Library()

# The recipient page lists this many; the rest are one click away in the filtered list.
RECIPIENT_PAGE_LIMIT = 20


@register.inclusion_tag("commitments/includes/_recipient_commitments.html")
def recipient_commitments(recipient):
    """The public list of commitments to one recipient (its page shows it)."""
    commitments = list(
        Commitment.objects.public().filter(recipient=recipient)[: RECIPIENT_PAGE_LIMIT + 1]
    )
    return {
        "recipient": recipient,
        "commitments": commitments[:RECIPIENT_PAGE_LIMIT],
        "has_more": len(commitments) > RECIPIENT_PAGE_LIMIT,
    }


@register.simple_tag
def commitment_rules():
    return RULES
