"""Reference data of the complaint channel, editable in the admin and seeded from fixtures/:
official channels, categories, statuses and their transitions, offices; and the officers."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from recipients.models import Area


def localised(name: str, name_en: str) -> str:
    """A data label in the reader's language: the English one when English is active and an
    admin gave it; else the Indonesian name (reference data is Indonesian first)."""
    return name_en if name_en and get_language() == "en" else name


class Channel(models.Model):
    """An official channel of the city's complaint system (JAKI, @DKIJakarta, LAPOR! 1708...)."""

    class Kind(models.TextChoices):
        APP = "app", _("app")
        SOCIAL = "social", _("social media")
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("SMS / WhatsApp")
        OFFICE = "office", _("office")
        WEB = "web", _("website")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # A handle, a number, an address or a URL: how a person reaches the channel.
    contact = models.CharField(_("how to reach it"), max_length=300)
    url = models.URLField(_("link"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("official channel")
        verbose_name_plural = _("official channels")

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """What a complaint is about (aid not delivered, wrong recipient, political content...)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    # The follow-up target: CRM's is 7 days after receipt.
    follow_up_days = models.PositiveSmallIntegerField(_("follow-up due after (days)"), default=7)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localised(self.name, self.name_en)


class Status(models.Model):
    """A status of CRM's vocabulary (Menunggu, Koordinasi, Disposisi, Proses, Selesai, Menunggu
    Validasi, TL Ditolak): data, with its allowed next steps in Transition."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    # Open: the complaint still waits for work; closed: its follow-up is done (the 7-day target
    # is met by the first change to a closed status).
    is_open = models.BooleanField(_("open"), default=True)
    # The status a new complaint starts in (exactly one should be initial).
    is_initial = models.BooleanField(_("initial"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("complaint status")
        verbose_name_plural = _("complaint statuses")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localised(self.name, self.name_en)


class Transition(models.Model):
    """An allowed step from one status to another, offered to the officers."""

    from_status = models.ForeignKey(
        Status, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("from")
    )
    to_status = models.ForeignKey(
        Status, on_delete=models.CASCADE, related_name="+", verbose_name=_("to")
    )
    # Who may take it: the handling officers, or the reporter from their private link
    # (confirming or rejecting the outcome).
    by_reporter = models.BooleanField(_("taken by the reporter"), default=False)

    class Meta:
        ordering = ["from_status__sort_order", "to_status__sort_order"]
        verbose_name = _("status transition")
        verbose_name_plural = _("status transitions")
        constraints = [
            models.UniqueConstraint(
                fields=["from_status", "to_status", "by_reporter"], name="transition_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class Office(models.Model):
    """A responsible office: a dinas (provincial agency) or a suku dinas (its branch in a
    kota), with the categories it handles. A dinas may pass a complaint to its suku dinas."""

    class Kind(models.TextChoices):
        DINAS = "dinas", _("dinas")
        SUKU_DINAS = "sudin", _("suku dinas")

    name = models.CharField(_("name"), max_length=150, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="branches",
        verbose_name=_("dinas"),
        limit_choices_to={"kind": "dinas"},
    )
    # The kota a suku dinas serves.
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kota/kabupaten"),
        limit_choices_to={"level": Area.Level.KOTA},
    )
    categories = models.ManyToManyField(
        Category, blank=True, related_name="offices", verbose_name=_("categories handled")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="dinas", parent__isnull=True) | Q(kind="sudin"),
                name="office_dinas_has_no_parent",
            )
        ]

    def __str__(self) -> str:
        return self.name


class OfficerQuerySet(models.QuerySet):
    def current(self, today: date | None = None) -> OfficerQuerySet:
        today = today or timezone.localdate()
        return self.filter(Q(end__isnull=True) | Q(end__gte=today), start__lte=today)

    def of(self, user: Any) -> OfficerQuerySet:
        """The current links of `user` (none for an anonymous visitor)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.current().filter(user=user)


class Officer(models.Model):
    """A user who handles the complaints routed to one area or one office. An officer of a
    kelurahan handles the complaints of that kelurahan; an officer of a kecamatan oversees those
    of its kelurahan (overdue complaints are escalated to them)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="officer_posts",
        verbose_name=_("user"),
    )
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kelurahan or kecamatan"),
        limit_choices_to={"level__in": (Area.Level.KECAMATAN, Area.Level.KELURAHAN)},
    )
    office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
        verbose_name=_("office"),
    )
    start = models.DateField(_("from"), default=timezone.localdate)
    end = models.DateField(_("until"), null=True, blank=True)

    objects = OfficerQuerySet.as_manager()

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("officer")
        verbose_name_plural = _("officers")
        constraints = [
            models.CheckConstraint(
                condition=Q(area__isnull=False, office__isnull=True)
                | Q(area__isnull=True, office__isnull=False),
                name="officer_area_or_office",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.area or self.office}"
