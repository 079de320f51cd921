"""Commitment numbers (KSBB-<year>-<nnnnnn>), gap-free within a year."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ksbb.lib.counters import YearCounter


class NumberCounter(YearCounter):
    """The last commitment number issued per year (incremented in the reserving transaction)."""

    PREFIX = "KSBB"

    class Meta:
        verbose_name = _("commitment number counter")
        verbose_name_plural = _("commitment number counters")
