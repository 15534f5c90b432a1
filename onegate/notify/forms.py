"""Forms of the messages pages: preferences, a new phone number or email address, the code.

Forms check what was typed; the services decide the rest.
"""

from __future__ import annotations

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from onegate.core.languages import NATIVE_NAMES

# A number typed without a country code is read as a Thai one.
DEFAULT_REGION = "TH"
# Some countries' numbers do not say whether they are mobile; those are let through.
MOBILE_TYPES = (
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
)


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Which language should we write to you in?"),
        choices=list(NATIVE_NAMES.items()),
        error_messages={"required": _("Select a language")},
    )
    channels = forms.MultipleChoiceField(
        label=_("Also send my messages by"),
        choices=[("email", _("Email")), ("sms", _("Text message"))],
        required=False,
    )


def phone_e164(typed: str) -> str:
    """The number in E.164 (+66812345678), or ValidationError if it is not a mobile number."""
    try:
        parsed = phonenumbers.parse(typed, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise ValidationError(
            _("Enter a mobile phone number, like 081 234 5678 or +66 81 234 5678"),
            code="invalid",
        )
    kind = phonenumbers.number_type(parsed)
    mobile = (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )
    if kind not in mobile:
        raise ValidationError(
            _("Enter a mobile phone number: we cannot send text messages to a landline"),
            code="not_mobile",
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile phone number"),
        max_length=30,
        error_messages={"required": _("Enter a mobile phone number")},
    )

    def clean_phone(self) -> str:
        return phone_e164(self.cleaned_data["phone"])


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        error_messages={
            "required": _("Enter an email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
        },
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=12,
        error_messages={"required": _("Enter the code we sent you")},
    )
