"""Text, numbers and money, and the identifiers and contact details people type: each read into
its normalised JSON answer (a whole number, "1500.00" baht, a phone number in E.164, a national
ID number's 13 digits, a passport number in capitals), Thai digits accepted everywhere.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from onegate.core.languages import format_number
from onegate.definitions.language.model import AnyField
from onegate.pages.dateinput import THAI_DIGITS
from onegate.registries.identifiers import thai_national_id_normalise
from onegate.runner.codec import money_text
from onegate.runner.fields.base import Answer, Form, blank, field_kind, wrong


def character_count_texts() -> dict[str, Any]:
    """The messages of GOV.UK's character count, in the current language (it fills in
    ``%{count}`` itself)."""
    return {
        "textareaDescriptionText": _("You can enter up to %{count} characters"),
        "charactersUnderLimitText": {"other": _("You have %{count} characters remaining")},
        "charactersAtLimitText": _("You have 0 characters remaining"),
        "charactersOverLimitText": {"other": _("You have %{count} characters too many")},
    }


def _text_extra(one: Any, _answer: Answer, _form: Form) -> dict[str, Any]:
    if not one.max_length:
        return {"max_length": None}
    return {"max_length": one.max_length, "count_texts": character_count_texts()}


@field_kind("text", "long_text", extra=_text_extra)
def _read_text(one: Any, name: str, form: Form) -> Answer:
    raw = form.text(name)
    value = raw.replace("\r\n", "\n").strip()
    if not value:
        return blank(one, raw, _("Enter your answer to “%(label)s”"), form)
    if one.max_length and len(value) > one.max_length:
        message = _("“%(label)s” must be %(count)s characters or fewer")
        return wrong(one, raw, message, form, count=format_number(one.max_length))
    if one.min_length and len(value) < one.min_length:
        message = _("“%(label)s” must be %(count)s characters or more")
        return wrong(one, raw, message, form, count=format_number(one.min_length))
    return Answer(one, value=value, raw=raw)


_WHOLE_NUMBER = re.compile(r"[-+]?[0-9]{1,15}")


def _number_text(raw: str) -> str:
    return "".join(raw.translate(THAI_DIGITS).replace(",", "").split())


@field_kind("number")
def _read_number(one: Any, name: str, form: Form) -> Answer:
    raw = form.text(name)
    text = _number_text(raw)
    if not text:
        return blank(one, raw, _("Enter a number for “%(label)s”"), form)
    if not _WHOLE_NUMBER.fullmatch(text):
        return wrong(one, raw, _("“%(label)s” must be a whole number, like 12"), form)
    number = int(text)
    if one.min is not None and number < one.min:
        message = _("“%(label)s” must be %(number)s or more")
        return wrong(one, raw, message, form, number=format_number(one.min))
    if one.max is not None and number > one.max:
        message = _("“%(label)s” must be %(number)s or less")
        return wrong(one, raw, message, form, number=format_number(one.max))
    return Answer(one, value=number, raw=raw)


_AMOUNT = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,2})?")
_BAHT_WORDS = ("฿", "บาท", "baht", "thb")


def _amount_text(raw: str) -> str:
    text = raw.translate(THAI_DIGITS).casefold()
    for word in _BAHT_WORDS:
        text = text.replace(word, "")
    return "".join(text.replace(",", "").split())


@field_kind("money")
def _read_money(one: Any, name: str, form: Form) -> Answer:
    raw = form.text(name)
    text = _amount_text(raw)
    if not text:
        return blank(one, raw, _("Enter an amount in baht for “%(label)s”"), form)
    if not _AMOUNT.fullmatch(text):
        message = _("Enter the amount in baht, with up to 2 decimal places, like 1500 or 1500.50")
        return wrong(one, raw, message, form)
    amount = Decimal(text)
    if one.min is not None and amount < one.min:
        message = _("“%(label)s” must be ฿%(amount)s or more")
        return wrong(one, raw, message, form, amount=format_number(one.min))
    if one.max is not None and amount > one.max:
        message = _("“%(label)s” must be ฿%(amount)s or less")
        return wrong(one, raw, message, form, amount=format_number(one.max))
    return Answer(one, value=money_text(amount), raw=raw)


# --- identifiers and contact details ---------------------------------------------------------


@field_kind("email")
def _read_email(one: Any, name: str, form: Form) -> Answer:
    raw = form.text(name)
    value = raw.strip()
    if not value:
        return blank(one, raw, _("Enter an email address"), form)
    try:
        validate_email(value)
    except ValidationError:
        message = _("Enter an email address in the correct format, like name@example.com")
        return wrong(one, raw, message, form)
    return Answer(one, value=value, raw=raw)


def _phone_shown(_one: AnyField, value: Any, _form: Form) -> str:
    return phone_shown(value)


def phone_shown(value: Any) -> str:
    """A stored E.164 number as people write it: "081 234 5678" for a Thai one."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(str(value), "TH")
    except phonenumbers.NumberParseException:
        return str(value)
    national = phonenumbers.region_code_for_number(number) == "TH"
    style = phonenumbers.PhoneNumberFormat
    return phonenumbers.format_number(number, style.NATIONAL if national else style.INTERNATIONAL)


@field_kind("phone", show=_phone_shown)
def _read_phone(one: Any, name: str, form: Form) -> Answer:
    raw = form.text(name)
    text = raw.translate(THAI_DIGITS).strip()
    if not text:
        return blank(one, raw, _("Enter a phone number"), form)
    try:
        number = phonenumbers.parse(text, "TH")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        message = _("Enter a phone number, like 081 234 5678, or +33 6 12 34 56 78 from abroad")
        return wrong(one, raw, message, form)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return Answer(one, value=e164, raw=raw)


@field_kind("thai_id")
def _read_thai_id(one: Any, name: str, form: Form) -> Answer:
    raw = form.text(name)
    if not raw.strip():
        return blank(one, raw, _("Enter a 13-digit national ID number"), form)
    try:
        value = thai_national_id_normalise(raw)
    except ValidationError as error:
        return Answer(one, raw=raw, error=str(error.messages[0]))
    return Answer(one, value=value, raw=raw)


_PASSPORT = re.compile(r"[A-Z0-9]{6,12}")


@field_kind("passport_number")
def _read_passport(one: Any, name: str, form: Form) -> Answer:
    raw = form.text(name)
    value = "".join(raw.translate(THAI_DIGITS).replace("-", "").split()).upper()
    if not value:
        return blank(one, raw, _("Enter a passport number"), form)
    if not _PASSPORT.fullmatch(value):
        message = _("Enter the passport number as 6 to 12 letters and numbers, like AA1234567")
        return wrong(one, raw, message, form)
    return Answer(one, value=value, raw=raw)
