"""A read-only view of service definitions and their versions for platform operators.

Versions change only through the designer's services (which check the agency, run the rules
tests and write the audit log), so the admin offers no add, change or delete.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from onegate.definitions.models import Definition, DefinitionVersion


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Definition)
class DefinitionAdmin(_ReadOnly):
    list_display = ["slug", "agency_slug", "updated_at"]
    list_filter = ["agency_slug"]
    search_fields = ["slug"]


@admin.register(DefinitionVersion)
class DefinitionVersionAdmin(_ReadOnly):
    list_display = ["definition", "number", "status", "published_at", "change_note"]
    list_filter = ["status", "definition__agency_slug"]
    search_fields = ["definition__slug", "=checksum"]
    list_select_related = ["definition"]
    ordering = ["definition__slug", "-number"]
