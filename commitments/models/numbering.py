"""Commitment numbers (KSBB-<year>-<nnnnnn>), gap-free within a year."""

from __future__ import annotations

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class NumberCounter(models.Model):
    """The last commitment number issued per year.

    Incremented with an UPDATE inside the reserving transaction: the row lock serialises
    concurrent pledges, so numbers are unique and gap-free within a year.
    """

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        verbose_name = _("commitment number counter")
        verbose_name_plural = _("commitment number counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"

    @classmethod
    def next_number(cls, year: int) -> str:
        """Issue the next number of the year; call inside a transaction."""
        cls.objects.get_or_create(year=year)
        cls.objects.filter(year=year).update(last=F("last") + 1)
        last = cls.objects.values_list("last", flat=True).get(year=year)
        return f"KSBB-{year}-{last:06d}"
