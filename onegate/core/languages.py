"""Language helpers: the supported languages, translated-text maps, and locale-aware formatting.

Thai dates use the Buddhist Era and Thai month names through pythainlp (Babel and Django's
``th`` formats print Gregorian years). Numbers follow each locale through Babel; times follow
GOV.UK style in English (2:30pm) and the 24-hour clock in Thai (14:30 น.).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from babel.numbers import format_decimal
from django.conf import settings
from django.utils import timezone, translation
from pythainlp.util import thai_strftime

ENGLISH = "en"
THAI = "th"
SUPPORTED = (ENGLISH, THAI)

# Each language's own name, shown in the language switch whatever the page's language.
NATIVE_NAMES = {ENGLISH: "English", THAI: "ไทย"}


def current_language() -> str:
    """The active language code, falling back to the default for anything we do not support."""
    code = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return code if code in SUPPORTED else settings.LANGUAGE_CODE


def pick(text: Mapping[str, str], language: str | None = None) -> str:
    """The text of a ``{"en": ..., "th": ...}`` map in the given (or current) language."""
    language = language or current_language()
    return text.get(language) or text.get(ENGLISH) or next(iter(text.values()), "")


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def format_date(value: dt.date | dt.datetime, language: str | None = None) -> str:
    """A date as people write it: '25 November 2026', or '25 พฤศจิกายน 2569' in Thai."""
    language = language or current_language()
    if isinstance(value, dt.datetime):
        value = _local(value)
    if language == THAI:
        moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
        return thai_strftime(moment, "%-d %B %Y")
    return f"{value.day} {value:%B %Y}"


def format_time_of_day(value: dt.datetime | dt.time, language: str | None = None) -> str:
    """A time: '2:30pm' in English (GOV.UK style), '14:30 น.' in Thai (24-hour clock)."""
    language = language or current_language()
    if isinstance(value, dt.datetime):
        value = _local(value)
    if language == THAI:
        return f"{value:%H:%M} น."
    hour = value.hour % 12 or 12
    return f"{hour}:{value:%M}{'am' if value.hour < 12 else 'pm'}"


def format_datetime(value: dt.datetime, language: str | None = None) -> str:
    """A date and time: '25 November 2026, 2:30pm' or '25 พฤศจิกายน 2569 เวลา 14:30 น.'."""
    language = language or current_language()
    local = _local(value)
    separator = " เวลา " if language == THAI else ", "
    return f"{format_date(local, language)}{separator}{format_time_of_day(local, language)}"


def format_number(value: int | float | Decimal, language: str | None = None) -> str:
    """A number with the locale's grouping and decimal marks."""
    return format_decimal(value, locale=language or current_language())
