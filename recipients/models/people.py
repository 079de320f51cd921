"""The people who act for recipients: a person in charge (penanggung jawab, PJ) linked to the
recipients they answer for, and the language each account last used (its e-mail is written in
it)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recipients.models.recipients import Recipient


class PersonInChargeQuerySet(models.QuerySet):
    def current(self, today: date | None = None) -> PersonInChargeQuerySet:
        """Links in force on `today` (Asia/Jakarta): started, and not ended before it (pairs
        with `PersonInCharge.is_current`)."""
        today = today or timezone.localdate()
        return self.filter(Q(end__isnull=True) | Q(end__gte=today), start__lte=today)


class PersonInCharge(models.Model):
    """A user in charge of a recipient — the Ketua RW of a priority RW, the head of a panti or
    pesantren — from `start` until `end` (open-ended when empty). A recipient may have several
    PJs over time, and a person may be in charge of several recipients."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="responsibilities",
        verbose_name=_("user"),
    )
    recipient = models.ForeignKey(
        Recipient,
        on_delete=models.CASCADE,
        related_name="people_in_charge",
        verbose_name=_("recipient"),
    )
    start = models.DateField(_("from"), default=timezone.localdate)
    end = models.DateField(_("until"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    objects = PersonInChargeQuerySet.as_manager()

    class Meta:
        ordering = ["recipient", "-start"]
        verbose_name = _("person in charge")
        verbose_name_plural = _("people in charge")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="person_in_charge_end_after_start",
            ),
            models.UniqueConstraint(
                fields=["user", "recipient", "start"], name="person_in_charge_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.recipient}"

    def is_current(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.start <= today and (self.end is None or self.end >= today)


class AccountLanguage(models.Model):
    """The language a user last used on the portal: their e-mail is written in it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="language_preference",
        verbose_name=_("user"),
    )
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = _("account language")
        verbose_name_plural = _("account languages")

    def __str__(self) -> str:
        return f"{self.user}: {self.language}"
