"""The official area hierarchy (province > kota > kecamatan > kelurahan), RWs, the COVID-19
case reports per kelurahan or RW, and the provenance every figure carries."""

from __future__ import annotations

from typing import Any, Protocol

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Provenance(models.TextChoices):
    """Where a figure comes from, so that every page can say so."""

    OFFICIAL = "official", _("official")
    ESTIMATED = "estimated", _("estimate")
    DEMO = "demo", _("demo")


class AreaLike(Protocol):
    """An Area, or a light stand-in for one (pk and dotted code) such as a cached index row."""

    @property
    def pk(self) -> int: ...

    @property
    def code(self) -> str: ...


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
    centroid_lat = models.FloatField(_("centre latitude"), null=True, blank=True)
    centroid_lon = models.FloatField(_("centre longitude"), null=True, blank=True)
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
    def is_kelurahan(self) -> bool:
        """The smallest level: a kelurahan is named with its kecamatan to tell it apart."""
        return self.level == Area.Level.KELURAHAN

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
        """ "Kelurahan, Kecamatan, Kota": the area and the areas above it, smallest first."""
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

    def feature_properties(self) -> dict[str, Any]:
        """The public properties of a kelurahan on the map (select_related the chain)."""
        names = self.names()
        return {
            "code": self.code,
            "name": self.name,
            "kecamatan": names["kecamatan"],
            "kota": names["kota"],
            "population": self.population,
            "households": self.households,
            "source": self.provenance,
        }


# The key each level's name has in `Area.names()`, the API and the CSV, largest first.
AREA_LEVEL_NAMES: dict[int, str] = {
    Area.Level.KOTA: "kota",
    Area.Level.KECAMATAN: "kecamatan",
    Area.Level.KELURAHAN: "kelurahan",
}


def area_name_columns(prefix: str = "area__") -> tuple[str, ...]:
    """What `Area.names()` and the area code read, for only(): an area and its two parents
    reached through `prefix`, without their geometry (select_related "<prefix>parent__parent")."""
    chain = ("", "parent__", "parent__parent__")
    return (f"{prefix}code", *(f"{prefix}{p}{c}" for p in chain for c in ("name", "level")))


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


class CaseReportQuerySet(models.QuerySet):
    def kelurahan_level(self) -> CaseReportQuerySet:
        """Reports of a whole kelurahan."""
        return self.filter(rw__isnull=True)

    def rw_level(self) -> CaseReportQuerySet:
        """Reports of one RW (counted, or estimated from its kelurahan's report)."""
        return self.filter(rw__isnull=False)

    def estimated(self) -> CaseReportQuerySet:
        """Figures computed from others (see CaseReport.is_estimate), not counted."""
        return self.filter(provenance=Provenance.ESTIMATED)


class CaseReport(models.Model):
    """COVID-19 counts for one kelurahan or one RW on one date, cumulative to that date.

    2020 changed its terms: until June the files count ODP / PDP / positif; from July
    (KMK 413/2020) suspek / probable / konfirmasi. The headline count of each term has its
    own nullable column, so neither schema is forced into the other; the sub-counts of each
    (in care, recovered, died, ...) sit in `details` under the names of the source columns.

    A report belongs to a kelurahan or to an RW, never both (a database constraint). RW figures
    are counted (an imported RW file: provenance official) or estimated from the kelurahan's
    report by households (recipients/case_estimates.py: provenance estimated), the way RW
    household figures are marked.
    """

    class Schema(models.TextChoices):
        ODP_PDP = "odp_pdp", _("ODP / PDP / positif (until June 2020)")
        SUSPEK = "suspek", _("suspek / probable / konfirmasi (from July 2020)")

    class Level(models.TextChoices):
        KELURAHAN = "kelurahan", _("kelurahan")
        RW = "rw", _("RW")

    # Which headline columns each schema fills, under the names the 2020 files used.
    TERMS: dict[str, dict[str, str]] = {
        Schema.ODP_PDP: {"odp": "ODP", "pdp": "PDP", "positif": "positif"},
        Schema.SUSPEK: {"suspek": "suspek", "probable": "probable", "positif": "konfirmasi"},
    }
    DETAIL_COLUMNS = ("dirawat", "sembuh", "meninggal", "self_isolation")
    COUNT_COLUMNS = ("odp", "pdp", "suspek", "probable", "positif", *DETAIL_COLUMNS)

    kelurahan = models.ForeignKey(
        Area,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="case_reports",
        verbose_name=_("kelurahan"),
    )
    rw = models.ForeignKey(
        RW,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="case_reports",
        verbose_name=_("RW"),
    )
    report_date = models.DateField(_("report date"))
    schema = models.CharField(_("terms"), max_length=10, choices=Schema.choices)
    # ODP and PDP are the official 2020 terms, the same in every language: not for translation.
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
    provenance = models.CharField(
        _("data source"), max_length=10, choices=Provenance.choices, default=Provenance.OFFICIAL
    )

    objects = CaseReportQuerySet.as_manager()

    class Meta:
        ordering = ["-report_date", "kelurahan__code"]
        verbose_name = _("case report")
        verbose_name_plural = _("case reports")
        constraints = [
            models.UniqueConstraint(
                fields=["kelurahan", "report_date"], name="case_report_unique_day"
            ),
            models.UniqueConstraint(fields=["rw", "report_date"], name="case_report_unique_rw_day"),
            models.CheckConstraint(
                condition=Q(kelurahan__isnull=False, rw__isnull=True)
                | Q(kelurahan__isnull=True, rw__isnull=False),
                name="case_report_kelurahan_or_rw",
            ),
        ]
        indexes = [models.Index(fields=["report_date"])]

    def __str__(self) -> str:
        return f"{self.kelurahan if self.rw_id is None else self.rw} {self.report_date}"

    @property
    def level(self) -> str:
        return self.Level.KELURAHAN if self.rw_id is None else self.Level.RW

    @property
    def is_estimate(self) -> bool:
        """Computed from other figures (an RW's share of its kelurahan), not counted."""
        return self.provenance == Provenance.ESTIMATED

    def term_counts(self) -> list[tuple[str, int | None]]:
        """(term as the source named it, count) of the headline counts of this report."""
        return [(term, getattr(self, column)) for column, term in self.TERMS[self.schema].items()]

    def counts(self) -> dict[str, int | None]:
        """The headline counts of this report's terms, then the common sub-counts."""
        columns = (*self.TERMS[self.schema], *self.DETAIL_COLUMNS)
        return {column: getattr(self, column) for column in columns}
