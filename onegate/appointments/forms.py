"""The appointment pages' forms: finding a centre, choosing a time, cancelling, a staff day."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from onegate.core.languages import current_language
from onegate.pages.dateinput import date_box, read_date
from onegate.registries import divisions


class LocatorForm(forms.Form):
    """Where to look: a postcode (nearest first), or a province (its centres)."""

    postcode = forms.CharField(required=False, max_length=10)
    province = forms.ChoiceField(required=False)
    sub_district = forms.CharField(required=False, max_length=6)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = divisions.choices(divisions.provinces(), current_language())
        cast(forms.ChoiceField, self.fields["province"]).choices = [
            ("", _("Any province")),
            *choices,
        ]

    def clean_postcode(self) -> str:
        raw = "".join(self.cleaned_data.get("postcode", "").split())
        digits = raw.translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789"))
        if not digits:
            return ""
        if not (len(digits) == 5 and digits.isdigit()):
            raise ValidationError(_("Enter a postcode of 5 digits, like 10210."), code="postcode")
        if not divisions.sub_districts_by_postcode(digits):
            raise ValidationError(
                _("We do not know the postcode %(postcode)s. Check it, or choose a province."),
                code="unknown_postcode",
                params={"postcode": digits},
            )
        return digits

    def clean_sub_district(self) -> str:
        code = self.cleaned_data.get("sub_district", "")
        if code and divisions.sub_district(code) is None:
            raise ValidationError(_("Choose an area from the list."), code="unknown_area")
        return code

    def areas(self) -> list[divisions.Division]:
        """The sub-districts of the postcode, when it serves more than one province."""
        if not self.is_bound or not self.is_valid() or not self.cleaned_data["postcode"]:
            return []
        places = divisions.sub_districts_by_postcode(self.cleaned_data["postcode"])
        return places if len({p.province_code for p in places}) > 1 else []


class SlotChoiceForm(forms.Form):
    """One time on the chosen day."""

    slot = forms.ChoiceField(
        error_messages={
            "required": _("Choose a time."),
            "invalid_choice": _("Choose one of the times shown."),
        }
    )

    def __init__(self, *args: Any, slots: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["slot"]).choices = [
            (str(slot.pk), str(slot.pk)) for slot in slots
        ]


class CancelForm(forms.Form):
    reason = forms.CharField(required=False, max_length=200)


class DayForm(forms.Form):
    """The day a staff list shows (today when not given)."""

    date = forms.DateField(required=False, input_formats=["%Y-%m-%d"])

    def day(self, today: dt.date) -> dt.date:
        if self.is_valid() and self.cleaned_data.get("date"):
            return self.cleaned_data["date"]
        return today


class CloseDayForm(forms.Form):
    """An administrator closes one of their agency's centres for a day, with the reason."""

    centre = forms.ChoiceField(error_messages={"required": _("Choose the centre.")})
    date_day = date_box(2)
    date_month = date_box(2)
    date_year = date_box(4)
    reason_en = forms.CharField(
        max_length=120, error_messages={"required": _("Give the reason in English.")}
    )
    reason_th = forms.CharField(
        max_length=120, error_messages={"required": _("Give the reason in Thai.")}
    )

    def __init__(self, *args: Any, centres: list[Any], today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        cast(forms.ChoiceField, self.fields["centre"]).choices = [
            ("", ""),
            *((str(centre.pk), centre.name) for centre in centres),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            boxes = {
                f"date_{part}": self.data.get(f"date_{part}") for part in ("day", "month", "year")
            }
            day = read_date(boxes, "date", missing=_("Enter the day the centre closes."))
        except ValidationError as error:
            self.add_error("date_day", error)
            return data
        if day < self.today:
            self.add_error("date_day", _("The day must be today or later."))
        data["date"] = day
        return data
