"""The performance pages' forms: a service owner's figures for a month, and the satisfaction
question on the confirmation page.

They check only what was typed (a whole number, an amount in baht, a rating from the list, a
comment short enough), each with its own message; whether the person may save and whether
someone else saved first is the services' answer (``InputsRefused``, ``SurveyRefused``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from onegate.insights.constants import COMMENT_MAX_CHARS, Rating
from onegate.insights.services.inputs import MOST_APPLICATIONS, MOST_BAHT, NOTE_MAX_CHARS


def _typed_number(value: Any) -> Any:
    """What was typed, without the spaces and thousands separators people write numbers with."""
    if isinstance(value, str):
        return value.strip().replace(",", "").replace(" ", "").replace("\u00a0", "")
    return value


class WholeNumberField(forms.IntegerField):
    """A count: digits only, "1,200" and " 1200 " read as 1200."""

    def to_python(self, value: Any) -> Any:
        return super().to_python(_typed_number(value))


class BahtField(forms.DecimalField):
    """An amount in baht with at most two decimals: "1,250.50" reads as 1250.50."""

    def to_python(self, value: Any) -> Any:  # a Decimal, or None
        return super().to_python(_typed_number(value))


def _count_field(label: Any, required: Any, invalid: Any, negative: Any) -> WholeNumberField:
    return WholeNumberField(
        label=label,
        min_value=0,
        max_value=MOST_APPLICATIONS,
        error_messages={
            "required": required,
            "invalid": invalid,
            "min_value": negative,
            "max_value": _("Enter a number of %(limit_value)s or fewer"),
        },
    )


def _baht_field(label: Any, invalid: Any, negative: Any) -> BahtField:
    return BahtField(
        label=label,
        required=False,
        min_value=0,
        max_value=MOST_BAHT,
        max_digits=10,
        decimal_places=2,
        error_messages={
            "invalid": invalid,
            "min_value": negative,
            "max_value": _("Enter an amount of less than 100,000,000 baht"),
            "max_digits": _("Enter an amount of less than 100,000,000 baht"),
            "max_whole_digits": _("Enter an amount of less than 100,000,000 baht"),
            "max_decimal_places": _("Enter the amount with no more than 2 decimal places"),
        },
    )


class InputsForm(forms.Form):
    """A month's applications made outside OneGate and the cost of a transaction."""

    paper_applications = _count_field(
        _("Applications made on paper"),
        _("Enter the number of paper applications, or 0 if there were none"),
        _("Enter the number of paper applications as a whole number, like 120"),
        _("The number of paper applications cannot be negative"),
    )
    phone_applications = _count_field(
        _("Applications made by phone"),
        _("Enter the number of phone applications, or 0 if there were none"),
        _("Enter the number of phone applications as a whole number, like 40"),
        _("The number of phone applications cannot be negative"),
    )
    paper_cost = _baht_field(
        _("Cost of a paper transaction, in baht (optional)"),
        _("Enter the cost of a paper transaction as an amount in baht, like 250 or 250.50"),
        _("The cost of a paper transaction cannot be negative"),
    )
    digital_cost = _baht_field(
        _("Cost of a digital transaction, in baht (optional)"),
        _("Enter the cost of a digital transaction as an amount in baht, like 35 or 35.75"),
        _("The cost of a digital transaction cannot be negative"),
    )
    note = forms.CharField(
        label=_("Where these figures come from (optional)"),
        required=False,
        max_length=NOTE_MAX_CHARS,
        strip=True,
        widget=forms.Textarea,
        error_messages={"max_length": _("The note must be 2,000 characters or fewer")},
    )
    # The version of the month's figures the form was drawn from; none for a month not yet given.
    lock_version = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)


class FeedbackForm(forms.Form):
    """ "Overall, how did you feel about this service?" and an optional comment."""

    rating = forms.TypedChoiceField(
        label=_("Overall, how did you feel about this service?"),
        choices=sorted(Rating.choices, reverse=True),  # the happiest answer first, as GOV.UK
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select how you felt about this service"),
            "invalid_choice": _("Select how you felt about this service"),
        },
    )
    comment = forms.CharField(
        label=_("How could we improve this service? (optional)"),
        required=False,
        max_length=COMMENT_MAX_CHARS,
        strip=True,
        widget=forms.Textarea,
        error_messages={"max_length": _("Your comment must be 1,200 characters or fewer")},
    )
