"""Thailand's administrative divisions: 77 provinces, their districts and sub-districts.

The data is DOPA's codes and names with Thailand Post's postcodes, as the ``geothai`` package on
PyPI publishes them (data CC BY 4.0, "GeoThai"; see ``onegate/registries/data/SOURCE.md``),
bundled here by ``python -m onegate.registries.divisions refresh <package>`` so nothing is
fetched at run time. These lookups read an in-memory index of the bundled file; the data
migration loads the same file into the database for the address foreign keys.
"""

from __future__ import annotations

from typing import Any

from pythainlp.util import collate

from onegate.registries.divisions.index import BANGKOK, Division, division_index
from onegate.registries.divisions.names import BANGKOK_KEYS, Level, name_key

__all__ = [
    "BANGKOK",
    "Division",
    "Level",
    "by_code",
    "choices",
    "data_source",
    "district",
    "districts_of",
    "find_district",
    "find_province",
    "find_sub_district",
    "province",
    "provinces",
    "sub_district",
    "sub_districts_by_postcode",
    "sub_districts_of",
]

_MUEANG_KEYS = frozenset({"เมือง", "mueang"})


def data_source() -> dict[str, Any]:
    """The bundled file's note: package, version, data release, licence and attribution."""
    return dict(division_index().source)


def by_code(code: str) -> Division | None:
    """The division with this DOPA code (two, four or six digits), if there is one."""
    return division_index().by_code.get(code.strip())


def _at_level(code: str, level: Level) -> Division | None:
    division = by_code(code)
    return division if division is not None and division.level == level else None


def province(code: str) -> Division | None:
    return _at_level(code, Level.PROVINCE)


def district(code: str) -> Division | None:
    return _at_level(code, Level.DISTRICT)


def sub_district(code: str) -> Division | None:
    return _at_level(code, Level.SUB_DISTRICT)


def provinces() -> list[Division]:
    """All 77 provinces, by code."""
    return list(division_index().children[""])


def districts_of(province_code: str) -> list[Division]:
    """The districts of a province, by code; empty for an unknown province."""
    if province(province_code) is None:
        return []
    return list(division_index().children.get(province_code.strip(), []))


def sub_districts_of(district_code: str) -> list[Division]:
    """The sub-districts of a district, by code; empty for an unknown district."""
    if district(district_code) is None:
        return []
    return list(division_index().children.get(district_code.strip(), []))


def sub_districts_by_postcode(postcode: str) -> list[Division]:
    """The sub-districts a postcode serves (often several, sometimes in two provinces)."""
    return list(division_index().by_postcode.get(postcode.strip(), []))


def find_province(name: str) -> Division | None:
    """The province a typed name means, in Thai or English, with or without "จังหวัด"."""
    key = name_key(name, Level.PROVINCE)
    if key in BANGKOK_KEYS:
        return province(BANGKOK)
    found = division_index().by_name.get(("", key), [])
    return found[0] if found else None


def find_district(province_code: str, name: str) -> Division | None:
    """The district of that name in that province; "อ.เมือง" alone means the capital district."""
    index = division_index()
    key = name_key(name, Level.DISTRICT)
    found = index.by_name.get((province_code, key), [])
    capital = province(province_code)
    if not found and key in _MUEANG_KEYS and capital is not None:
        capital_name = capital.name_en if key.isascii() else capital.name_th
        found = index.by_name.get((province_code, key + name_key(capital_name, Level.PROVINCE)), [])
    return found[0] if found else None


def find_sub_district(district_code: str, name: str) -> Division | None:
    """The sub-district of that name in that district (names repeat across districts)."""
    found = division_index().by_name.get((district_code, name_key(name, Level.SUB_DISTRICT)), [])
    return found[0] if found else None


def choices(divisions: list[Division], language: str) -> list[tuple[str, str]]:
    """``(code, name)`` pairs for a form's select, in the alphabetical order of ``language``."""
    names = [division.name(language) for division in divisions]
    order = {name: position for position, name in enumerate(collate(names))}
    ordered = sorted(divisions, key=lambda d: (order[d.name(language)], d.code))
    return [(division.code, division.name(language)) for division in ordered]
