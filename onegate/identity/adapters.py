"""How allauth fits OneGate: accounts are keyed by email, messages go in the person's language."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    """allauth's defaults, with the account's language remembered at sign-up."""

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=False)
        user.preferred_language = getattr(request, "LANGUAGE_CODE", "en") or "en"
        if commit:
            user.save()
        return user
