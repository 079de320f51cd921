"""The pledge form and the public list's filter form."""

from __future__ import annotations

from datetime import date
from typing import Any

import phonenumbers
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from django import forms
from django.db.models import QuerySet
from django.forms.models import construct_instance
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commitments.models import Commitment
from commitments.services import Shortfall
from commitments.workflow_forms import ScheduleRules
from recipients.models import Area, Need, Package, Recipient


def normalise_phone(value: str) -> str:
    """An Indonesian number as E.164 (+62...), from 08..., +62... or 62...; else ValueError."""
    raw = "".join(ch for ch in value if ch.isdigit() or ch == "+")
    if raw.startswith("62"):
        raw = "+" + raw
    try:
        number = phonenumbers.parse(raw, "ID")
    except phonenumbers.NumberParseException as error:
        raise ValueError(str(error)) from error
    if number.country_code != 62 or not phonenumbers.is_valid_number(number):
        raise ValueError("not a valid Indonesian number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def clean_phone_number(value: str) -> str:
    """A form's phone value as E.164, or the one error every portal form gives for it."""
    try:
        return normalise_phone(value)
    except ValueError:
        raise forms.ValidationError(
            _("Enter an Indonesian phone number, such as 0812 3456 7890 or +62 812 3456 7890."),
            code="invalid_phone",
        ) from None


class CommitmentForm(ScheduleRules, forms.ModelForm):
    """Who gives, what, when and how; one quantity field per package the recipient needs."""

    public_as = forms.ChoiceField(
        label=_("Show me publicly as"),
        choices=[("name", _("my name (or my organisation's)")), ("anonymous", "Hamba Allah")],
        widget=forms.RadioSelect,
        initial="name",
    )
    rules_accepted = forms.BooleanField(
        label=_("I accept the rules above"),
        error_messages={"required": _("Please accept the rules to make a commitment.")},
    )
    # Honeypot: hidden from people by CSS and aria-hidden, filled in by naive bots.
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    class Meta:
        model = Commitment
        fields = [
            "collaborator_type",
            "name",
            "organisation",
            "contact_person",
            "phone",
            "email",
            "address",
            "delivery_date",
            "deadline",
            "delivery_method",
            "partner_name",
        ]
        widgets = {
            "collaborator_type": forms.RadioSelect,
            "delivery_method": forms.RadioSelect,
            "delivery_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
            "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
        }
        help_texts = {
            "phone": _("For example 0812 3456 7890 or +62 812 3456 7890."),
            "name": _("Your name, or your company's or group's name."),
            "deadline": _("Packages not delivered by this date are released to other donors."),
            "partner_name": _("Only when a distribution partner delivers for you."),
        }

    def __init__(self, *args, recipient: Recipient, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.recipient = recipient
        self.today = today or timezone.localdate()
        self.needs = list(recipient.needs.select_related("package").order_by("package__sort_order"))
        for need in self.needs:
            self.fields[self.line_field(need.package)] = forms.IntegerField(
                label=need.package.name,
                required=False,
                min_value=1,
                help_text=_("%(left)s of %(need)s still needed (%(unit)s).")
                % {"left": need.remaining, "need": need.quantity, "unit": need.package.unit},
                widget=forms.NumberInput(attrs={"min": 1, "max": max(need.remaining, 1)}),
            )
        for name, choices in (
            ("collaborator_type", Commitment.CollaboratorType.choices),
            ("delivery_method", Commitment.DeliveryMethod.choices),
        ):
            field = self.fields[name]
            # A model field with choices becomes a ChoiceField; the radios get no blank choice.
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.helper = self._layout()

    @staticmethod
    def line_field(package: Package) -> str:
        return f"qty_{package.code}"

    def _layout(self) -> FormHelper:
        helper = FormHelper()
        helper.layout = Layout(
            Fieldset(
                _("Who you are"),
                "collaborator_type",
                "name",
                "organisation",
                "contact_person",
                "phone",
                "email",
                "address",
                "public_as",
            ),
            Fieldset(_("What you give"), *[self.line_field(n.package) for n in self.needs]),
            Fieldset(
                _("When and how"), "delivery_date", "deadline", "delivery_method", "partner_name"
            ),
            Fieldset(
                _("Rules"),
                HTML('{% include "commitments/includes/_rules.html" %}'),
                "rules_accepted",
            ),
            Div("website", css_class="ksbb-hp", aria_hidden="true"),
            Submit("submit", _("Submit my commitment")),
        )
        return helper

    def clean_phone(self) -> str:
        return clean_phone_number(self.cleaned_data["phone"])

    def clean_website(self) -> str:
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("This submission looks automated."), code="spam")
        return ""

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        self.check_schedule_order(self)
        if data.get("delivery_method") == Commitment.DeliveryMethod.PARTNER and not data.get(
            "partner_name"
        ):
            self.add_error(
                "partner_name",
                forms.ValidationError(
                    _("Name the distribution partner who delivers for you."), code="required"
                ),
            )
        if not self.needs:
            raise forms.ValidationError(
                _("This recipient has no needs listed yet."), code="no_needs"
            )
        if not any(data.get(self.line_field(n.package)) for n in self.needs):
            raise forms.ValidationError(
                _("Give a quantity for at least one package."), code="no_lines"
            )
        for need in self.needs:
            quantity = data.get(self.line_field(need.package))
            if quantity and quantity > need.remaining:
                self.add_covered_error(Shortfall(need.package, quantity, need.remaining))
        return data

    def add_covered_error(self, shortfall: Shortfall) -> None:
        if shortfall.remaining:
            message = _(
                "Only %(left)s %(package)s are still needed here; please lower the quantity "
                "or help a recipient nearby."
            )
        else:
            message = _(
                "%(package)s for this recipient is already covered; please help a recipient nearby."
            )
        self.add_error(
            self.line_field(shortfall.package),
            forms.ValidationError(
                message % {"left": shortfall.remaining, "package": shortfall.package.name},
                code="already_covered",
            ),
        )

    def lines(self) -> dict[Package, int]:
        return {
            n.package: self.cleaned_data[self.line_field(n.package)]
            for n in self.needs
            if self.cleaned_data.get(self.line_field(n.package))
        }

    def commitment(self) -> Commitment:
        commitment = self.save(commit=False)
        commitment.recipient = self.recipient
        commitment.is_anonymous = self.cleaned_data["public_as"] == "anonymous"
        commitment.rules_accepted = True
        if commitment.delivery_method != Commitment.DeliveryMethod.PARTNER:
            commitment.partner_name = ""
        return commitment

    def suggestions(self, limit: int = 5) -> list[Need]:
        """Least-served recipients nearby for the packages this donor asked too much of."""
        packages = [
            n.package
            for n in self.needs
            if self.has_error(self.line_field(n.package), "already_covered")
        ]
        if not packages:
            return []
        return list(
            Need.objects.nearby(self.recipient)
            .filter(package__in=packages)
            .select_related("recipient__area", "package")[:limit]
        )

    def _post_clean(self) -> None:
        # Copy the data onto the instance but skip model validation: the instance has no
        # recipient or number yet, and clean() already checks what the constraints hold.
        self.instance = construct_instance(self, self.instance, self._meta.fields)


class AreaChoiceField(forms.ModelChoiceField):
    """Areas indented by level below kota, so the list reads as the hierarchy."""

    def label_from_instance(self, obj: Area) -> str:
        return f"{'— ' * (obj.level - Area.Level.KOTA)}{obj.name}"


class CommitmentFilterForm(forms.Form):
    """The public list's filters; an invalid value is reported and ignored, never a 500."""

    area = AreaChoiceField(
        # Only what the select shows: boundaries would parse megabytes of GeoJSON per request.
        queryset=Area.objects.filter(level__gte=Area.Level.KOTA).only("code", "name", "level"),
        to_field_name="code",
        required=False,
        label=_("Area"),
        empty_label=_("all areas"),
    )
    kind = forms.ChoiceField(
        choices=[("", _("all kinds"))] + Recipient.Kind.choices,
        required=False,
        label=_("Recipient kind"),
    )
    package = forms.ModelChoiceField(
        queryset=Package.objects.all(),
        to_field_name="code",
        required=False,
        label=_("Package"),
        empty_label=_("all packages"),
    )
    status = forms.ChoiceField(
        choices=[("", _("all statuses"))] + Commitment.Status.choices,
        required=False,
        label=_("Status"),
    )
    date_from = forms.DateField(
        required=False, label=_("Delivery from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label=_("Delivery until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    recipient = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def filter(self, queryset: QuerySet[Commitment]) -> QuerySet[Commitment]:
        """`queryset` narrowed by every valid filter; an invalid one is left out on its own,
        and its error is shown beside its field."""
        if not self.is_bound:
            return queryset
        self.is_valid()  # cleaned_data keeps only the fields whose values are valid
        data = self.cleaned_data
        if data.get("area"):
            queryset = queryset.filter(
                recipient__area__in=Area.objects.within(data["area"]).values("pk")
            )
        if data.get("kind"):
            queryset = queryset.filter(recipient__kind=data["kind"])
        if data.get("package"):
            queryset = queryset.filter(lines__package=data["package"])
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("date_from"):
            queryset = queryset.filter(deadline__gte=data["date_from"])
        if data.get("date_to"):
            queryset = queryset.filter(delivery_date__lte=data["date_to"])
        if data.get("recipient"):
            queryset = queryset.filter(recipient_id=data["recipient"])
        return queryset
