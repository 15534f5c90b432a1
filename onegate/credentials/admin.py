"""Operators' read-only view of entitlements, credentials, relying parties and signing keys.

Changes go through the services (the back office's pages), never through the admin. Neither the
credentials' tokens, the documents entitlements are linked to, nor any private key are shown.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from onegate.credentials.models import Credential, Entitlement, IssuerKey, RelyingParty


class ReadOnly(admin.ModelAdmin[Any]):
    """Look, never touch."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Entitlement)
class EntitlementAdmin(ReadOnly):
    list_display = ["reference", "entitlement_type", "agency_slug", "status", "valid_until"]
    list_filter = ["status", "entitlement_type", "agency_slug"]
    search_fields = ["=reference"]
    ordering = ["-issued_at"]
    show_full_result_count = False
    fields = (
        "id", "reference", "entitlement_type", "service_slug", "agency_slug",
        "definition_version", "valid_from", "valid_until", "status", "status_changed_at",
        "issued_at", "lock_version",
    )  # fmt: skip
    readonly_fields = fields


@admin.register(Credential)
class CredentialAdmin(ReadOnly):
    list_display = ["id", "issued_at", "expires_at", "kid", "status", "status_reason"]
    list_filter = ["status", "kid"]
    search_fields = ["=id"]
    ordering = ["-issued_at"]
    show_full_result_count = False
    fields = (
        "id", "entitlement", "vct", "kid", "status_list", "status_index", "issued_at",
        "expires_at", "status", "status_reason",
    )  # fmt: skip
    readonly_fields = fields


@admin.register(RelyingParty)
class RelyingPartyAdmin(ReadOnly):
    list_display = ["name_en", "organisation", "checks_per_minute", "is_active"]
    list_filter = ["is_active"]
    fields = (
        "name_en", "name_th", "organisation", "entitlement_types", "purposes", "disclosures",
        "checks_per_minute", "is_active",
    )  # fmt: skip
    readonly_fields = fields


@admin.register(IssuerKey)
class IssuerKeyAdmin(ReadOnly):
    list_display = ["kid", "created_at", "is_active", "retired_at", "keep_until"]
    # Listed field by field: ``private_jwk`` must never be on a page.
    fields = ("kid", "public_jwk", "created_at", "is_active", "retired_at", "keep_until")
    readonly_fields = fields
