"""Areas, RWs, recipients, the package catalogue, needs and COVID-19 case reports.

Domain words stay Indonesian where English has no equivalent: kota/kabupaten (city/regency),
kecamatan (district), kelurahan (urban village), RW (rukun warga, a neighbourhood of a
kelurahan), KK (kartu keluarga, a household), panti (a care home), pesantren (an Islamic
boarding school), penanggung jawab or PJ (the person in charge of a recipient).

Geometry is stored as GeoJSON geometry objects in JSON fields (no PostGIS).
"""

from __future__ import annotations

from typing import Protocol

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, ExpressionWrapper, F, FloatField, Q, Sum, When
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ksbb.lib.httpcache import bump

# One KK (household) counts as this many people when a package is given per person.
PEOPLE_PER_HOUSEHOLD = 4


class Provenance(models.TextChoices):
    """Where a figure comes from, so that every page can say so."""

    OFFICIAL = "official", _("official")
    ESTIMATED = "estimated", _("estimate")
    DEMO = "demo", _("demo")


class AreaLike(Protocol):
    """An Area, or a light stand-in for one (pk and dotted code) such as a cached index row."""

    pk: int
    code: str


def within_q(area: AreaLike, prefix: str = "") -> Q:
    """Matches the area itself and every area below it (codes are hierarchical): the one rule
    for "inside an area"; `prefix` reaches it through a relation ("area__")."""
    return Q(**{f"{prefix}pk": area.pk}) | Q(**{f"{prefix}code__startswith": area.code + "."})


class AreaQuerySet(models.QuerySet):
    def within(self, area: AreaLike) -> AreaQuerySet:
        """The area itself and every area below it."""
        return self.filter(within_q(area))

    def kelurahan(self) -> AreaQuerySet:
        return self.filter(level=Area.Level.KELURAHAN)


class Area(models.Model):
    """An official administrative area, identified by its Kemendagri code (with dots)."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("province")
        KOTA = 2, _("kota/kabupaten")
        KECAMATAN = 3, _("kecamatan")
        KELURAHAN = 4, _("kelurahan")

    code = models.CharField(_("Kemendagri code"), max_length=13, unique=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent area"),
    )
    # GeoJSON geometry as imported, and a simplified copy for the web map.
    boundary = models.JSONField(_("boundary"), null=True, blank=True)
    boundary_web = models.JSONField(_("boundary (simplified)"), null=True, blank=True)
    centroid_lat = models.FloatField(null=True, blank=True)
    centroid_lon = models.FloatField(null=True, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    households = models.PositiveIntegerField(_("households (KK)"), null=True, blank=True)
    provenance = models.CharField(
        _("data source"), max_length=10, choices=Provenance.choices, default=Provenance.OFFICIAL
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    vintage = models.CharField(_("vintage"), max_length=50, blank=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        constraints = [
            models.CheckConstraint(
                condition=Q(level=1, parent__isnull=True) | Q(level__gt=1, parent__isnull=False),
                name="area_parent_matches_level",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def plain_code(self) -> str:
        """The code without dots, as Dukcapil and the COVID-19 files write it."""
        return self.code.replace(".", "")

    def names(self) -> dict[str, str]:
        """{"kota", "kecamatan", "kelurahan"}: the names of this area and the areas above it
        at those levels ("" where there is none). Walks up from a kelurahan at most to its kota,
        so select_related("parent__parent") is enough."""
        names = dict.fromkeys(AREA_LEVEL_NAMES.values(), "")
        node: Area | None = self
        while node is not None and node.level >= Area.Level.KOTA:
            names[AREA_LEVEL_NAMES[node.level]] = node.name
            node = node.parent if node.level > Area.Level.KOTA else None
        return names

    def path(self) -> str:
        """"Kelurahan, Kecamatan, Kota": the area and the areas above it, smallest first."""
        names = self.names()
        return ", ".join(n for n in (names[k] for k in reversed(AREA_LEVEL_NAMES.values())) if n)

    def ancestors(self) -> list[Area]:
        """Province first, this area's parent last (walks up; select_related the chain)."""
        chain = []
        area = self.parent
        while area is not None:
            chain.append(area)
            area = area.parent
        return chain[::-1]


# The key each level's name has in `Area.names()`, the API and the CSV, largest first.
AREA_LEVEL_NAMES = {
    Area.Level.KOTA: "kota",
    Area.Level.KECAMATAN: "kecamatan",
    Area.Level.KELURAHAN: "kelurahan",
}


class RW(models.Model):
    """A rukun warga: a neighbourhood of a kelurahan, numbered within it."""

    kelurahan = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        related_name="rws",
        limit_choices_to={"level": Area.Level.KELURAHAN},
        verbose_name=_("kelurahan"),
    )
    number = models.PositiveSmallIntegerField(_("RW number"))
    boundary = models.JSONField(_("boundary"), null=True, blank=True)
    boundary_web = models.JSONField(_("boundary (simplified)"), null=True, blank=True)
    boundary_provenance = models.CharField(
        _("boundary source"),
        max_length=10,
        choices=Provenance.choices,
        default=Provenance.OFFICIAL,
    )
    households = models.PositiveIntegerField(_("households (KK)"), null=True, blank=True)
    households_provenance = models.CharField(
        _("households source"), max_length=10, choices=Provenance.choices, blank=True
    )
    ketua_name = models.CharField(_("Ketua RW"), max_length=100, blank=True)
    ketua_provenance = models.CharField(
        _("Ketua RW source"), max_length=10, choices=Provenance.choices, blank=True
    )
    # The BPS code(s) of the source polygon(s), kept to trace a record back to its file.
    source_ref = models.CharField(_("source reference"), max_length=200, blank=True)

    class Meta:
        ordering = ["kelurahan__code", "number"]
        verbose_name = _("RW")
        verbose_name_plural = _("RWs")
        constraints = [
            models.UniqueConstraint(fields=["kelurahan", "number"], name="rw_unique_number"),
            models.CheckConstraint(condition=Q(number__gt=0), name="rw_number_positive"),
        ]

    def __str__(self) -> str:
        return f"RW {self.number:02d} {self.kelurahan.name}"


class RecipientQuerySet(models.QuerySet):
    def active(self) -> RecipientQuerySet:
        return self.filter(is_active=True)

    def in_area(self, area: AreaLike) -> RecipientQuerySet:
        """Recipients whose area is `area` or lies inside it."""
        return self.filter(within_q(area, "area__"))


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
    source_key = models.CharField(max_length=100, unique=True, null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = RecipientQuerySet.as_manager()
    history = HistoricalRecords()

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
        return self.rw.households if self.rw_id else None

    @property
    def people(self) -> int | None:
        """Number of people the package rules count: residents, else KK x 4."""
        if self.residents is not None:
            return self.residents
        if self.households is not None:
            return self.households * PEOPLE_PER_HOUSEHOLD
        return None


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

    def met(self) -> NeedQuerySet:
        return self.filter(quantity__lte=F("pledged") + F("delivered"))

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
        kecamatan = area.parent if area.level == Area.Level.KELURAHAN else area
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
    updated = models.DateTimeField(auto_now=True)

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


class CaseReport(models.Model):
    """COVID-19 counts for one kelurahan on one date, cumulative to that date.

    2020 changed its terms: until June the files count ODP / PDP / positif; from July
    (KMK 413/2020) suspek / probable / konfirmasi. The headline count of each term has its
    own nullable column, so neither schema is forced into the other; the sub-counts of each
    (in care, recovered, died, ...) sit in `details` under the names of the source columns.
    """

    class Schema(models.TextChoices):
        ODP_PDP = "odp_pdp", _("ODP / PDP / positif (until June 2020)")
        SUSPEK = "suspek", _("suspek / probable / konfirmasi (from July 2020)")

    kelurahan = models.ForeignKey(
        Area, on_delete=models.CASCADE, related_name="case_reports", verbose_name=_("kelurahan")
    )
    report_date = models.DateField(_("report date"))
    schema = models.CharField(_("terms"), max_length=10, choices=Schema.choices)
    odp = models.PositiveIntegerField("ODP", null=True, blank=True)
    pdp = models.PositiveIntegerField("PDP", null=True, blank=True)
    suspek = models.PositiveIntegerField(_("suspek"), null=True, blank=True)
    probable = models.PositiveIntegerField(_("probable"), null=True, blank=True)
    positif = models.PositiveIntegerField(_("positif / konfirmasi"), null=True, blank=True)
    dirawat = models.PositiveIntegerField(_("in care"), null=True, blank=True)
    sembuh = models.PositiveIntegerField(_("recovered"), null=True, blank=True)
    meninggal = models.PositiveIntegerField(_("died"), null=True, blank=True)
    self_isolation = models.PositiveIntegerField(_("self-isolating"), null=True, blank=True)
    details = models.JSONField(_("sub-counts"), default=dict, blank=True)
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        ordering = ["-report_date", "kelurahan__code"]
        verbose_name = _("case report")
        verbose_name_plural = _("case reports")
        constraints = [
            models.UniqueConstraint(
                fields=["kelurahan", "report_date"], name="case_report_unique_day"
            )
        ]
        indexes = [models.Index(fields=["report_date"])]

    def __str__(self) -> str:
        return f"{self.kelurahan} {self.report_date}"
