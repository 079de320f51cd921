"""A record of each timed reminder sent, so that no reminder goes out twice."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReminderSent(models.Model):
    """One reminder about one commitment for one date (the delivery date or the deadline it is
    about). The unique constraint is what makes two copies of the reminder command that run at
    the same time send each reminder once: the one whose insert wins sends it."""

    class Kind(models.TextChoices):
        DELIVERY_TOMORROW = "delivery_tomorrow", _("delivery tomorrow")
        DEADLINE_PASSED = "deadline_passed", _("deadline passed without delivery")

    commitment = models.ForeignKey(
        "commitments.Commitment",
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("commitment"),
    )
    kind = models.CharField(_("reminder"), max_length=20, choices=Kind.choices)
    about = models.DateField(_("about the date"))
    created = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "kind", "about"], name="reminder_sent_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id} {self.kind} {self.about}"
