"""The audit trail of commitments: what happened to each, and who saw whose contact."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commitments.models.commitment import Commitment


class CommitmentEvent(models.Model):
    """One entry of a commitment's audit trail; its public part is the status timeline."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        # The collaborator moved the schedule before the PJ acknowledged it.
        SCHEDULE_CHANGED = "schedule_changed", _("schedule changed")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        # One side proposed another delivery date; the other accepts it or proposes another.
        DATE_PROPOSED = "date_proposed", _("new date proposed")
        DATE_ACCEPTED = "date_accepted", _("new date agreed")
        DECLINED = "declined", _("declined")
        # The collaborator's account of what arrived; quantities move only on DELIVERY.
        DELIVERY_REPORTED = "delivery_reported", _("delivery reported")
        DELIVERY = "delivery", _("delivery confirmed")
        DONE = "done", _("closed")
        CANCELLED = "cancelled", _("cancelled")
        EXPIRED = "expired", _("expired")

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="events", verbose_name=_("commitment")
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    status = models.CharField(_("status after"), max_length=12, choices=Commitment.Status.choices)
    created = models.DateTimeField(_("time"), default=timezone.now)
    # A user (PJ, admin) when there is one; otherwise who acted: "donor" or "system".
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    actor_label = models.CharField(_("actor"), max_length=20)
    # Quantities moved by the event, per package code (internal: the audit, not the timeline).
    data = models.JSONField(_("quantities moved"), default=dict, blank=True)

    class Meta:
        ordering = ["created", "id"]
        verbose_name = _("commitment event")
        verbose_name_plural = _("commitment events")

    def __str__(self) -> str:
        return f"{self.commitment_id} {self.action} {self.created:%Y-%m-%d %H:%M}"


class ContactAccess(models.Model):
    """A record that a user saw a collaborator's contact details (phone, e-mail, address).

    Only the recipient's PJ and admins may see them; every view is kept here so an auditor can
    tell who looked at whose contact, and when.
    """

    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.CASCADE,
        related_name="contact_accesses",
        verbose_name=_("commitment"),
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
        verbose_name = _("contact details view")
        verbose_name_plural = _("contact details views")

    def __str__(self) -> str:
        return (
            f"{self.user} viewed {self.commitment_id} ({self.via}) {self.viewed_at:%Y-%m-%d %H:%M}"
        )
