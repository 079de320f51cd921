"""A commitment (pledge) of aid against a recipient's needs, its lines and its number.

A commitment's collaborator contact (phone, e-mail, address) is private: only the donor's own
link, the recipient's PJ and admins see it. Public pages read through `public()`.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recipients.models import Package, Recipient

# What a donor who chose anonymity appears as on every public page.
ANONYMOUS_NAME = "Hamba Allah"

# Fields that public pages, exports and the verification page may show. Everything else
# (phone, e-mail, address, contact person, token, the stored letter) stays private.
PUBLIC_FIELDS = (
    "id",
    "number",
    "recipient_id",
    "collaborator_type",
    "name",
    "organisation",
    "is_anonymous",
    "delivery_date",
    "deadline",
    "delivery_method",
    "status",
    "created",
    "acknowledged_at",
    "delivered_at",
    "done_at",
    "cancelled_at",
    "expired_at",
)


def new_token() -> str:
    """An unguessable key for the donor's private link (256 bits)."""
    return secrets.token_urlsafe(32)


# Bump when letter.html or letter.css change how a letter looks, so stored letters re-render.
LETTER_LAYOUT_VERSION = "3"


class NumberCounter(models.Model):
    """The last commitment number issued per year.

    Incremented with an UPDATE inside the reserving transaction: the row lock serialises
    concurrent pledges, so numbers are unique and gap-free within a year.
    """

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

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


class CommitmentQuerySet(models.QuerySet):
    def public(self) -> CommitmentQuerySet:
        """Only the public fields, with what public pages show beside them."""
        return (
            self.select_related("recipient__area__parent__parent")
            .only(
                *PUBLIC_FIELDS,
                "recipient__name",
                "recipient__kind",
                "recipient__area",
                *(
                    f"recipient__area__{parent}{field}"
                    for parent in ("", "parent__", "parent__parent__")
                    for field in ("name", "code", "level", "parent")
                ),
            )
            .prefetch_related(
                models.Prefetch("lines", CommitmentLine.objects.select_related("package"))
            )
        )

    def overdue(self, today: date) -> CommitmentQuerySet:
        """Undelivered commitments past their deadline (pairs with `is_overdue`)."""
        return self.filter(status__in=Commitment.EXPIRABLE_STATUSES, deadline__lt=today)


class Commitment(models.Model):
    """A collaborator's pledge of packages to one recipient, with its schedule and status."""

    class CollaboratorType(models.TextChoices):
        PERSON = "person", _("person")
        COMPANY = "company", _("company")
        COMMUNITY = "community", _("community group")
        AGGREGATOR = "aggregator", _("aggregator / foundation")

    class DeliveryMethod(models.TextChoices):
        SELF = "self", _("delivered by the collaborator")
        PARTNER = "partner", _("through a distribution partner")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        DELIVERED = "delivered", _("delivered")
        DONE = "done", _("done")
        DECLINED = "declined", _("declined")
        CANCELLED = "cancelled", _("cancelled")
        EXPIRED = "expired", _("expired")

    EXPIRABLE_STATUSES = (Status.SUBMITTED, Status.ACKNOWLEDGED)
    CANCELLABLE_STATUSES = (Status.SUBMITTED, Status.ACKNOWLEDGED)

    number = models.CharField(_("commitment number"), max_length=20, unique=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    recipient = models.ForeignKey(
        Recipient,
        on_delete=models.PROTECT,
        related_name="commitments",
        verbose_name=_("recipient"),
    )
    collaborator_type = models.CharField(
        _("collaborator type"), max_length=12, choices=CollaboratorType.choices
    )
    name = models.CharField(_("collaborator name"), max_length=150)
    organisation = models.CharField(_("organisation"), max_length=150, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=150)
    phone = models.CharField(_("phone"), max_length=20)  # E.164, e.g. +6281234567890
    email = models.EmailField(_("e-mail"))
    address = models.CharField(_("address"), max_length=300)
    is_anonymous = models.BooleanField(_("appear publicly as Hamba Allah"), default=False)
    delivery_date = models.DateField(_("delivery date"))
    deadline = models.DateField(_("delivery deadline"))
    delivery_method = models.CharField(
        _("delivery method"), max_length=10, choices=DeliveryMethod.choices
    )
    partner_name = models.CharField(_("distribution partner"), max_length=150, blank=True)
    rules_accepted = models.BooleanField(_("rules accepted"), default=False)
    # The language the donor used on the form: their e-mail is written in it.
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    created = models.DateTimeField(_("submitted at"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    expired_at = models.DateTimeField(_("expired at"), null=True, blank=True)
    # The stored letter and a digest of what it says: re-rendered only when that changes.
    letter = models.FileField(_("pledge letter"), upload_to="letters/%Y/", blank=True)
    letter_digest = models.CharField(max_length=64, blank=True, editable=False)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        indexes = [models.Index(fields=["status", "deadline"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=F("delivery_date")),
                name="commitment_deadline_after_delivery",
            ),
            models.CheckConstraint(
                condition=Q(rules_accepted=True), name="commitment_rules_accepted"
            ),
            models.CheckConstraint(
                condition=~Q(delivery_method="partner") | ~Q(partner_name=""),
                name="commitment_partner_named",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        """The public verification page (the letter's QR code points here)."""
        return reverse("commitments:detail", args=[self.number])

    @property
    def public_name(self) -> str:
        return ANONYMOUS_NAME if self.is_anonymous else self.name

    @property
    def public_organisation(self) -> str:
        return "" if self.is_anonymous else self.organisation

    def is_overdue(self, today: date) -> bool:
        return self.status in self.EXPIRABLE_STATUSES and self.deadline < today

    @property
    def can_be_cancelled(self) -> bool:
        return self.status in self.CANCELLABLE_STATUSES

    @property
    def can_be_acknowledged(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def can_record_delivery(self) -> bool:
        return self.status in (self.Status.ACKNOWLEDGED, self.Status.DELIVERED)

    @property
    def can_be_closed(self) -> bool:
        return self.status == self.Status.DELIVERED

    @property
    def is_valid(self) -> bool:
        """Whether the letter still stands (for the verification page)."""
        return self.status not in (self.Status.CANCELLED, self.Status.EXPIRED)

    @property
    def status_css(self) -> str:
        """Bootstrap colour of the status badge."""
        colours: dict[str, str] = {
            self.Status.SUBMITTED: "primary",
            self.Status.ACKNOWLEDGED: "info",
            self.Status.DELIVERED: "success",
            self.Status.DONE: "success",
        }
        return colours.get(self.status, "secondary")

    @property
    def area_path(self) -> str:
        """Kelurahan, kecamatan, kota of the recipient (select_related by `public()`)."""
        return self.recipient.area.path()

    def public_row(self) -> dict:
        """The public fields as plain values: one row of the CSV and of the JSON API."""
        return {
            "number": self.number,
            "submitted": timezone.localdate(self.created).isoformat(),
            "collaborator": self.public_name,
            "organisation": self.public_organisation,
            "collaborator_type": self.collaborator_type,
            "recipient_id": self.recipient_id,
            "recipient": self.recipient.name,
            "recipient_kind": self.recipient.kind,
            "area_code": self.recipient.area.code,
            "area": self.area_path,
            "packages": [
                {"package": line.package.code, "name": line.package.name, "quantity": line.quantity}
                for line in self.lines.all()
            ],
            "delivery_date": self.delivery_date.isoformat(),
            "deadline": self.deadline.isoformat(),
            "delivery_method": self.delivery_method,
            "status": self.status,
            "url": self.verification_url,
        }

    def get_private_url(self) -> str:
        return reverse("commitments:private", args=[self.token])

    @property
    def verification_url(self) -> str:
        return settings.SITE_ROOT.rstrip("/") + self.get_absolute_url()

    @property
    def private_url(self) -> str:
        return settings.SITE_ROOT.rstrip("/") + self.get_private_url()

    def letter_content_digest(self) -> str:
        """A digest of everything the letter prints, to know when it must be re-rendered."""
        parts = [
            LETTER_LAYOUT_VERSION,
            self.number,
            self.recipient.name,
            self.collaborator_type,
            self.name,
            self.organisation,
            self.contact_person,
            self.phone,
            self.email,
            self.address,
            str(self.is_anonymous),
            str(self.delivery_date),
            str(self.deadline),
            self.delivery_method,
            self.partner_name,
            self.verification_url,
        ]
        parts += [f"{line.package_id}:{line.quantity}" for line in self.lines.all()]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class CommitmentLine(models.Model):
    """A quantity of one package type in a commitment, and how much of it has arrived."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="lines", verbose_name=_("commitment")
    )
    package = models.ForeignKey(
        Package, on_delete=models.PROTECT, related_name="+", verbose_name=_("package")
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    delivered = models.PositiveIntegerField(_("delivered"), default=0)

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
        ]

    def __str__(self) -> str:
        return f"{self.package}: {self.quantity}"

    @property
    def undelivered(self) -> int:
        return self.quantity - self.delivered
