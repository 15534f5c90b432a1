"""Django admin for identity: accounts (read-mostly) and, from ``admin_organisations``, staff roles,
teams and service centres.

Accounts are shown to platform superusers only, and only what running the platform needs: email
address, name, staff and superuser flags, and which second factors are set up. Nothing about an
account is changed here: people change their own details, and staff rights come from staff roles
granted by agency administrators (``services.organisations``), never from ticking boxes on the
account. Each concern's admin lives in its own module, imported below so Django finds it.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from onegate.identity import admin_organisations  # noqa: F401  (registers organisations' admin)
from onegate.identity.models.accounts import User


def _has(kind: str) -> Exists:
    return Exists(Authenticator.objects.filter(user=OuterRef("pk"), type=kind))


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("email", "display_name", "is_staff", "is_superuser", "is_active", "mfa")
    list_filter = ("is_staff", "is_superuser", "is_active")
    search_fields = ("email", "display_name")
    ordering = ("email",)
    fields = (
        "email", "display_name", "preferred_language", "is_staff", "is_superuser", "is_active",
        "date_joined", "last_login", "mfa",
    )  # fmt: skip
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return (
            super()
            .get_queryset(request)
            .annotate(has_totp=_has("totp"), has_passkey=_has("webauthn"))
        )

    @admin.display(description=_("second factors"))
    def mfa(self, user: Any) -> str:
        kinds = [
            str(label)
            for present, label in (
                (getattr(user, "has_totp", False), _("authenticator app")),
                (getattr(user, "has_passkey", False), _("passkey")),
            )
            if present
        ]
        return ", ".join(kinds) or str(_("none"))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
