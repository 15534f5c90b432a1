"""Addresses written out as lines, the way the house register and Thailand Post write them.

In Thai: "บ้านเลขที่ 99/1 หมู่ที่ 4 ซอย… ถนน…", then "ตำบล… อำเภอ…", then "จังหวัด… 50200";
Bangkok has แขวง and เขต instead of ตำบล and อำเภอ, and its name needs no จังหวัด. In English:
"99/1 Moo 4, Soi …, … Road", then "Sub-district, District", then "Province 50200". An address
abroad is its street lines, then town, region and postcode, then the country.

The words are part of the address in that language, not interface text, so they are constants
here rather than gettext messages: an English page can show an address in Thai and the other
way round.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from functools import cache

import pycountry

from onegate.registries import divisions
from onegate.registries.adapters.base import AddressRecord
from onegate.registries.constants import AddressKind
from onegate.registries.models import Address

__all__ = [
    "ROAD_SUFFIXES",
    "ROAD_WORDS",
    "SOI_WORDS",
    "address_lines",
    "country_name",
    "without_words",
]

_BANGKOK_TH = "กรุงเทพมหานคร"
# Words people type with a lane or road name; lines carry the formatter's own word instead.
SOI_WORDS = ("ซอย", "ซ.", "soi ")
ROAD_WORDS = ("ถนน", "ถ.")
ROAD_SUFFIXES = (" road", " rd.", " rd")


def without_words(raw: str, prefixes: tuple[str, ...], suffixes: tuple[str, ...] = ()) -> str:
    """The value without a leading (or trailing) word for it, such as "ซอย" or "Road"."""
    value = " ".join(raw.split())
    for prefix in prefixes:
        if len(value) > len(prefix) and value[: len(prefix)].casefold() == prefix:
            value = value[len(prefix) :].strip()
            break
    for suffix in suffixes:
        if len(value) > len(suffix) and value[-len(suffix) :].casefold() == suffix:
            value = value[: -len(suffix)].strip()
            break
    return value


@dataclass(frozen=True)
class _Printable:
    """The parts of an address the lines are made of, whichever form it came in."""

    kind: str
    house_number: str
    moo: str
    building: str
    soi: str
    road: str
    sub_district: dict[str, str]
    district: dict[str, str]
    province: dict[str, str]
    in_bangkok: bool
    postcode: str
    lines: str
    city: str
    region: str
    country: str


def address_lines(
    address: Address | AddressRecord, language: str | None, *, with_country: bool = False
) -> list[str]:
    """The address as lines in ``language`` ("th…" for Thai, anything else English).

    ``with_country`` adds "Thailand"/"ประเทศไทย" under a Thai address (an address abroad always
    ends with its country).
    """
    printable = (
        _from_record(address) if isinstance(address, AddressRecord) else _from_model(address)
    )
    thai = (language or "").startswith("th")
    if printable.kind == AddressKind.INTERNATIONAL:
        lines = _abroad_lines(printable, "th" if thai else "en")
    elif thai:
        lines = _thai_lines_th(printable) + (["ประเทศไทย"] if with_country else [])
    else:
        lines = _thai_lines_en(printable) + (["Thailand"] if with_country else [])
    return [line for line in lines if line]


def _names(division: divisions.Division | None) -> dict[str, str]:
    return {"en": division.name_en, "th": division.name_th} if division else {}


def _from_model(address: Address) -> _Printable:
    # The in-memory index names the divisions without a query; a code it does not know (test
    # data, or an abolished sub-district) falls back to the rows.
    code = address.sub_district_id or ""
    found = divisions.sub_district(code) if code else None
    if found is not None:
        sub, district = _names(found), _names(divisions.district(found.parent_code))
        province = _names(divisions.province(found.province_code))
    elif address.sub_district is not None:
        row = address.sub_district
        sub = {"en": row.name_en, "th": row.name_th}
        district = {"en": row.district.name_en, "th": row.district.name_th}
        province = {"en": row.district.province.name_en, "th": row.district.province.name_th}
    else:
        sub, district, province = {}, {}, {}
    return _printable(address, code, sub, district, province)


def _from_record(record: AddressRecord) -> _Printable:
    return _printable(
        record, record.sub_district_code, record.sub_district, record.district, record.province
    )


def _printable(
    source: Address | AddressRecord,
    code: str,
    sub: dict[str, str],
    district: dict[str, str],
    province: dict[str, str],
) -> _Printable:
    in_bangkok = code.startswith(divisions.BANGKOK) or province.get("th") == _BANGKOK_TH
    return _Printable(
        kind=source.kind,
        house_number=source.house_number,
        moo=source.moo,
        building=source.building,
        soi=source.soi,
        road=source.road,
        sub_district=sub,
        district=district,
        province=province,
        in_bangkok=in_bangkok,
        postcode=source.postcode,
        lines=source.lines,
        city=source.city,
        region=source.region,
        country=source.country,
    )


def _name(names: dict[str, str], language: str) -> str:
    """The name in ``language``, or in the other one when a record lacks it."""
    return names.get(language) or names.get("th" if language == "en" else "en") or ""


def _is_thai_script(text: str) -> bool:
    return bool(text) and "\u0e00" <= text[0] <= "\u0e7f"


def _thai_word(word: str, value: str) -> str:
    """``word`` before ``value`` as Thai writes it: joined to Thai script, spaced before Latin."""
    if not value or value.startswith(word):
        return value
    return word + value if _is_thai_script(value) else f"{word} {value}"


def _thai_lines_th(a: _Printable) -> list[str]:
    street = [
        f"บ้านเลขที่ {a.house_number}" if a.house_number else "",
        f"หมู่ที่ {a.moo}" if a.moo else "",
        a.building,
        _thai_word("ซอย", without_words(a.soi, SOI_WORDS)),
        _thai_word("ถนน", without_words(a.road, ROAD_WORDS, ROAD_SUFFIXES)),
    ]
    sub_word, district_word = ("แขวง", "เขต") if a.in_bangkok else ("ตำบล", "อำเภอ")
    area = [
        _thai_word(sub_word, _name(a.sub_district, "th")),
        _thai_word(district_word, _name(a.district, "th")),
    ]
    province = _name(a.province, "th")
    if not a.in_bangkok:
        province = _thai_word("จังหวัด", province)
    return [_joined(street, " "), _joined(area, " "), _joined([province, a.postcode], " ")]


def _thai_lines_en(a: _Printable) -> list[str]:
    soi, road = without_words(a.soi, SOI_WORDS), without_words(a.road, ROAD_WORDS, ROAD_SUFFIXES)
    street = [
        _joined([a.house_number, f"Moo {a.moo}" if a.moo else ""], " "),
        a.building,
        f"Soi {soi}" if soi else "",
        f"{road} Road" if road else "",
    ]
    area = [_name(a.sub_district, "en"), _name(a.district, "en")]
    return [
        _joined(street, ", "),
        _joined(area, ", "),
        _joined([_name(a.province, "en"), a.postcode], " "),
    ]


def _abroad_lines(a: _Printable, language: str) -> list[str]:
    street = [line.strip() for line in a.lines.splitlines()]
    locality = _joined([_joined([a.city, a.region], ", "), a.postcode], " ")
    return [*street, locality, country_name(a.country, language)]


def _joined(parts: list[str], separator: str) -> str:
    return separator.join(part for part in parts if part)


def country_name(alpha_3: str, language: str) -> str:
    """The country's everyday name in ``language`` ("th" or English); the code if unknown."""
    country = pycountry.countries.get(alpha_3=alpha_3.upper()) if len(alpha_3) == 3 else None
    if country is None:
        return alpha_3
    if language.startswith("th"):
        return _thai_country_names().gettext(country.name)
    return str(getattr(country, "common_name", None) or country.name)


@cache
def _thai_country_names() -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["th"], fallback=True)
