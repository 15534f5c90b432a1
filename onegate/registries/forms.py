"""Forms of the registry staff pages: the search, and the purpose every reader must state."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.th import pin

from onegate.registries.search import search_words
from onegate.registries.staff import STAFF_PURPOSES


class PurposeForm(forms.Form):
    """Why the reader is looking; required before any registry data is shown."""

    purpose = forms.ChoiceField(
        label=_("Why are you looking?"),
        choices=list(STAFF_PURPOSES.items()),
        error_messages={"required": _("Select why you are looking at registry records")},
    )
    reference = forms.CharField(
        label=_("Case or request reference (if there is one)"), max_length=60, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("purpose") == "investigation" and not data.get("reference"):
            self.add_error("reference", _("Enter the case reference of the investigation"))
        return data


class PersonSearchForm(PurposeForm):
    """Find people by national ID, passport, or name with an optional date of birth."""

    national_id = forms.CharField(label=_("National ID number"), max_length=20, required=False)
    passport_number = forms.CharField(label=_("Passport number"), max_length=20, required=False)
    passport_state = forms.CharField(
        label=_("Issuing country (3-letter code, for example GBR)"), max_length=3, required=False
    )
    name = forms.CharField(label=_("Name, in Thai or English"), max_length=100, required=False)
    date_of_birth = forms.DateField(
        label=_("Date of birth (YYYY-MM-DD)"),
        required=False,
        error_messages={
            "invalid": _("Enter the date of birth as year-month-day, for example 1984-03-27")
        },
    )

    def clean_national_id(self) -> str:
        value = self.cleaned_data.get("national_id", "").strip()
        if not value:
            return ""
        try:
            return pin.validate(value)
        except StdnumError:
            raise forms.ValidationError(
                _("Enter a 13-digit national ID number with a correct check digit")
            ) from None

    def clean_date_of_birth(self) -> dt.date | None:
        value = self.cleaned_data.get("date_of_birth")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date of birth must be in the past"))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("passport_number") and not data.get("passport_state"):
            self.add_error("passport_state", _("Enter the country that issued the passport"))
        has_name = bool(search_words(data.get("name", "")))
        if data.get("name") and not has_name:
            self.add_error("name", _("Enter at least 2 letters of a name"))
        if (
            not (data.get("national_id") or data.get("passport_number") or has_name)
            and not self.errors
        ):
            raise forms.ValidationError(
                _("Enter a national ID number, a passport number or a name")
            )
        return data
