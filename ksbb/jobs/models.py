"""The outbox: every e-mail, written in the transaction of the change that causes it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMail(models.Model):
    """One e-mail waiting to be sent, sent, or given up on. Sent by `ksbb.jobs.outbox`.

    The addresses are kept only in `to`: `reference` (what the mail is about) stands for the
    mail wherever it is named (admin, logs, the admin's history).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed (no more retries)")

    created = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    reference = models.CharField(_("about"), max_length=200)
    subject = models.TextField(_("subject"))
    from_email = models.CharField(_("from"), max_length=254)
    to = models.JSONField(_("to"), default=list)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    # [[dotted path of a function returning (filename, bytes, mimetype), [its arguments]], ...]:
    # built when the mail is sent (a pledge letter is rendered by the worker, not the request).
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # A worker that claimed the mail holds it until then; past it (the worker died) it is free.
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return self.reference
