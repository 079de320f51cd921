"""Admin of the people in charge (PJ): their links to recipients — list, filters, search,
CSV/XLSX import — the inline on a recipient's page, and the "Invite a person" page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .admin_base import ImportExportPermissionsMixin, KotaFilter, PartialImportMixin
from .models import PersonInCharge, Recipient
from .resources_people import PersonInChargeResource
from .services import (
    HAS_ACCOUNT,
    InvitationRefused,
    Role,
    can_be_invited,
    find_account,
    invite_person,
    resend_invitation,
)

INVITE_PERMISSIONS = ("auth.add_user", "recipients.add_personincharge")


class LabelledAutocompleteSelectMultiple(AutocompleteSelectMultiple):
    """The admin's autocomplete, with its search box named for screen readers (see the JS)."""

    @property
    def media(self) -> forms.Media:
        return super().media + forms.Media(js=["js/admin-autocomplete-labels.js"])


class InvitationForm(forms.Form):
    """The admin's "Invite a person" form."""

    email = forms.EmailField(label=_("e-mail address"))
    first_name = forms.CharField(label=_("first name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("last name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("role"), choices=Role.choices, widget=forms.RadioSelect)
    recipients = forms.ModelMultipleChoiceField(
        label=_("recipients"),
        queryset=Recipient.objects.all(),
        required=False,
        help_text=_("For a person in charge: the recipients they answer for, from today."),
    )

    def __init__(self, *args: Any, admin_site: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if admin_site is not None:
            field = PersonInCharge._meta.get_field("recipient")
            recipients = self.fields["recipients"]
            assert isinstance(recipients, forms.ModelMultipleChoiceField)
            recipients.widget = LabelledAutocompleteSelectMultiple(field, admin_site)
            recipients.widget.choices = recipients.choices

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if not can_be_invited(find_account(email)):
            raise forms.ValidationError(HAS_ACCOUNT, code="has_account")
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") == Role.PERSON_IN_CHARGE and not data.get("recipients"):
            self.add_error(
                "recipients",
                forms.ValidationError(
                    _("Choose the recipients this person is in charge of."),
                    code="recipients_required",
                ),
            )
        if data.get("role") != Role.PERSON_IN_CHARGE:
            data["recipients"] = []
        return data


class CurrentFilter(admin.SimpleListFilter):
    """In force today, ended, or starting later (Asia/Jakarta days)."""

    title = _("in force")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("current", _("current")), ("ended", _("ended")), ("future", _("not started"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        today = timezone.localdate()
        if self.value() == "current":
            return queryset.filter(Q(end__isnull=True) | Q(end__gte=today), start__lte=today)
        if self.value() == "ended":
            return queryset.filter(end__lt=today)
        if self.value() == "future":
            return queryset.filter(start__gt=today)
        return queryset


class RecipientKotaFilter(KotaFilter):
    area_field = "recipient__area"


class PersonInChargeInline(admin.TabularInline):
    """The recipient's people in charge, on its change page."""

    model = PersonInCharge
    fields = ["user", "start", "end"]
    autocomplete_fields = ["user"]
    extra = 0


@admin.register(PersonInCharge)
class PersonInChargeAdmin(PartialImportMixin, ImportExportPermissionsMixin, admin.ModelAdmin):
    resource_classes = [PersonInChargeResource]
    change_list_template = "admin/recipients/personincharge/change_list.html"
    list_display = ["user", "full_name", "recipient", "recipient_kind", "start", "end", "current"]
    list_filter = [CurrentFilter, "recipient__kind", RecipientKotaFilter]
    search_fields = [
        "user__username",
        "user__first_name",
        "user__last_name",
        "user__email",
        "recipient__name",
    ]
    list_select_related = ["user", "recipient"]
    autocomplete_fields = ["user", "recipient"]
    date_hierarchy = "start"
    actions = ["resend_invitations"]
    list_per_page = 100

    def get_queryset(self, request: HttpRequest) -> QuerySet[PersonInCharge]:
        # Never load the recipient's area boundaries for a list of names.
        return super().get_queryset(request).select_related("user", "recipient")

    @admin.display(description=_("name"), ordering="user__first_name")
    def full_name(self, link: PersonInCharge) -> str:
        return link.user.get_full_name()

    @admin.display(description=_("kind"), ordering="recipient__kind")
    def recipient_kind(self, link: PersonInCharge) -> str:
        return link.recipient.get_kind_display()

    @admin.display(description=_("current"), boolean=True)
    def current(self, link: PersonInCharge) -> bool:
        return link.is_current()

    @admin.action(description=_("Send the invitation again (accounts without a password)"))
    def resend_invitations(self, request: HttpRequest, queryset: QuerySet) -> None:
        if not request.user.has_perms(INVITE_PERMISSIONS):
            raise PermissionDenied
        users = {link.user_id: link.user for link in queryset.select_related("user")}
        sent = sum(resend_invitation(user=u, invited_by=request.user) for u in users.values())
        self.message_user(
            request,
            ngettext(
                "Invitation sent again to %(count)d account.",
                "Invitation sent again to %(count)d accounts.",
                sent,
            )
            % {"count": sent},
        )
        if sent < len(users):
            self.message_user(
                request,
                _("Accounts that already chose their password were skipped."),
                messages.WARNING,
            )

    def get_urls(self) -> list[URLPattern]:
        invite = path(
            "invite/",
            self.admin_site.admin_view(self.invite_view),
            name="recipients_personincharge_invite",
        )
        return [invite, *super().get_urls()]

    def invite_view(self, request: HttpRequest) -> HttpResponse:
        """Invite a person by e-mail for a role; inviting the same address again re-sends."""
        if not request.user.has_perms(INVITE_PERMISSIONS):
            raise PermissionDenied
        form = InvitationForm(request.POST or None, admin_site=self.admin_site)
        if request.method == "POST" and form.is_valid():
            try:
                user = invite_person(invited_by=request.user, **form.cleaned_data)
            except InvitationRefused:
                # Someone set a password between the form's check and the lock.
                form.add_error("email", ValidationError(HAS_ACCOUNT, code="has_account"))
            else:
                self.message_user(
                    request,
                    _("The invitation was sent to %(email)s.") % {"email": user.email},
                    messages.SUCCESS,
                )
                return redirect("admin:recipients_personincharge_changelist")
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "title": _("Invite a person"),
            "opts": self.model._meta,
            "form": form,
            "days": settings.KSBB_INVITATION_DAYS,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/recipients/personincharge/invite.html", context)
