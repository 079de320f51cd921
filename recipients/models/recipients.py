"""Recipients: the priority RWs and institutions aid can be pledged to, with the one rule for
their need / pledged / delivered figures."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models
from django.db.models import Count, ExpressionWrapper, F, FloatField, Q, Sum, Value
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from recipients.models.areas import RW, Area, AreaLike, Provenance, within_q

# One KK (household) counts as this many people when a package is given per person.
PEOPLE_PER_HOUSEHOLD = 4


class RecipientQuerySet(models.QuerySet):
    def active(self) -> RecipientQuerySet:
        return self.filter(is_active=True)

    def in_charge_of(self, user: Any, today: date | None = None) -> RecipientQuerySet:
        """The recipients `user` is in charge of today (pairs with `Recipient.is_in_charge`)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        from recipients.models.people import PersonInCharge  # defined after Recipient

        links = PersonInCharge.objects.current(today).filter(user=user)
        return self.filter(pk__in=links.values("recipient_id"))

    def in_area(self, area: AreaLike) -> RecipientQuerySet:
        """Recipients whose area is `area` or lies inside it."""
        return self.filter(within_q(area, "area__"))

    def with_need_sums(self) -> RecipientQuerySet:
        """Each recipient with the sums of its needs: `need_total`, `pledged_total`,
        `delivered_total` (0 without needs), `need_count`, `remaining` and `served` (the share
        pledged or delivered, None without need). The one place these figures are summed per
        recipient; `Recipient.is_fulfilled` reads them."""
        zero = Value(0)
        summed = self.annotate(
            need_count=Count("needs"),
            need_total=Coalesce(Sum("needs__quantity"), zero),
            pledged_total=Coalesce(Sum("needs__pledged"), zero),
            delivered_total=Coalesce(Sum("needs__delivered"), zero),
        )
        return summed.annotate(
            remaining=F("need_total") - F("pledged_total") - F("delivered_total"),
            served=ExpressionWrapper(
                (F("pledged_total") + F("delivered_total")) * 1.0 / NullIf(F("need_total"), 0),
                output_field=FloatField(),
            ),
        )


class Recipient(models.Model):
    """Whoever aid can be pledged to: a priority RW or an institution.

    One table serves the map, the pledge form and the complaint form.
    """

    class Kind(models.TextChoices):
        PRIORITY_RW = "rw", _("priority RW")
        PANTI_ASUHAN = "panti_asuhan", _("panti asuhan (orphanage)")
        PANTI_DISABILITAS = "panti_disabilitas", _("panti disabilitas (disability home)")
        PANTI_JOMPO = "panti_jompo", _("panti jompo (elderly home)")
        PESANTREN = "pesantren", _("pesantren")
        OTHER = "other", _("other")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    # The smallest official area known to hold the recipient: a kelurahan, or a kota when
    # the source names no kelurahan (then location_approximate is set).
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="recipients", verbose_name=_("area")
    )
    rw = models.OneToOneField(
        RW,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recipient",
        verbose_name=_("RW"),
    )
    location = models.JSONField(_("location"), null=True, blank=True)  # GeoJSON Point
    location_approximate = models.BooleanField(_("location is approximate"), default=False)
    address = models.CharField(_("address"), max_length=300, blank=True)
    residents = models.PositiveIntegerField(_("residents"), null=True, blank=True)
    residents_provenance = models.CharField(
        _("residents source"), max_length=10, choices=Provenance.choices, blank=True
    )
    pj_name = models.CharField(_("person in charge"), max_length=100, blank=True)
    # The PJ's own contact, for notices of new pledges: private, never on a public page.
    pj_email = models.EmailField(_("person in charge's e-mail"), blank=True)
    pj_phone = models.CharField(_("person in charge's phone"), max_length=20, blank=True)
    description = models.TextField(_("public description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    provenance = models.CharField(
        _("data source"), max_length=10, choices=Provenance.choices, default=Provenance.OFFICIAL
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    # Stable key of the record in its source ("pesantren:<NSPP>", "rw:<kelurahan>:<n>"),
    # which makes imports idempotent. Empty for recipients entered by hand.
    source_key = models.CharField(
        _("key in the source"), max_length=100, unique=True, null=True, blank=True
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("last changed"), auto_now=True)

    objects = RecipientQuerySet.as_manager()
    history = HistoricalRecords()

    # Set by RecipientQuerySet.with_need_sums() only.
    need_count: int
    need_total: int
    pledged_total: int
    delivered_total: int
    remaining: int
    served: float | None

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        indexes = [models.Index(fields=["kind", "is_active"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="rw", rw__isnull=False) | ~Q(kind="rw"),
                name="recipient_priority_rw_has_rw",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def households(self) -> int | None:
        """KK of a priority RW (from its RW record); institutions have residents instead."""
        rw = self.rw if self.rw_id else None
        return rw.households if rw is not None else None

    @property
    def people(self) -> int | None:
        """Number of people the package rules count: residents, else KK x 4."""
        if self.residents is not None:
            return self.residents
        if self.households is not None:
            return self.households * PEOPLE_PER_HOUSEHOLD
        return None

    def is_in_charge(self, user: Any, today: date | None = None) -> bool:
        """Whether `user` is a person in charge of this recipient today."""
        if not getattr(user, "is_authenticated", False):
            return False
        return self.people_in_charge.current(today).filter(user=user).exists()

    @property
    def is_fulfilled(self) -> bool:
        """*Terpenuhi*: it has needs and none is open (needs `with_need_sums()`)."""
        return self.need_count > 0 and self.remaining <= 0

    @property
    def map_geometry(self) -> dict | None:
        """What the recipient's page draws: its RW's simplified polygon, else its point."""
        rw = self.rw if self.rw_id else None
        if rw is not None and rw.boundary_web is not None:
            return rw.boundary_web
        return self.location or None

    def feature_properties(self) -> dict[str, Any]:
        """The public properties of this recipient on the map: never a PJ's contact.
        Select the RW (priority RWs) and the area chain with the recipient."""
        properties: dict[str, Any] = {
            "name": self.name,
            "kind": self.kind,
            **self.area.names(),
            "area": self.area.code,
        }
        # Only a priority RW has an RW (a constraint); institutions are read without one.
        if self.kind == self.Kind.PRIORITY_RW and (rw := self.rw) is not None:
            properties |= {
                "rw": rw.number,
                "households": rw.households,
                "households_source": rw.households_provenance,
                "ketua_rw": rw.ketua_name,
                "ketua_rw_source": rw.ketua_provenance,
                "boundary_source": rw.boundary_provenance,
            }
        else:
            properties |= {
                "address": self.address,
                "location_approximate": self.location_approximate,
                "residents": self.residents,
                "residents_source": self.residents_provenance,
            }
        properties |= {
            "source": self.provenance,
            "url": reverse("recipients:detail", args=[self.pk]),
        }
        return properties
