"""The back office's forms for entitlements: finding one, and suspending, reinstating or
revoking it with a reason.

They only check what was typed (present, short enough); whether the change is allowed (the
officer's agency, the entitlement's state, a form drawn from an older version) is the services'
answer (``EntitlementRefused``), given under the row lock.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from onegate.credentials.constants import MAX_REASON_LENGTH

SEARCH_MAX_CHARS = 40


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Reference, passport number or national ID number"),
        max_length=SEARCH_MAX_CHARS,
        strip=True,
        error_messages={
            "required": _("Enter a reference, a passport number or a national ID number"),
            "max_length": _("Enter %(limit_value)s characters or fewer"),
        },
    )


class EntitlementActionForm(forms.Form):
    """Suspend, reinstate or revoke: the reason (the holder reads it) and the version seen."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_REASON_LENGTH,
        strip=True,
        error_messages={
            "required": _("Enter the reason. The holder is told it."),
            "max_length": _("The reason must be %(limit_value)s characters or fewer"),
        },
    )
    lock_version = forms.IntegerField(min_value=0, required=False)

    def __init__(
        self, data: Any = None, *, action: str, initial: dict[str, Any] | None = None
    ) -> None:
        super().__init__(data, prefix=action, initial=initial)
        self.action = action

    def version(self) -> int:
        value = self.cleaned_data.get("lock_version") if hasattr(self, "cleaned_data") else None
        return int(value) if value is not None else 0
