"""A read-only window on the audit log for operators; opening an event is itself audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from onegate.audit.constants import AuditLogAction
from onegate.audit.models import AuditEvent
from onegate.audit.services import audit_record


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = [
        "created_at",
        "sequence",
        "action",
        "actor_type",
        "actor_id",
        "on_behalf_of_id",
        "subject_type",
        "subject_id",
    ]
    list_filter = ["action", "actor_type"]
    search_fields = ["=subject_id", "=actor_id", "=on_behalf_of_id"]
    ordering = ["-created_at"]
    date_hierarchy = "created_at"
    # Counting a large append-only table on every page would be slow and tells nobody anything.
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            audit_record(
                actor=request.user,
                action=AuditLogAction.EVENT_VIEWED,
                subject_type="audit.auditevent",
                subject_id=object_id,
                purpose="audit log review in the admin",
            )
        return response
