"""Template tags that let other apps' pages show commitments."""

from django import template

register = template.Library()


@register.inclusion_tag("commitments/includes/_recipient_commitments.html")
def recipient_commitments(recipient):
    """The public list of commitments to one recipient (its page shows it)."""
    return {"recipient": recipient, "commitments": []}
