"""The rules a collaborator accepts with every commitment (shown on the form and the letter)."""

from django.utils.translation import gettext_lazy as _

RULES = [
    _("Food is halal, hygienic and within its shelf life."),
    _("The aid carries no political, racial or religious campaign material and spreads no hoax."),
    _(
        "Packages are delivered door to door to the households, at a time agreed with the "
        "recipient's person in charge (Ketua RW or head of the institution)."
    ),
    _("The collaborator reports the delivery, and its quantity, through the private link."),
]
