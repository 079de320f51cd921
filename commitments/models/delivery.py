"""Both sides' accounts of a delivery: what the collaborator reported and what the PJ confirmed,
per package line, with their photos (kept in private storage, never under MEDIA_URL)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commitments.models.commitment import Commitment
from commitments.models.lines import CommitmentLine


class DeliveryReport(models.Model):
    """One account of what arrived: the collaborator's report (moves nothing) or the PJ's
    confirmation (moved the quantities on the need)."""

    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.CASCADE,
        related_name="delivery_reports",
        verbose_name=_("commitment"),
    )
    side = models.CharField(_("by"), max_length=5, choices=Commitment.Side.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    created = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["created", "id"]
        verbose_name = _("delivery report")
        verbose_name_plural = _("delivery reports")

    def __str__(self) -> str:
        return f"{self.commitment_id} {self.side} {self.created:%Y-%m-%d %H:%M}"

    @property
    def is_confirmation(self) -> bool:
        return self.side == Commitment.Side.PJ


class DeliveryReportLine(models.Model):
    report = models.ForeignKey(
        DeliveryReport, on_delete=models.CASCADE, related_name="lines", verbose_name=_("report")
    )
    line = models.ForeignKey(
        CommitmentLine, on_delete=models.CASCADE, related_name="+", verbose_name=_("package")
    )
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("delivery report line")
        verbose_name_plural = _("delivery report lines")

    def __str__(self) -> str:
        return f"{self.line_id}: {self.quantity}"


class DeliveryPhoto(models.Model):
    """A photo of a delivery, re-encoded without its metadata. `file` is a name in
    `storages["private"]`, looked up when it is read (so tests and deployments may move it)."""

    report = models.ForeignKey(
        DeliveryReport, on_delete=models.CASCADE, related_name="photos", verbose_name=_("report")
    )
    file = models.CharField(_("file"), max_length=200, unique=True)
    content_type = models.CharField(_("content type"), max_length=20)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    created = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("delivery photo")
        verbose_name_plural = _("delivery photos")

    def __str__(self) -> str:
        return self.file

    def get_pj_url(self) -> str:
        """The photo for its PJ and admins (permission-checked)."""
        return reverse("commitments:pj-photo", args=[self.pk])

    def get_private_url(self, token: str) -> str:
        """The photo for the holder of the commitment's private link."""
        return reverse("commitments:private-photo", args=[token, self.pk])
