"""Admin of the complaint officers: their links to a kelurahan, kecamatan or office, and the
"Invite an officer" page (the accounts flow of recipients.services, with the officer role)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from complaints.apps import OFFICER_ROLE
from complaints.models import Office, Officer
from recipients.models import Area
from recipients.services import (
    HAS_ACCOUNT,
    InvitationRefused,
    can_be_invited,
    find_account,
    invite_person,
    resend_invitation,
)

INVITE_PERMISSIONS = ("auth.add_user", "complaints.add_officer")


class OfficerInvitationForm(forms.Form):
    """Invite a person as the officer of one kelurahan or kecamatan, or of one office."""

    email = forms.EmailField(label=_("e-mail address"))
    first_name = forms.CharField(label=_("first name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("last name"), max_length=150, required=False)
    area = forms.ModelChoiceField(
        label=_("kelurahan or kecamatan"),
        queryset=Area.objects.filter(level__in=(Area.Level.KECAMATAN, Area.Level.KELURAHAN)).only(
            "name", "code", "level"
        ),
        required=False,
    )
    office = forms.ModelChoiceField(
        label=_("office"), queryset=Office.objects.filter(is_active=True), required=False
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if not can_be_invited(find_account(email)):
            raise ValidationError(HAS_ACCOUNT, code="has_account")
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("area")) == bool(data.get("office")):
            raise ValidationError(
                _("Choose either a kelurahan or kecamatan, or an office."), code="area_or_office"
            )
        return data


def grant_officer(user: Any, *, area: Area | None, office: Office | None) -> None:
    """Link the account to the area or office from today, unless a current link exists."""
    links = Officer.objects.current().filter(user=user, area=area, office=office)
    if not links.exists():
        Officer.objects.create(user=user, area=area, office=office, start=timezone.localdate())


@admin.register(Officer)
class OfficerAdmin(admin.ModelAdmin):
    list_display = ["user", "area", "office", "start", "end"]
    list_filter = ["office"]
    search_fields = ["user__username", "user__email", "user__first_name", "area__name"]
    autocomplete_fields = ["user", "area"]
    list_select_related = ["user", "area", "office"]
    actions = ["resend_invitations"]
    change_list_template = "admin/complaints/officer/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Officer]:
        # Never load area boundaries for a list of names.
        return super().get_queryset(request).defer("area__boundary", "area__boundary_web")

    @admin.action(description=_("Send the invitation again (accounts without a password)"))
    def resend_invitations(self, request: HttpRequest, queryset: QuerySet[Officer]) -> None:
        if not request.user.has_perms(INVITE_PERMISSIONS):
            raise PermissionDenied
        users = {link.user_id: link.user for link in queryset.select_related("user")}
        sent = sum(
            resend_invitation(user=user, invited_by=request.user, role=OFFICER_ROLE)
            for user in users.values()
        )
        self.message_user(
            request,
            ngettext(
                "Invitation sent again to %(count)d account.",
                "Invitation sent again to %(count)d accounts.",
                sent,
            )
            % {"count": sent},
        )

    def get_urls(self) -> list[URLPattern]:
        invite = path(
            "invite/",
            self.admin_site.admin_view(self.invite_view),
            name="complaints_officer_invite",
        )
        return [invite, *super().get_urls()]

    def invite_view(self, request: HttpRequest) -> HttpResponse:
        """Invite a person by e-mail as an officer; inviting the same address again re-sends."""
        if not request.user.has_perms(INVITE_PERMISSIONS):
            raise PermissionDenied
        form = OfficerInvitationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                user = invite_person(
                    email=data["email"],
                    role=OFFICER_ROLE,
                    invited_by=request.user,
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    grant=partial(grant_officer, area=data["area"], office=data["office"]),
                )
            except InvitationRefused:
                # Someone set a password between the form's check and the lock.
                form.add_error("email", ValidationError(HAS_ACCOUNT, code="has_account"))
            else:
                self.message_user(
                    request,
                    _("The invitation was sent to %(email)s.") % {"email": user.email},
                    messages.SUCCESS,
                )
                return redirect("admin:complaints_officer_changelist")
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "title": _("Invite an officer"),
            "opts": self.model._meta,
            "form": form,
            "days": settings.KSBB_INVITATION_DAYS,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/complaints/officer/invite.html", context)
