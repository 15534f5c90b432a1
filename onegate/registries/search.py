"""Name search over the population register: prefix matching on Thai names and Latin-script keys.

Latin names are searched through upper-cased, accent-free keys (``name_key``) so "Müller",
"muller" and "MULLER" meet; Thai names are matched as written. Every word typed must start one of
the person's names (given or family), in any order, so "somchai jai" and "Jaidee Somchai" both
find Somchai Jaidee. Prefix conditions use indexes on both databases' terms (see the model).
"""

from __future__ import annotations

import re
import unicodedata
from functools import reduce
from operator import and_

from django.db.models import Q, QuerySet

_THAI = re.compile(r"[\u0E00-\u0E7F]")
_NOT_KEY = re.compile(r"[^A-Z0-9 ]+")
_SPACES = re.compile(r"\s+")

MIN_WORD_LENGTH = 2
MAX_WORDS = 4


def name_key(text: str) -> str:
    """The search key of a Latin-script name: no accents, upper case, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", _NOT_KEY.sub(" ", plain.upper())).strip()


def search_words(text: str) -> list[str]:
    """The words of a typed name worth searching on (at most ``MAX_WORDS``, each long enough)."""
    words = [word for word in _SPACES.split(text.strip()) if word]
    return [word for word in words if len(word) >= MIN_WORD_LENGTH][:MAX_WORDS]


def _word_condition(word: str) -> Q:
    if _THAI.search(word):
        return Q(given_name_th__startswith=word) | Q(family_name_th__startswith=word)
    key = name_key(word)
    if not key:
        return Q(pk__in=[])
    # Only prefixes of the whole key: a "contains" branch would defeat the indexes at scale.
    return Q(given_key__startswith=key) | Q(family_key__startswith=key)


def name_condition(text: str) -> Q | None:
    """People whose names start with every word typed (None: no usable word)."""
    words = search_words(text)
    if not words:
        return None
    return reduce(and_, (_word_condition(word) for word in words))


def people_matching(queryset: QuerySet, *, name: str) -> QuerySet:
    condition = name_condition(name)
    return queryset.none() if condition is None else queryset.filter(condition)
