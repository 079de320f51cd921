"""The outbox in the admin: what waits, what went, what keeps failing and why; retry."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ksbb.jobs import outbox
from ksbb.jobs.models import OutboxMail


class FailingFilter(admin.SimpleListFilter):
    title = _("delivery")
    parameter_name = "failing"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("yes", _("failing (at least one failed attempt)"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.exclude(status=OutboxMail.Status.SENT).exclude(last_error="")
        return queryset


@admin.register(OutboxMail)
class OutboxMailAdmin(admin.ModelAdmin):
    # No address and no body anywhere (a PJ's notice carries the collaborator's contact, whose
    # views are logged elsewhere): the reference and the subject say what the mail is about.
    list_display = ["created", "reference", "status", "attempts", "next_attempt_at", "last_error"]
    list_filter = ["status", FailingFilter]
    search_fields = ["reference"]
    date_hierarchy = "created"
    fields = readonly_fields = (
        "reference",
        "status",
        "attempts",
        "last_error",
        "created",
        "next_attempt_at",
        "sent_at",
        "subject",
    )
    actions = ["retry"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description=_("Send the selected e-mails again now"), permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[OutboxMail]) -> None:
        count = outbox.retry(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d e-mail will be sent again.",
                "%(count)d e-mails will be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("jobs.change_outboxmail")
