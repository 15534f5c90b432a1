"""Search text: cleaning what people type, and cutting Thai into words.

Thai is written without spaces between words, so Thai text is segmented with pythainlp's
dictionary-based ``newmm`` engine, fed from a flat copy of its dictionary (``ThaiDictionary``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pythainlp.corpus import thai_words as thai_word_list
from pythainlp.tokenize.newmm import segment as newmm_segment
from pythainlp.util import normalize as thai_normalize

THAI_CHAR = re.compile(r"[\u0e00-\u0e7f]")
THAI_RUNS = re.compile(r"[\u0e00-\u0e7f]+|[^\u0e00-\u0e7f]+")
# Tone marks, mai taikhu and thanthakhat: often missing or misplaced when people type Thai.
THAI_MARKS = re.compile(r"[\u0e47-\u0e4c]")
NOT_SEARCHABLE = re.compile(r"[^\w\u0e00-\u0e7f]|_")
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# NFKC splits SARA AM into NIKHAHIT + SARA AA; Thai text and dictionaries use the single letter.
SARA_AM_SPLIT = "\u0e4d\u0e32"

# Left out of a query when it has other words; never removed from the indexed text.
STOP_WORDS = frozenset(
    {
        *("a", "an", "the", "to", "for", "of", "my", "our", "your", "i", "me", "we", "how"),
        *("do", "can", "in", "on", "at", "and", "or", "with", "is", "by", "from", "what"),
        *("การ", "ความ", "ที่", "ของ", "และ", "หรือ", "ใน", "ให้", "กับ", "ขอ", "ทำ", "อยาก"),
        *("ต้องการ", "เรื่อง", "วิธี", "ยังไง", "อย่างไร", "ได้", "จะ", "ครับ", "ค่ะ", "คะ", "หน่อย"),
    }
)


def clean(text: str) -> str:
    """Lower-case letters, digits and Thai, single-spaced; everything else removed."""
    text = unicodedata.normalize("NFKC", text).replace(SARA_AM_SPLIT, "\u0e33")
    text = NOT_SEARCHABLE.sub(" ", text.casefold().translate(THAI_DIGITS))
    if THAI_CHAR.search(text):
        text = thai_normalize(text)
    return " ".join(text.split())


def is_thai(text: str) -> bool:
    return bool(THAI_CHAR.search(text))


def without_marks(text: str) -> str:
    return THAI_MARKS.sub("", text)


class ThaiDictionary:
    """pythainlp's Thai word list held as flat sets, for the ``newmm`` word segmenter.

    pythainlp's own dictionary is a trie of about 430,000 small objects, and every full garbage
    collection then walks them all: about 50 ms per pass, in every web process. Strings and
    frozensets of strings are not tracked by the collector, so the same words held as sets cost
    it nothing (and take about 35 MB less memory). ``newmm`` only asks its dictionary for the
    words that start at a position in the text, which ``prefixes`` answers from the sets.
    """

    def __init__(self, words: frozenset[str]) -> None:
        self.words = words
        self.stems = frozenset(word[:end] for word in words for end in range(1, len(word)))

    def __bool__(self) -> bool:
        return True  # newmm swaps an empty dictionary for its default trie

    def prefixes(self, text: str, start: int = 0) -> list[str]:
        found = []
        for end in range(start + 1, len(text) + 1):
            piece = text[start:end]
            if piece in self.words:
                found.append(piece)
            if piece not in self.stems:
                break
        return found


@lru_cache(maxsize=1)
def thai_dictionary() -> ThaiDictionary:
    """Built once per process (about half a second), on the first Thai text searched or indexed."""
    return ThaiDictionary(frozenset(thai_word_list()))


@lru_cache(maxsize=4096)
def thai_words(text: str) -> tuple[str, ...]:
    """Thai text cut into words with pythainlp's dictionary-based ``newmm`` engine."""
    return tuple(word for word in newmm_segment(text, thai_dictionary()) if word.strip())  # type: ignore[arg-type]


def words(text: str) -> list[str]:
    """The words of cleaned text: Latin split on spaces, Thai runs segmented."""
    found: list[str] = []
    for chunk in text.split():
        for run in THAI_RUNS.findall(chunk):
            found.extend(thai_words(run) if is_thai(run) else [run])
    return found
