"""Forms of the coordination workflow: a delivery slot, a decline, a delivery report or
confirmation with photos, and the request to re-send a private link."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commitments.models import CommitmentLine
from ksbb.lib.images import MAX_BYTES, CleanImage, ImageRejected, clean_image

MAX_PHOTOS = 5


class ScheduleRules:
    """The rules of a delivery schedule, for every form that sets one (the pledge form, the
    slot forms): neither date in the past (`self.today`, Asia/Jakarta), the deadline not before
    the delivery date."""

    today: date
    cleaned_data: dict[str, Any]

    def clean_delivery_date(self) -> date:
        value: date = self.cleaned_data["delivery_date"]
        if value < self.today:
            raise forms.ValidationError(
                _("The delivery date cannot be in the past."), code="past_date"
            )
        return value

    def clean_deadline(self) -> date:
        value: date = self.cleaned_data["deadline"]
        if value < self.today:
            raise forms.ValidationError(_("The deadline cannot be in the past."), code="past_date")
        return value

    def check_schedule_order(self, form: forms.BaseForm) -> None:
        start, end = self.cleaned_data.get("delivery_date"), self.cleaned_data.get("deadline")
        if start and end and end < start:
            form.add_error(
                "deadline",
                forms.ValidationError(
                    _("The deadline cannot be before the delivery date."), code="deadline_early"
                ),
            )


class SlotForm(ScheduleRules, forms.Form):
    """A delivery date and deadline, neither in the past, the deadline not before the date."""

    delivery_date = forms.DateField(
        label=_("delivery date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    deadline = forms.DateField(
        label=_("delivery deadline"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.check_schedule_order(self)
        return data


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Seen by the collaborator and the KSBB team only, never on public pages."),
        error_messages={"required": _("Tell the collaborator why you decline.")},
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Zero or more photos, each checked by its content and re-encoded without metadata."""

    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def clean(self, data: Any, initial: Any = None) -> list[CleanImage]:
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(uploads) > MAX_PHOTOS:
            raise forms.ValidationError(
                _("Choose at most %(count)d photos.") % {"count": MAX_PHOTOS}, code="too_many"
            )
        cleaned = []
        for upload in uploads:
            if not isinstance(upload, UploadedFile):
                raise forms.ValidationError(_("No file was sent."), code="invalid")
            if upload.size is not None and upload.size > MAX_BYTES:
                raise forms.ValidationError(
                    _("The photo %(name)s is larger than %(size)s MB.")
                    % {"name": upload.name, "size": MAX_BYTES // (1024 * 1024)},
                    code="too_large",
                )
            try:
                cleaned.append(clean_image(upload))
            except ImageRejected as rejected:
                raise forms.ValidationError(
                    _("%(name)s: %(reason)s") % {"name": upload.name, "reason": rejected.message},
                    code=rejected.code,
                ) from None
        return cleaned


class DeliveryForm(forms.Form):
    """Quantities per package line (what arrived) and optional photos.

    `left` is "undelivered" for the PJ's confirmation, "unreported" for the collaborator's
    report: each quantity lies within 0..that much of its line.
    """

    photos = PhotosField(
        label=_("Photos (optional)"),
        required=False,
        help_text=_("JPEG, PNG or WebP, up to 5 MB each and 5 photos. Location data is removed."),
    )

    def __init__(self, *args: Any, lines: list[CommitmentLine], left: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.lines = lines
        self.left = left
        quantities = {}
        for line in lines:
            still_open = getattr(line, left)
            # The PJ is offered what the collaborator reported and is not confirmed yet.
            initial = max(line.reported - line.delivered, 0) if left == "undelivered" else None
            quantities[self.field_name(line)] = forms.IntegerField(
                label=line.package.name,
                required=False,
                min_value=0,
                max_value=still_open,
                initial=initial or None,
                help_text=_("%(left)s of %(quantity)s still open.")
                % {"left": still_open, "quantity": line.quantity},
                widget=forms.NumberInput(attrs={"min": 0, "max": still_open}),
                error_messages={
                    "max_value": _("At most %(limit_value)s packages are still open here.")
                },
            )
        self.fields = {**quantities, "photos": self.fields["photos"]}

    @staticmethod
    def field_name(line: CommitmentLine) -> str:
        return f"qty_{line.package.code}"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not any(data.get(self.field_name(line)) for line in self.lines):
            raise forms.ValidationError(
                _("Give a quantity of at least one package."), code="no_quantity"
            )
        return data

    def quantities(self) -> dict[int, int]:
        return {line.pk: self.cleaned_data.get(self.field_name(line)) or 0 for line in self.lines}

    def add_line_errors(self, errors: dict[int | None, Any]) -> None:
        """Errors the service found under the row lock (someone acted meanwhile)."""
        by_id = {line.pk: line for line in self.lines}
        for line_id, message in errors.items():
            field = self.field_name(by_id[line_id]) if line_id in by_id else None
            self.add_error(field, forms.ValidationError(message, code="quantity"))

    @property
    def photos_lost(self) -> bool:
        """Photos were chosen but the form failed: the browser will not send them again."""
        return self.is_bound and bool(self.files.getlist("photos")) and bool(self.errors)


class ResendLinkForm(forms.Form):
    number = forms.CharField(
        label=_("commitment number"),
        max_length=20,
        help_text=_("As printed on the letter, for example KSBB-2020-000123."),
    )
    email = forms.EmailField(
        label=_("e-mail"), help_text=_("The address you gave with the pledge.")
    )

    def clean_number(self) -> str:
        return self.cleaned_data["number"].strip().upper()
