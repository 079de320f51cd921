"""Gap-free numbers per year (KSBB-2026-000001, CRM-2026-000001): an abstract model that each
app's counter table extends with its own prefix."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class YearCounter(models.Model):
    """The last number issued per year.

    Incremented with an UPDATE inside the caller's transaction: the row lock serialises
    concurrent callers, so numbers are unique and gap-free within a year.
    """

    PREFIX: ClassVar[str] = ""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"

    @classmethod
    def next_number(cls, year: int) -> str:
        """Issue the next number of the year (PREFIX-YYYY-NNNNNN); call inside a transaction."""
        cls._default_manager.get_or_create(year=year)
        cls._default_manager.filter(year=year).update(last=F("last") + 1)
        last = cls._default_manager.values_list("last", flat=True).get(year=year)
        return f"{cls.PREFIX}-{year}-{last:06d}"
