"""Admin of commitments: read mostly; quantities move only through the workflows."""

from django.contrib import admin

from commitments.models import Commitment, CommitmentEvent, CommitmentLine


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
