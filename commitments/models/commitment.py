"""A commitment (pledge) of aid against a recipient's needs.

A commitment's collaborator contact (phone, e-mail, address) is private: only the donor's own
link, the recipient's PJ and admins see it. Public pages read through `public()`.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recipients.models import Recipient

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
    "declined_at",
)


def is_commitment_admin(user: Any) -> bool:
    """Pokja admins (staff allowed to change commitments) act on any pledge, as its PJ may."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_staff
        and user.has_perm("commitments.change_commitment")
    )


def new_token() -> str:
    """An unguessable key for the donor's private link (256 bits)."""
    return secrets.token_urlsafe(32)


# Bump when letter.html or letter.css change how a letter looks, so stored letters re-render.
LETTER_LAYOUT_VERSION = "3"


class CommitmentQuerySet(models.QuerySet):
    def public(self) -> CommitmentQuerySet:
        """Only the public fields, with what public pages show beside them."""
        from commitments.models.lines import CommitmentLine  # it refers to Commitment

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

    def delivery_overdue(self, today: date) -> CommitmentQuerySet:
        """Partly delivered commitments past their deadline: the rest goes back to the need
        (pairs with `is_delivery_overdue`)."""
        return self.filter(status=Commitment.Status.DELIVERED, deadline__lt=today)

    def managed_by(self, user: Any) -> CommitmentQuerySet:
        """What `user` may see and act on as a PJ: the pledges to the recipients they are in
        charge of today; every pledge for an admin (pairs with `is_managed_by`)."""
        if is_commitment_admin(user):
            return self.all()
        return self.filter(recipient__in=Recipient.objects.in_charge_of(user))


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

    class Side(models.TextChoices):
        """The two parties who agree a delivery: the recipient's PJ and the collaborator."""

        PJ = "pj", _("person in charge")
        COLLABORATOR = "donor", _("collaborator")

    EXPIRABLE_STATUSES = (Status.SUBMITTED, Status.ACKNOWLEDGED)
    CANCELLABLE_STATUSES = (Status.SUBMITTED, Status.ACKNOWLEDGED)
    # Before anything arrived: the date can still move, the PJ can still decline.
    OPEN_STATUSES = (Status.SUBMITTED, Status.ACKNOWLEDGED)
    DELIVERABLE_STATUSES = (Status.ACKNOWLEDGED, Status.DELIVERED)
    # Nothing can change any more; pages stay readable.
    FINAL_STATUSES = (Status.DONE, Status.DECLINED, Status.CANCELLED, Status.EXPIRED)

    number = models.CharField(_("commitment number"), max_length=20, unique=True)
    token = models.CharField(
        _("private link key"), max_length=64, unique=True, default=new_token, editable=False
    )
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
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True)
    # Seen by the collaborator and admins only: a PJ may write personal details into it.
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    # A new delivery slot one side proposed, waiting for the other side's answer.
    proposed_delivery_date = models.DateField(_("proposed delivery date"), null=True, blank=True)
    proposed_deadline = models.DateField(_("proposed deadline"), null=True, blank=True)
    proposed_by = models.CharField(_("proposed by"), max_length=5, choices=Side.choices, blank=True)
    # The collaborator's report and the PJ's confirmation disagree: the Pokja looks into it.
    needs_review = models.BooleanField(_("needs review"), default=False, db_index=True)
    # The stored letter and a digest of what it says: re-rendered only when that changes.
    letter = models.FileField(_("pledge letter"), upload_to="letters/%Y/", blank=True)
    letter_digest = models.CharField(
        _("letter content digest"), max_length=64, blank=True, editable=False
    )

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
            models.CheckConstraint(
                condition=Q(proposed_by="") | Q(proposed_deadline__gte=F("proposed_delivery_date")),
                name="commitment_proposal_complete",
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

    def is_delivery_overdue(self, today: date) -> bool:
        return self.status == self.Status.DELIVERED and self.deadline < today

    def is_managed_by(self, user: Any) -> bool:
        """Whether `user` may see this pledge's PJ page (pairs with `managed_by`)."""
        return is_commitment_admin(user) or self.recipient.is_in_charge(user)

    @property
    def is_final(self) -> bool:
        """Done, declined, cancelled or expired: the private link only reads from now on."""
        return self.status in self.FINAL_STATUSES

    @property
    def has_proposal(self) -> bool:
        return bool(self.proposed_by)

    def awaits_answer_from(self, side: str) -> bool:
        """Whether the other side proposed a date that `side` has to accept or counter."""
        return self.status in self.OPEN_STATUSES and self.has_proposal and self.proposed_by != side

    @property
    def can_be_cancelled(self) -> bool:
        return self.status in self.CANCELLABLE_STATUSES

    @property
    def can_be_acknowledged(self) -> bool:
        """The PJ agrees the current slot (withdrawing their own proposal, if any); a slot the
        collaborator proposed is answered with accept or counter instead."""
        return self.status == self.Status.SUBMITTED and self.proposed_by != self.Side.COLLABORATOR

    @property
    def can_propose_date(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def can_change_schedule(self) -> bool:
        """The collaborator moves their own slot, until the PJ has agreed it or proposed one."""
        return self.status == self.Status.SUBMITTED and not self.has_proposal

    @property
    def can_be_declined(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def can_record_delivery(self) -> bool:
        return self.status in self.DELIVERABLE_STATUSES

    can_report_delivery = can_record_delivery

    @property
    def can_be_closed(self) -> bool:
        return self.status == self.Status.DELIVERED

    @property
    def is_valid(self) -> bool:
        """Whether the letter still stands (for the verification page)."""
        return self.status not in (self.Status.CANCELLED, self.Status.EXPIRED, self.Status.DECLINED)

    @property
    def whatsapp_url(self) -> str:
        """A WhatsApp chat with the collaborator (`phone` is stored as E.164: +62...)."""
        return "https://wa.me/" + self.phone.lstrip("+")

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
