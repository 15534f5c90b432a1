"""Operators' view of the outbox: every message's state, the dead letters, and a retry action.

Read-only, and without the messages' words or addresses (operators need the state, not the
content). "Send again" calls ``message_retry``, which audits each retry.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from onegate.notify.constants import RETRYABLE_BY_OPERATOR
from onegate.notify.models import DeliveryAttempt, Message
from onegate.notify.services import message_retry

SHOWN_FIELDS = (
    "id",
    "event",
    "channel",
    "status",
    "attempts",
    "next_attempt_at",
    "lease_until",
    "give_up_at",
    "last_error",
    "message_id",
    "provider_reference",
    "language",
    "created_at",
    "sent_at",
    "delivered_at",
)


class DeliveryAttemptInline(admin.TabularInline[DeliveryAttempt, Message]):
    model = DeliveryAttempt
    fields = ("at", "attempt", "previous_status", "status", "error")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin[Message]):
    list_display = ["created_at", "event", "channel", "status", "attempts", "last_error"]
    list_filter = ["status", "channel", "event"]
    search_fields = ["=message_id", "=id"]
    ordering = ["-created_at"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    fields = SHOWN_FIELDS
    readonly_fields = SHOWN_FIELDS
    inlines = [DeliveryAttemptInline]
    actions = ["send_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Message | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Message | None = None) -> bool:
        return False

    @admin.action(description=_("Send the selected dead or failed messages again"))
    def send_again(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        retried = 0
        for pk in queryset.filter(status__in=RETRYABLE_BY_OPERATOR).values_list("pk", flat=True):
            try:
                message_retry(actor=request.user, message_pk=pk)
            except ValidationError:  # sent meanwhile by someone else's retry
                continue
            retried += 1
        self.message_user(
            request,
            ngettext("%(count)d message queued again.", "%(count)d messages queued again.", retried)
            % {"count": retried},
            messages.SUCCESS,
        )
