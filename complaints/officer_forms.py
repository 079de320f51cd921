"""Forms of the officer's complaint page: a status change with its public follow-up and proof
photos, and a disposisi to a responsible office."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from commitments.workflow_forms import PhotosField
from complaints.models import Office, Status


class StatusForm(forms.Form):
    """The next status, among those the data allows from the current one only."""

    to_status = forms.ModelChoiceField(
        label=_("New status"),
        queryset=Status.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the new status."),
            "invalid_choice": _("This status cannot follow the current one. Choose another."),
        },
    )
    public_text = forms.CharField(
        label=_("Public follow-up"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Shown on the public tracking page and sent to the reporter. Do not write anyone's "
            "name, phone number or address."
        ),
        error_messages={"required": _("Write what was done, for the public tracking page.")},
    )
    photos = PhotosField(
        label=_("Proof photos (optional)"),
        required=False,
        help_text=_(
            "Shown on the public tracking page. JPEG, PNG or WebP, up to 5 MB each and "
            "5 photos. Location data is removed."
        ),
    )

    def __init__(self, *args: Any, allowed: Sequence[Status], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["to_status"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Status.objects.filter(pk__in=[status.pk for status in allowed])

    @property
    def photos_lost(self) -> bool:
        """Photos were chosen but the form failed: the browser will not send them again."""
        return self.is_bound and bool(self.files.getlist("photos")) and bool(self.errors)


class DispositionForm(forms.Form):
    office = forms.ModelChoiceField(
        label=_("Pass on to"),
        queryset=Office.objects.none(),
        error_messages={
            "required": _("Choose the office to pass the complaint on to."),
            "invalid_choice": _("This office cannot take the complaint. Choose another."),
        },
    )
    public_text = forms.CharField(
        label=_("Public note"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the public tracking page: why this office handles it."),
        error_messages={"required": _("Write a short note for the public tracking page.")},
    )

    def __init__(self, *args: Any, offices: QuerySet[Office], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["office"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = offices
