"""A complaint, its tracking number, its public timeline of follow-ups, its photos, and the log
of who saw the reporter's contact."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commitments.models import Commitment
from complaints.models.reference import Category, Office, Officer, Status
from ksbb.lib.counters import YearCounter
from recipients.models import Area, Recipient, within_q


def new_token() -> str:
    """An unguessable key for the reporter's private link (256 bits)."""
    return secrets.token_urlsafe(32)


class ComplaintCounter(YearCounter):
    """The last tracking number issued per year (incremented in the submitting transaction)."""

    PREFIX = "CRM"

    class Meta:
        verbose_name = _("tracking number counter")
        verbose_name_plural = _("tracking number counters")


class ComplaintQuerySet(models.QuerySet):
    def handled_by(self, user: Any) -> ComplaintQuerySet:
        """The complaints `user` may see as an officer: those routed to their office, those of
        their kelurahan not passed on to an office, and all of their kecamatan's kelurahan.
        Admins see every complaint; anyone else none."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser or user.has_perm("complaints.change_complaint"):
            return self
        rule = Q(pk__in=[])
        for post in Officer.objects.of(user).select_related("area"):
            if post.office_id is not None:
                rule |= Q(office_id=post.office_id)
            elif post.area is not None and post.area.level == Area.Level.KELURAHAN:
                rule |= Q(kelurahan_id=post.area_id, office__isnull=True)
            elif post.area is not None:
                rule |= within_q(post.area, "kelurahan__")
        return self.filter(rule)

    def open(self) -> ComplaintQuerySet:
        return self.filter(status__is_open=True)

    def overdue(self, today: date | None = None) -> ComplaintQuerySet:
        """Open complaints past their follow-up date (pairs with `Complaint.is_overdue`)."""
        today = today or timezone.localdate()
        return self.open().filter(due_date__lt=today)


class Complaint(models.Model):
    """A complaint about the aid, routed first to the kelurahan of its location, then possibly
    to a responsible office (disposisi)."""

    number = models.CharField(_("tracking number"), max_length=20, unique=True)
    token = models.CharField(
        _("private link key"), max_length=64, unique=True, default=new_token, editable=False
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("category")
    )
    recipient = models.ForeignKey(
        Recipient,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("recipient"),
    )
    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("commitment"),
    )
    kelurahan = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("kelurahan"),
        limit_choices_to={"level": Area.Level.KELURAHAN},
    )
    description = models.TextField(_("description"))
    # The reporter: all optional (anonymous complaints are accepted); private.
    reporter_name = models.CharField(_("reporter's name"), max_length=150, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=20, blank=True)
    reporter_email = models.EmailField(_("reporter's e-mail"), blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    status = models.ForeignKey(
        Status, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("status")
    )
    # The office handling it after a disposisi; empty while it is with the kelurahan.
    office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("office"),
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    due_date = models.DateField(_("follow-up due"))
    # The first change to a closed status (Selesai): when the follow-up was done.
    followed_up_at = models.DateTimeField(_("followed up"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Set once, by the escalation command, under the row lock: never escalated twice.
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [models.Index(fields=["due_date"])]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        """The public tracking page."""
        return reverse("complaints:track", args=[self.number])

    def get_private_url(self) -> str:
        return reverse("complaints:private", args=[self.token])

    @property
    def private_url(self) -> str:
        return settings.SITE_ROOT.rstrip("/") + self.get_private_url()

    @staticmethod
    def due_date_for(category: Category, received: date) -> date:
        return received + timedelta(days=category.follow_up_days)

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status.is_open and self.due_date < today

    @property
    def has_reporter_contact(self) -> bool:
        return bool(self.reporter_phone or self.reporter_email)


class ComplaintEvent(models.Model):
    """One step of a complaint: received, a status change with its public follow-up text, a
    disposisi to an office, information added by the reporter."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("received")
        STATUS = "status", _("status changed")
        DISPOSITION = "disposition", _("passed on")
        INFORMATION = "information", _("information added by the reporter")
        ESCALATED = "escalated", _("escalated")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="events", verbose_name=_("complaint")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    status = models.ForeignKey(
        Status, on_delete=models.PROTECT, related_name="+", verbose_name=_("status after")
    )
    office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("passed on to"),
    )
    # Shown on the public tracking page: never the reporter's identity.
    public_text = models.TextField(_("public follow-up"), blank=True)
    # Seen by officers and admins only (e.g. what the reporter added).
    internal_text = models.TextField(_("internal note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    actor_label = models.CharField(_("actor"), max_length=20)
    created = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["created", "id"]
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind} {self.created:%Y-%m-%d %H:%M}"


class ComplaintPhoto(models.Model):
    """A photo of a complaint, in the private storage. A reporter's photo is seen by the
    handling officers and admins only — never by the party the complaint is about; an
    officer's proof photo is public (it is the only kind a public page shows)."""

    class Source(models.TextChoices):
        REPORTER = "reporter", _("reporter")
        OFFICER = "officer", _("officer")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="photos", verbose_name=_("complaint")
    )
    event = models.ForeignKey(
        ComplaintEvent,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name=_("event"),
    )
    source = models.CharField(_("taken by"), max_length=10, choices=Source.choices)
    # A name in storages["private"] (ksbb/lib/images.py re-encodes without metadata).
    name = models.CharField(_("file"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=30)
    created = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["created", "id"]
        verbose_name = _("complaint photo")
        verbose_name_plural = _("complaint photos")

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.source == self.Source.OFFICER


class ReporterContactAccess(models.Model):
    """A record that a user saw a reporter's contact (name, phone, e-mail)."""

    complaint = models.ForeignKey(
        Complaint,
        on_delete=models.CASCADE,
        related_name="contact_accesses",
        verbose_name=_("complaint"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("user"),
    )
    viewed_at = models.DateTimeField(_("viewed at"), default=timezone.now)
    via = models.CharField(_("where"), max_length=50)

    class Meta:
        ordering = ["-viewed_at", "-id"]
        verbose_name = _("reporter contact view")
        verbose_name_plural = _("reporter contact views")

    def __str__(self) -> str:
        return f"{self.user} viewed {self.complaint_id} ({self.via})"
