"""How a division's name, as people type it, is reduced to a key for matching.

People write the same place many ways: "จ.เชียงใหม่", "จังหวัดเชียงใหม่", "Chiang Mai", "chiangmai",
"อ.เมือง", "เขตพระนคร", "Khet Phra Nakhon", "กทม". A key drops the word for the level (in either
script and its short form), case, spaces, hyphens and dots, so all of these meet the stored name.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum


class Level(StrEnum):
    """The three levels of Thailand's administrative divisions."""

    PROVINCE = "province"
    DISTRICT = "district"
    SUB_DISTRICT = "sub_district"


# The words for each level that may lead (or, in English, trail) a typed name, longest first so
# "จังหวัด" is removed before "จ.". Thai short forms keep their dot: without it "ต" could be the
# first letter of a name.
_PREFIXES: dict[Level, tuple[str, ...]] = {
    Level.PROVINCE: ("จังหวัด", "จ.", "changwat ", "province of "),
    Level.DISTRICT: ("กิ่งอำเภอ", "อำเภอ", "เขต", "อ.", "amphoe ", "amphur ", "khet "),
    Level.SUB_DISTRICT: ("ตำบล", "แขวง", "ต.", "tambon ", "tambol ", "khwaeng "),
}
_SUFFIXES: dict[Level, tuple[str, ...]] = {
    Level.PROVINCE: (" province",),
    Level.DISTRICT: (" district",),
    Level.SUB_DISTRICT: (" sub-district", " subdistrict", " sub district"),
}
# Bangkok's everyday names, already reduced to keys ("กรุงเทพฯ" loses its ฯ).
BANGKOK_KEYS = frozenset({"กทม", "กรุงเทพ", "กรุงเทพมหานคร", "bangkok", "krungthep"})
_PUNCTUATION = re.compile(r"[\s\-.',()\u2019ฯ]+")  # u2019: the typographic apostrophe
# English spellings of the capital district's word that differ only by romanisation system.
_MUEANG_SPELLINGS = re.compile(r"^(?:muang|meuang|mueng)(?=\s|$)")


def name_key(text: str, level: Level) -> str:
    """The matching key of a typed name of a division at ``level``."""
    name = unicodedata.normalize("NFC", text).strip().casefold()
    for prefix in _PREFIXES[level]:
        if name.startswith(prefix):
            name = name[len(prefix) :].strip()
            break
    for suffix in _SUFFIXES[level]:
        if name.endswith(suffix):
            name = name[: -len(suffix)].strip()
            break
    name = _MUEANG_SPELLINGS.sub("mueang", name)
    return _PUNCTUATION.sub("", name)
