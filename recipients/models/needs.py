"""The package catalogue and the needs of recipients: what is needed, pledged and delivered."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, ExpressionWrapper, F, FloatField, Q, Sum, When
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ksbb.lib.httpcache import bump
from recipients.models.areas import Area, Provenance
from recipients.models.recipients import PEOPLE_PER_HOUSEHOLD, Recipient


class Package(models.Model):
    """A package type of the catalogue (Paket Sembako, Paket Lebaran, ...): data, not code."""

    class Basis(models.TextChoices):
        HOUSEHOLD = "household", _("per household (KK)")
        PERSON = "person", _("per person")

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    unit = models.CharField(_("unit"), max_length=100)
    reference_value = models.PositiveIntegerField(_("reference value (Rp)"))
    contents = models.TextField(_("contents"), blank=True)
    basis = models.CharField(_("need computed"), max_length=10, choices=Basis.choices)
    # How many packages one household/person needs (e.g. 1 Paket Sembako per KK).
    quantity_per_basis = models.PositiveSmallIntegerField(_("packages per basis"), default=1)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("package")
        verbose_name_plural = _("packages")

    def __str__(self) -> str:
        return self.name

    def need_for(self, recipient: Recipient) -> int | None:
        """The quantity this package's rule gives for a recipient, or None if unknown."""
        if self.basis == self.Basis.HOUSEHOLD:
            base = recipient.households
            if base is None and recipient.residents is not None:
                base = -(-recipient.residents // PEOPLE_PER_HOUSEHOLD)  # round up
        else:
            base = recipient.people
        return None if base is None else base * self.quantity_per_basis


class NeedQuerySet(models.QuerySet):
    def unmet(self) -> NeedQuerySet:
        """Needs with quantity left to pledge (pairs with `Need.is_met`)."""
        return self.filter(quantity__gt=F("pledged") + F("delivered"))

    def least_served(self) -> NeedQuerySet:
        """Unmet needs, the smallest share pledged or delivered first, then the largest gap."""
        covered = (F("pledged") + F("delivered")) * 1.0 / F("quantity")
        return (
            self.unmet()
            .annotate(
                served_share=ExpressionWrapper(covered, output_field=FloatField()),
                left=F("quantity") - F("pledged") - F("delivered"),
            )
            .order_by("served_share", "-left", "pk")
        )

    def nearby(self, recipient: Recipient) -> NeedQuerySet:
        """Unmet needs of other active recipients: same kelurahan first, then same kecamatan,
        each least served first (where the pledge form steers donors of a covered need)."""
        area = recipient.area
        kecamatan = area.parent if area.is_kelurahan else area
        assert kecamatan is not None  # a kelurahan has a parent (area_parent_matches_level)
        return (
            self.least_served()
            .filter(recipient__is_active=True, recipient__area__in=Area.objects.within(kecamatan))
            .exclude(recipient=recipient)
            .annotate(
                same_kelurahan=Case(When(recipient__area=area, then=0), default=1),
            )
            .order_by("same_kelurahan", "served_share", "-left", "pk")
        )

    def move(self, *, pledged: int = 0, delivered: int = 0) -> int:
        """Shift `pledged` / `delivered` on these needs in SQL (never read-modify-save, so
        concurrent moves add up) and refresh the cached map figures, which update() would not
        (it sends no signal). Returns the number of needs moved."""
        if not (pledged or delivered):
            return 0
        moved = self.update(pledged=F("pledged") + pledged, delivered=F("delivered") + delivered)
        bump("needs")
        return moved

    def totals(self) -> dict[str, int]:
        """Need / pledged / delivered summed over these needs (0 when there are none): the
        rule for totals over many recipients, as `with_need_sums()` is per recipient."""
        sums = self.aggregate(
            need=Sum("quantity"), pledged=Sum("pledged"), delivered=Sum("delivered")
        )
        return {key: value or 0 for key, value in sums.items()}


class Need(models.Model):
    """A quantity of one package type that one recipient needs.

    `pledged` is what open commitments have reserved and `delivered` what has arrived; the
    commitments app keeps both in step with the commitments behind them.
    """

    recipient = models.ForeignKey(
        Recipient, on_delete=models.CASCADE, related_name="needs", verbose_name=_("recipient")
    )
    package = models.ForeignKey(
        Package, on_delete=models.PROTECT, related_name="needs", verbose_name=_("package")
    )
    quantity = models.IntegerField(_("quantity needed"))
    pledged = models.IntegerField(_("pledged"), default=0, editable=False)
    delivered = models.IntegerField(_("delivered"), default=0, editable=False)
    provenance = models.CharField(
        _("data source"), max_length=10, choices=Provenance.choices, default=Provenance.DEMO
    )
    updated = models.DateTimeField(_("last changed"), auto_now=True)

    objects = NeedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["recipient", "package__sort_order"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "package"], name="need_unique_package"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="need_quantity_not_negative"),
            models.CheckConstraint(condition=Q(pledged__gte=0), name="need_pledged_not_negative"),
            models.CheckConstraint(
                condition=Q(delivered__gte=0), name="need_delivered_not_negative"
            ),
            # Never over-reserved, whatever the code path: the reservation checks first, this
            # is the safety net. An admin who lowers a need below what is already pledged or
            # delivered gets a form error from clean() and must cancel pledges first.
            models.CheckConstraint(
                condition=Q(quantity__gte=F("pledged") + F("delivered")),
                name="need_not_over_reserved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} — {self.package}: {self.quantity}"

    def clean(self) -> None:
        # The admin form excludes pledged/delivered, so Django skips the constraint on them.
        if self.quantity is not None and self.quantity < self.pledged + self.delivered:
            message = _(
                "%(taken)s packages are already pledged or delivered; the need cannot be "
                "lower. Cancel or close commitments first."
            ) % {"taken": self.pledged + self.delivered}
            raise ValidationError({"quantity": ValidationError(message, code="below_reserved")})

    @property
    def remaining(self) -> int:
        return max(self.quantity - self.pledged - self.delivered, 0)

    @property
    def is_met(self) -> bool:
        return self.remaining == 0
