"""The public forms of the complaint channel: the complaint form, the tracking-number look-up,
and the reporter's forms on their private link (more information, the answer to the outcome).

Kelurahan and kecamatan are Jakarta's administrative levels; their names stay Indonesian.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from commitments.forms import clean_phone_number
from commitments.workflow_forms import PhotosField
from complaints import references
from complaints.models import Category
from recipients.models import Area


def kelurahan_choices() -> list[tuple[str, Any]]:
    """Every kelurahan, grouped under "Kota — Kecamatan" so the select reads as the
    hierarchy without JavaScript; values are Kemendagri codes."""
    rows = (
        Area.objects.kelurahan()
        .select_related("parent__parent")
        .only("code", "name", "parent__name", "parent__parent__name")
        .order_by("code")
    )
    choices: list[tuple[str, Any]] = [("", _("— choose the kelurahan —"))]
    for kecamatan, group in groupby(rows, key=lambda area: area.parent):
        kota = kecamatan.parent.name if kecamatan and kecamatan.parent else ""
        label = f"{kota} — {kecamatan.name}" if kota else kecamatan.name
        choices.append((label, [(area.code, area.name) for area in group]))
    return choices


class PhotosLost:
    """Photos were chosen but the form failed: browsers never send a file twice, so the page
    must say plainly that they are to be chosen again."""

    files: Any
    errors: Any
    is_bound: bool

    @property
    def photos_lost(self) -> bool:
        return self.is_bound and bool(self.files.getlist("photos")) and bool(self.errors)


class ComplaintForm(PhotosLost, forms.Form):
    """A complaint: what it is about, where, what happened, and (optionally) who reports it."""

    ref = forms.CharField(
        label=_("Pledge number or recipient reference (optional)"),
        required=False,
        max_length=30,
        help_text=_(
            "For example KSBB-2020-000123. Filled in for you when you come from a pledge or a "
            "recipient page."
        ),
    )
    category = forms.ModelChoiceField(
        label=_("What is the problem?"),
        queryset=Category.objects.filter(is_active=True),
        empty_label=_("— choose —"),
        error_messages={"required": _("Choose what the problem is.")},
    )
    kelurahan = forms.ChoiceField(
        label=_("Kelurahan where it happened"),
        required=False,
        help_text=_("The complaint goes first to the officers of this kelurahan."),
    )
    description = forms.CharField(
        label=_("What happened?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Say what, where and when. This text is seen by the handling officers only."),
        error_messages={"required": _("Describe the problem.")},
    )
    photos = PhotosField(
        label=_("Photos (optional)"),
        required=False,
        help_text=_(
            "JPEG, PNG or WebP, up to 5 MB each and 5 photos. Location data is removed. Only "
            "the handling officers see them."
        ),
    )
    reporter_name = forms.CharField(
        label=_("Your name (optional)"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    reporter_phone = forms.CharField(
        label=_("Your phone (optional)"),
        required=False,
        max_length=30,
        help_text=_("For example 0812 3456 7890 or +62 812 3456 7890."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    reporter_email = forms.EmailField(
        label=_("Your e-mail (optional)"),
        required=False,
        help_text=_("Give it to receive the private link and each update by e-mail."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    # Honeypot: hidden from people by CSS and aria-hidden, filled in by naive bots.
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.reference = self._initial_reference()
        if self.reference.kelurahan is not None:
            # Taken from the recipient: nothing to choose.
            del self.fields["kelurahan"]
        else:
            kelurahan = self.fields["kelurahan"]
            assert isinstance(kelurahan, forms.ChoiceField)
            kelurahan.choices = kelurahan_choices()
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.helper = self._layout()

    def _initial_reference(self) -> references.Reference:
        """The reference as sent (or as the link pre-filled it); an unknown one is reported by
        clean_ref and counts as none until then."""
        raw = self.data.get("ref", "") if self.is_bound else self.initial.get("ref", "")
        try:
            return references.resolve(str(raw or ""))
        except references.UnknownReference:
            return references.Reference()

    def _layout(self) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = True
        helper.attrs = {"enctype": "multipart/form-data", "novalidate": ""}
        where = ["ref"] + (["kelurahan"] if "kelurahan" in self.fields else [])
        helper.layout = Layout(
            Fieldset(_("The problem"), "category", *where, "description", "photos"),
            Fieldset(
                _("Who you are (optional)"),
                HTML(
                    format_html(
                        '<p class="form-text">{}</p>',
                        _(
                            "You may stay anonymous. Your name and contact are seen only by "
                            "the handling officers and the KSBB team, never by the people the "
                            "complaint is about."
                        ),
                    )
                ),
                "reporter_name",
                "reporter_phone",
                "reporter_email",
            ),
            Div("website", css_class="ksbb-hp", aria_hidden="true"),
            Submit("submit", _("Send the complaint")),
        )
        return helper

    def clean_ref(self) -> str:
        value = references.normalise(self.cleaned_data["ref"])
        try:
            self.reference = references.resolve(value)
        except references.UnknownReference:
            raise forms.ValidationError(
                _(
                    "No pledge or recipient has this reference. Check the number, or leave the "
                    "field empty."
                ),
                code="unknown_ref",
            ) from None
        return value

    def clean_kelurahan(self) -> Area | None:
        code = self.cleaned_data.get("kelurahan")
        if not code:
            return None
        area = Area.objects.kelurahan().filter(code=code).first()
        if area is None:
            raise forms.ValidationError(_("Choose a kelurahan from the list."), code="invalid")
        return area

    def clean_reporter_phone(self) -> str:
        value = self.cleaned_data["reporter_phone"].strip()
        if not value:
            return ""
        return clean_phone_number(value)

    def clean_website(self) -> str:
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("This submission looks automated."), code="spam")
        return ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.has_error("ref"):
            return data
        if self.reference.kelurahan is not None:
            data["kelurahan"] = self.reference.kelurahan
        elif not data.get("kelurahan") and not self.has_error("kelurahan"):
            if "kelurahan" not in self.fields:
                # The reference changed to one without a kelurahan: the field shows again.
                raise forms.ValidationError(
                    _("Choose the kelurahan where it happened."), code="kelurahan_required"
                )
            self.add_error(
                "kelurahan",
                forms.ValidationError(
                    _("Choose the kelurahan where it happened."), code="required"
                ),
            )
        return data

    def submission(self) -> dict[str, Any]:
        """The keyword arguments of services.submit_complaint."""
        data = self.cleaned_data
        return {
            "category": data["category"],
            "kelurahan": data["kelurahan"],
            "description": data["description"].strip(),
            "recipient": self.reference.recipient,
            "commitment": self.reference.commitment,
            "reporter_name": data["reporter_name"].strip(),
            "reporter_phone": data["reporter_phone"],
            "reporter_email": data["reporter_email"],
            "photos": data["photos"],
        }


class LookupForm(forms.Form):
    """Find a complaint's public tracking page by its number."""

    number = forms.CharField(
        label=_("Tracking number"),
        max_length=20,
        help_text=_("For example CRM-2020-000123."),
        error_messages={"required": _("Enter the tracking number.")},
    )

    def clean_number(self) -> str:
        return self.cleaned_data["number"].strip().upper()


class InformationForm(PhotosLost, forms.Form):
    """More information from the reporter: text and/or photos, seen by the officers only."""

    text = forms.CharField(
        label=_("Information to add"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    photos = PhotosField(
        label=_("Photos (optional)"),
        required=False,
        help_text=_("JPEG, PNG or WebP, up to 5 MB each and 5 photos. Location data is removed."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("text", "").strip() and not data.get("photos"):
            raise forms.ValidationError(
                _("Write some information or choose a photo."), code="empty"
            )
        return data


class OutcomeForm(forms.Form):
    """The reporter's answer to the follow-up: resolved, or not (the complaint reopens).
    `answers` are the answers the data allows now (True: resolved, False: not resolved)."""

    ANSWERS = {True: _("Yes, it is resolved"), False: _("No, it is not resolved")}

    accept = forms.TypedChoiceField(
        label=_("Was the problem resolved?"),
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the problem was resolved.")},
    )
    text = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("When it is not resolved, say what is still wrong. Seen by the officers only."),
    )

    def __init__(self, *args: Any, answers: tuple[bool, ...] = (True, False), **kwargs: Any):
        super().__init__(*args, **kwargs)
        accept = self.fields["accept"]
        assert isinstance(accept, forms.ChoiceField)
        accept.choices = [("1" if answer else "0", self.ANSWERS[answer]) for answer in answers]
