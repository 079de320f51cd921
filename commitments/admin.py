"""Admin of commitments: read mostly; quantities move only through the workflows."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from commitments.models import (
    Commitment,
    CommitmentEvent,
    CommitmentLine,
    ContactAccess,
    DeliveryReport,
)


class CommitmentLineInline(admin.TabularInline):
    model = CommitmentLine
    extra = 0
    # Both figures: what the collaborator reported and what the PJ confirmed.
    readonly_fields = ["package", "quantity", "reported", "delivered"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class CommitmentEventInline(admin.TabularInline):
    model = CommitmentEvent
    extra = 0
    readonly_fields = ["created", "action", "status", "actor", "actor_label", "data"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class DeliveryReportInline(admin.TabularInline):
    model = DeliveryReport
    extra = 0
    fields = ["created", "side", "actor", "quantities", "photo_links"]
    readonly_fields = ["created", "side", "actor", "quantities", "photo_links"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[DeliveryReport]:
        return (
            super()
            .get_queryset(request)
            .select_related("actor")
            .prefetch_related("lines__line__package", "photos")
        )

    @admin.display(description=_("quantities"))
    def quantities(self, report: DeliveryReport) -> str:
        return ", ".join(f"{rl.line.package.name}: {rl.quantity}" for rl in report.lines.all())

    @admin.display(description=_("photos"))
    def photo_links(self, report: DeliveryReport) -> str:
        # Links to the permission-checked view: the files are never under MEDIA_URL.
        return format_html_join(
            " · ",
            '<a href="{}">{}</a>',
            (
                (photo.get_pj_url(), _("photo %(n)d") % {"n": n})
                for n, photo in enumerate(report.photos.all(), start=1)
            ),
        ) or format_html("{}", "—")


@admin.action(description=_("Mark the selected commitments as reviewed"))
def mark_reviewed(modeladmin, request: HttpRequest, queryset: QuerySet[Commitment]) -> None:
    queryset.update(needs_review=False)


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "name",
        "recipient",
        "status",
        "delivery_date",
        "deadline",
        "needs_review",
    ]
    list_filter = ["needs_review", "status", "collaborator_type", "delivery_method"]
    actions = [mark_reviewed]
    search_fields = ["number", "name", "organisation", "recipient__name"]
    date_hierarchy = "created"
    inlines = [CommitmentLineInline, DeliveryReportInline, CommitmentEventInline]
    readonly_fields = [
        "number",
        "recipient",
        "status",
        "created",
        "acknowledged_at",
        "delivered_at",
        "done_at",
        "cancelled_at",
        "expired_at",
        "declined_at",
        "decline_reason",
        "proposed_delivery_date",
        "proposed_deadline",
        "proposed_by",
        "letter_name",
    ]
    # Shown as letter_name: the field's own widget would link the storage's URL.
    exclude = ["letter"]
    raw_id_fields = ["recipient"]

    def has_add_permission(self, request) -> bool:
        # A commitment reserves quantity: it is made through the pledge form's workflow.
        return False

    @admin.display(description=_("pledge letter"))
    def letter_name(self, obj: Commitment) -> str:
        # The stored file's name, not a link: a link would be the storage's URL, which nginx
        # does not serve (MEDIA_ROOT) or which is a signed S3 URL (STORAGE_BACKEND=s3). The
        # letter is reached through the pledge's private link.
        return obj.letter.name or "-"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        # The change form shows the collaborator's contact: every view of it is logged.
        if request.method == "GET" and response.status_code == 200:
            ContactAccess.objects.create(commitment_id=object_id, user=request.user, via="admin")
        return response


@admin.register(ContactAccess)
class ContactAccessAdmin(admin.ModelAdmin):
    """Read-only: the log of who saw which collaborator's contact details."""

    list_display = ["viewed_at", "user", "commitment", "via"]
    list_filter = ["via"]
    list_select_related = ["user", "commitment"]
    search_fields = ["user__username", "commitment__number"]
    date_hierarchy = "viewed_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
