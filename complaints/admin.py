"""Admin of complaints: the reference data (channels, categories, statuses and transitions,
offices) is edited here; complaints are read here and moved through the officers' pages (their
workflows live in complaints.services). The reporter's contact shows on a complaint's change
page only, and each view of it is logged in ReporterContactAccess."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from complaints import admin_officers  # noqa: F401  (registers the officers' admin)
from complaints.models import (
    Category,
    Channel,
    Complaint,
    ComplaintCounter,
    ComplaintEvent,
    ComplaintPhoto,
    Office,
    ReporterContactAccess,
    Status,
    Transition,
)

# The officers' permission-checked photo view (complaints/urls_officer.py).
PHOTO_URL_NAME = "complaints:officer-photo"


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    # A link typed without a scheme is https (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "kind", "contact", "is_active", "sort_order"]
    list_editable = ["is_active", "sort_order"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "contact"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "follow_up_days", "is_active", "sort_order"]
    list_editable = ["is_active", "sort_order"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]


class TransitionInline(admin.TabularInline):
    model = Transition
    fk_name = "from_status"
    fields = ["to_status", "by_reporter"]
    extra = 0


@admin.register(Status)
class StatusAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_open", "is_initial", "sort_order"]
    list_editable = ["sort_order"]
    inlines = [TransitionInline]


@admin.register(Transition)
class TransitionAdmin(admin.ModelAdmin):
    list_display = ["from_status", "to_status", "by_reporter"]
    list_filter = ["by_reporter", "from_status"]
    list_select_related = ["from_status", "to_status"]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "area", "is_active"]
    list_filter = ["kind", "is_active", "parent"]
    search_fields = ["name"]
    filter_horizontal = ["categories"]
    autocomplete_fields = ["area"]
    list_select_related = ["parent", "area"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Office]:
        return super().get_queryset(request).defer("area__boundary", "area__boundary_web")


EVENT_FIELDS: tuple[str, ...] = (
    "created",
    "kind",
    "status",
    "office",
    "actor",
    "actor_label",
    "public_text",
    "internal_text",
)


class ComplaintEventInline(ReadOnlyInline):
    model = ComplaintEvent
    fields = readonly_fields = EVENT_FIELDS


def photo_link(photo: ComplaintPhoto, label: str) -> str:
    """A link to the permission-checked photo view (the files are never under MEDIA_URL)."""
    try:
        url = reverse(PHOTO_URL_NAME, args=[photo.pk])
    except NoReverseMatch:
        return format_html("{}", label)
    return format_html('<a href="{}">{}</a>', url, label)


class ComplaintPhotoInline(ReadOnlyInline):
    model = ComplaintPhoto
    fields = readonly_fields = ("created", "source", "event", "link")

    @admin.display(description=_("photo"))
    def link(self, photo: ComplaintPhoto) -> str:
        return photo_link(photo, str(_("view the photo")))


COMPLAINT_FIELDS: tuple[str, ...] = (
    "number",
    "category",
    "kelurahan",
    "recipient",
    "commitment",
    "description",
    "status",
    "office",
    "language",
)
REPORTER_FIELDS: tuple[str, ...] = ("reporter_name", "reporter_phone", "reporter_email")
DATE_FIELDS: tuple[str, ...] = (
    "received_at",
    "due_date",
    "followed_up_at",
    "closed_at",
    "escalated_at",
)


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    # No reporter field in the list or its search: the contact shows on the change page only,
    # where each view is logged.
    list_display = [
        "number",
        "category",
        "kelurahan",
        "office",
        "status",
        "received_at",
        "due_date",
        "overdue",
        "escalated_at",
    ]
    list_filter = ["status", "category", "office", "escalated_at"]
    search_fields = ["number"]
    date_hierarchy = "received_at"
    list_select_related = ["category", "kelurahan", "office", "status"]
    inlines = [ComplaintEventInline, ComplaintPhotoInline]
    fieldsets = [
        (None, {"fields": COMPLAINT_FIELDS}),
        (_("Reporter (private)"), {"fields": REPORTER_FIELDS}),
        (_("Dates"), {"fields": DATE_FIELDS}),
    ]
    readonly_fields = (*COMPLAINT_FIELDS, *REPORTER_FIELDS, *DATE_FIELDS)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Complaint]:
        return super().get_queryset(request).defer("kelurahan__boundary", "kelurahan__boundary_web")

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, complaint: Complaint) -> bool:
        return complaint.is_overdue()

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A complaint gets its number and first event through the form's workflow.
        return False

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        # The change page shows the reporter's contact: every view of it is logged.
        if request.method == "GET" and response.status_code == 200:
            complaint = self.get_object(request, object_id)
            if complaint is not None and (
                complaint.reporter_name or complaint.has_reporter_contact
            ):
                # admin_view lets only logged-in staff reach this page.
                user = cast(Any, request.user)
                ReporterContactAccess.objects.create(complaint=complaint, user=user, via="admin")
        return response


@admin.register(ReporterContactAccess)
class ReporterContactAccessAdmin(admin.ModelAdmin):
    """Read-only: the log of who saw which reporter's contact."""

    list_display = ["viewed_at", "user", "complaint", "via"]
    list_filter = ["via"]
    list_select_related = ["user", "complaint"]
    search_fields = ["user__username", "complaint__number"]
    date_hierarchy = "viewed_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ComplaintCounter)
class ComplaintCounterAdmin(admin.ModelAdmin):
    """Read-only: the last tracking number issued per year (gap-free; never edited by hand)."""

    list_display = ["year", "last"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
