"""Admin of commitments: read mostly; quantities move only through the workflows."""

from django.contrib import admin

from commitments.models import Commitment, CommitmentEvent, CommitmentLine, ContactAccess


class CommitmentLineInline(admin.TabularInline):
    model = CommitmentLine
    extra = 0
    readonly_fields = ["package", "quantity", "delivered"]
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


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "recipient", "status", "delivery_date", "deadline"]
    list_filter = ["status", "collaborator_type", "delivery_method"]
    search_fields = ["number", "name", "organisation", "recipient__name"]
    date_hierarchy = "created"
    inlines = [CommitmentLineInline, CommitmentEventInline]
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
        "letter",
    ]
    raw_id_fields = ["recipient"]

    def has_add_permission(self, request) -> bool:
        # A commitment reserves quantity: it is made through the pledge form's workflow.
        return False

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
