"""Comparing names as people type them with names as the registers hold them.

People type names as printed on their card or passport: in Thai or Latin letters, in any case,
with or without a title (นาย, Mrs), with accents or without. Both sides are reduced to one form
before comparing, and only that: a name that is merely similar does not match.
"""

from __future__ import annotations

import re

from onegate.registries.adapters import PersonRecord
from onegate.registries.mrz import MRZError, mrz_name
from onegate.registries.search import name_key

_THAI = re.compile(r"[\u0E00-\u0E7F]")
_SPACES = re.compile(r"\s+")
# Titles printed before a name on Thai ID cards and that people often type; never part of it.
_THAI_TITLES = ("นางสาว", "เด็กชาย", "เด็กหญิง", "ด.ช.", "ด.ญ.", "นาย", "นาง", "น.ส.")
_LATIN_TITLES = ("MR", "MRS", "MISS", "MS", "MSTR")


def _thai_form(name: str) -> str:
    text = _SPACES.sub("", name.strip())
    for title in _THAI_TITLES:
        if text.startswith(title) and len(text) > len(title):
            return text[len(title) :]
    return text


def _latin_form(name: str) -> str:
    words = name_key(name).split()
    if len(words) > 1 and words[0] in _LATIN_TITLES:
        words = words[1:]
    return " ".join(words)


def is_thai(text: str) -> bool:
    return bool(_THAI.search(text))


def person_names_match(*, given: str, family: str, person: PersonRecord) -> bool:
    """Whether the typed names are the person's, in Thai script or in Latin letters."""
    if is_thai(given) or is_thai(family):
        return bool(person.given_name_th) and (
            _thai_form(given) == _thai_form(person.given_name_th)
            and _SPACES.sub("", family) == _SPACES.sub("", person.family_name_th)
        )
    return _latin_form(given) == _latin_form(person.given_name_latin) and _latin_form(
        family
    ) == _latin_form(person.family_name_latin)


def document_name(name: str) -> str | None:
    """A name in the machine-readable zone's letters (``Müller`` → ``MUELLER``); None if it has
    letters the zone cannot hold (a Thai name typed where the passport's Latin one belongs)."""
    try:
        return mrz_name(name)
    except MRZError:
        return None


def document_names_match(*, typed: str, printed: str, may_be_truncated: bool = False) -> bool:
    """Whether a typed name is the one printed on a travel document.

    Either spelling of an accented name is accepted: as the zone writes it (``MUELLER``) or with
    the accents left off (``MULLER``). A name read from a machine-readable zone that filled its
    whole field may have been cut short (ICAO 9303 truncates long names), so then a prefix of
    the printed name is enough.
    """
    mine, theirs = document_name(typed), document_name(printed)
    if not mine or theirs is None:
        return False
    if may_be_truncated:
        return theirs.startswith(mine.rstrip("<"))
    plain = name_key(typed).replace(" ", "<") == name_key(printed).replace(" ", "<")
    return mine == theirs or plain
