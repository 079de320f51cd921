"""CSV/XLSX import and export of the links between people in charge and their recipients
(django-import-export), with the same dry run and per-row errors as the other imports.

Columns: `user` (account name or e-mail address), `recipient` (id or source key), `start`
and `end` (YYYY-MM-DD; `end` may be empty). A row is keyed by user, recipient and start, so
importing the same file twice changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export import fields, widgets

from .models import PersonInCharge, Recipient
from .resources import SafeKeyLoader, SafeModelResource


class UserWidget(widgets.ForeignKeyWidget):
    """A user by account name, or by e-mail address when that names exactly one account."""

    def __init__(self, **kwargs: Any):
        super().__init__(get_user_model(), field="username", **kwargs)

    def clean(self, value, row=None, **kwargs):
        value = str(value or "").strip()
        if not value:
            raise ValueError(_("Enter the user's account name or e-mail address."))
        users = self.model.objects.only("pk", "username")
        user = users.filter(username=value).first()
        if user is None and "@" in value:
            by_email = list(users.filter(email__iexact=value)[:2])
            user = by_email[0] if len(by_email) == 1 else None
        if user is None:
            raise ValueError(_("Unknown user “%(value)s”.") % {"value": value})
        return user


class RecipientKeyWidget(widgets.ForeignKeyWidget):
    """A recipient by source key (`rw:…`, `pesantren:…`) or by id."""

    def __init__(self, **kwargs: Any):
        super().__init__(Recipient, field="pk", **kwargs)

    def clean(self, value, row=None, **kwargs):
        value = str(value or "").strip()
        recipients = Recipient.objects.only("pk", "name")
        recipient = recipients.filter(source_key=value).first() if value else None
        if recipient is None and value.isdigit():
            recipient = recipients.filter(pk=int(value)).first()
        if recipient is None:
            raise ValueError(
                _("Unknown recipient “%(value)s”: give its id or its source key.")
                % {"value": value}
            )
        return recipient


class StrictDateWidget(widgets.DateWidget):
    """A date as YYYY-MM-DD (or a spreadsheet date cell), with a translated message."""

    def __init__(self, *, required: bool = False, **kwargs: Any):
        super().__init__(format="%Y-%m-%d", **kwargs)
        self.required = required

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value or "").strip()
        if not text:
            if self.required:
                raise ValueError(_("Enter a date."))
            return None
        try:
            return datetime.strptime(text, "%Y-%m-%d").date()
        except ValueError as error:
            raise ValueError(
                _("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": text}
            ) from error


class PersonInChargeResource(SafeModelResource):
    user = fields.Field(attribute="user", column_name="user", widget=UserWidget())
    user_name = fields.Field(column_name="user_name", readonly=True)
    recipient = fields.Field(
        attribute="recipient", column_name="recipient", widget=RecipientKeyWidget()
    )
    recipient_name = fields.Field(
        attribute="recipient__name", column_name="recipient_name", readonly=True
    )
    start = fields.Field(
        attribute="start", column_name="start", widget=StrictDateWidget(required=True)
    )
    end = fields.Field(attribute="end", column_name="end", widget=StrictDateWidget())

    class Meta:
        model = PersonInCharge
        import_id_fields = ("user", "recipient", "start")
        fields = ("user", "user_name", "recipient", "recipient_name", "start", "end")
        export_order = fields
        instance_loader_class = SafeKeyLoader
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("user", "recipient")

    def dehydrate_user_name(self, link: PersonInCharge) -> str:
        return link.user.get_full_name() if link.user_id else ""

    def import_instance(self, instance: PersonInCharge, row, **kwargs) -> None:
        super().import_instance(instance, row, **kwargs)
        if instance.start and instance.end and instance.end < instance.start:
            message = _("The end date is before the start date.")
            raise ValidationError({"end": ValidationError(message, code="end_before_start")})
