"""The package lines of a commitment: how much of each package it pledges, and how much of it
the PJ confirmed and the collaborator reported as delivered."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from recipients.models import Package


class CommitmentLine(models.Model):
    """A quantity of one package type in a commitment, and how much of it has arrived."""

    commitment = models.ForeignKey(
        "commitments.Commitment",
        on_delete=models.CASCADE,
        related_name="lines",
        verbose_name=_("commitment"),
    )
    package = models.ForeignKey(
        Package, on_delete=models.PROTECT, related_name="+", verbose_name=_("package")
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    # Confirmed by the PJ (moved on the need) ...
    delivered = models.PositiveIntegerField(_("delivered"), default=0)
    # ... and what the collaborator reported; both are shown when they differ.
    reported = models.PositiveIntegerField(_("reported by the collaborator"), default=0)

    class Meta:
        ordering = ["package__sort_order", "id"]
        verbose_name = _("commitment line")
        verbose_name_plural = _("commitment lines")
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "package"], name="commitment_line_unique_package"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="commitment_line_positive"),
            models.CheckConstraint(
                condition=Q(delivered__lte=F("quantity")),
                name="commitment_line_delivered_within_quantity",
            ),
            models.CheckConstraint(
                condition=Q(reported__lte=F("quantity")),
                name="commitment_line_reported_within_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.package}: {self.quantity}"

    @property
    def undelivered(self) -> int:
        return self.quantity - self.delivered

    @property
    def unreported(self) -> int:
        return self.quantity - self.reported

    @property
    def awaits_confirmation(self) -> bool:
        """The collaborator reported more than the PJ confirmed so far."""
        return self.reported > self.delivered
