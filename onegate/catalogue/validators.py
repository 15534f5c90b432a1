"""Validation of translated text stored as data: ``{"en": ..., "th": ...}`` maps.

A text map must carry every supported language, each non-empty, and no other keys (a key such
as ``"tha"`` is a typo that would otherwise hide a missing translation). Keyword maps hold a list
of search words per language; a language may have no keywords but must still be present.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from onegate.core.languages import SUPPORTED

LANGUAGE_NAMES = {"en": _("English"), "th": _("Thai")}
KEYWORD_MAX_LENGTH = 100


def validate_text_map(value: Any) -> None:
    """A map with non-empty text in every supported language: ``{"en": "...", "th": "..."}``."""
    _check_languages(value)
    for language in SUPPORTED:
        text = value[language]
        if not isinstance(text, str) or not text.strip():
            raise ValidationError(
                _("The %(language)s text is empty."),
                code="empty",
                params={"language": LANGUAGE_NAMES[language]},
            )


def validate_keyword_map(value: Any) -> None:
    """A map of keyword lists for every supported language: ``{"en": ["..."], "th": []}``."""
    _check_languages(value)
    for language in SUPPORTED:
        words = value[language]
        if not isinstance(words, list) or not all(_is_keyword(word) for word in words):
            raise ValidationError(
                _(
                    "The %(language)s keywords must be a list of words or phrases, "
                    "each up to %(max)s characters."
                ),
                code="keywords",
                params={"language": LANGUAGE_NAMES[language], "max": KEYWORD_MAX_LENGTH},
            )


def _is_keyword(word: Any) -> bool:
    return isinstance(word, str) and 0 < len(word.strip()) <= KEYWORD_MAX_LENGTH


def _check_languages(value: Any) -> None:
    if not isinstance(value, dict):
        raise ValidationError(
            _('Give the text as a map of languages, for example {"en": ..., "th": ...}.'),
            code="not_a_map",
        )
    missing = [code for code in SUPPORTED if code not in value]
    if missing:
        raise ValidationError(
            _("The %(language)s text is missing."),
            code="missing",
            params={"language": LANGUAGE_NAMES[missing[0]]},
        )
    unknown = sorted(str(code) for code in value if code not in SUPPORTED)
    if unknown:
        raise ValidationError(
            _("Unknown language code %(code)s: use en and th."),
            code="unknown_language",
            params={"code": unknown[0]},
        )
