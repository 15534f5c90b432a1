"""Addresses as people give them: checked against Thailand's divisions, and written out as lines.

``address_validate`` takes an ``AddressInput`` (a Thai address with a sub-district code or the
province, district and sub-district names, or an international one) and returns a
``ValidAddress`` or raises ``ValidationError`` with a translated message per field. The checks
read the in-memory divisions index, so they cost no query. ``address_lines`` (in
``onegate.registries.address_format``, re-exported here) writes an address the Thai way in Thai or
English.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from onegate.registries import divisions
from onegate.registries.address_format import (
    ROAD_SUFFIXES,
    ROAD_WORDS,
    SOI_WORDS,
    address_lines,
    without_words,
)
from onegate.registries.constants import AddressKind
from onegate.registries.divisions import Division

__all__ = ["AddressInput", "ValidAddress", "address_lines", "address_validate"]

THAILAND = "THA"
TEXT_LIMIT = 100  # the model's column size for building, soi, road, city and region
LINE_LIMIT = 4  # street lines of an international address, as on an envelope
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_HOUSE_NUMBER = re.compile(r"[0-9][0-9A-Za-zก-ฮ/\- ]{0,19}")
_POSTCODE_TH = re.compile(r"[0-9]{5}")
_POSTCODE_ABROAD = re.compile(r"[A-Za-z0-9][A-Za-z0-9 \-]{0,9}")
# Words people type before the value; the formatter adds its own.
_HOUSE_WORDS = ("บ้านเลขที่", "เลขที่", "no.", "no ")
_MOO_WORDS = ("หมู่ที่", "หมู่", "ม.", "moo", "village no.", "village")


@dataclass(frozen=True, kw_only=True)
class AddressInput:
    """An address as typed into a form or sent to the API, before any check.

    A Thai address names its sub-district by ``sub_district_code`` (DOPA, six digits) or by the
    ``province``, ``district`` and ``sub_district`` names (Thai or English); an international one
    has street ``lines``, ``city``, optional ``region`` and ``postcode``, and ``country`` (ISO
    3166-1 alpha-3).
    """

    kind: str = AddressKind.THAI
    house_number: str = ""
    moo: str = ""
    building: str = ""
    soi: str = ""
    road: str = ""
    sub_district_code: str = ""
    province: str = ""
    district: str = ""
    sub_district: str = ""
    postcode: str = ""
    lines: str = ""
    city: str = ""
    region: str = ""
    country: str = ""


@dataclass(frozen=True, kw_only=True)
class ValidAddress:
    """A checked address: the fields ``Address`` stores; the other kind's fields are empty."""

    kind: AddressKind
    house_number: str = ""
    moo: str = ""
    building: str = ""
    soi: str = ""
    road: str = ""
    sub_district_code: str = ""
    postcode: str = ""
    lines: str = ""
    city: str = ""
    region: str = ""
    country: str = THAILAND

    def model_fields(self) -> dict[str, Any]:
        """Keyword arguments for ``Address`` (its sub-district as ``sub_district_id``)."""
        fields = asdict(self)
        code = fields.pop("sub_district_code")
        return {**fields, "sub_district_id": code or None}


class _Errors:
    """Translated messages collected per field, raised together."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[ValidationError]] = {}

    def add(self, field: str, message: Any, error_code: str, /, **params: Any) -> None:
        error = ValidationError(message, code=error_code, params=params or None)
        self.by_field.setdefault(field, []).append(error)

    def raise_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def address_validate(*, address: AddressInput) -> ValidAddress:
    """The address checked and tidied, or ``ValidationError`` naming each field that is wrong."""
    build = _BUILDERS.get(address.kind)
    if build is None:
        message = _("Choose whether the address is in Thailand or abroad.")
        raise ValidationError({"kind": [ValidationError(message, code="unknown_kind")]})
    errors = _Errors()
    valid = build(address, errors)
    errors.raise_any()
    return valid


def _thai(data: AddressInput, errors: _Errors) -> ValidAddress:
    place = _sub_district(data, errors)
    return ValidAddress(
        kind=AddressKind.THAI,
        house_number=_house_number(data.house_number, errors),
        moo=_moo(data.moo, errors),
        building=_text(data.building, "building", errors),
        soi=_text(without_words(data.soi, SOI_WORDS), "soi", errors),
        road=_text(without_words(data.road, ROAD_WORDS, ROAD_SUFFIXES), "road", errors),
        sub_district_code=place.code if place else "",
        postcode=_thai_postcode(data.postcode, place, errors),
        country=_thai_country(data.country, errors),
    )


def _international(data: AddressInput, errors: _Errors) -> ValidAddress:
    lines = [line.strip() for line in data.lines.splitlines() if line.strip()]
    if not lines:
        errors.add("lines", _("Give the street address."), "lines_required")
    elif len(lines) > LINE_LIMIT:
        errors.add(
            "lines",
            _("Use at most %(limit)s lines for the street address."),
            "too_many_lines",
            limit=LINE_LIMIT,
        )
    elif any(len(line) > TEXT_LIMIT for line in lines):
        errors.add(
            "lines",
            _("Keep each line to %(limit)s characters or fewer."),
            "too_long",
            limit=TEXT_LIMIT,
        )
    city = _text(data.city, "city", errors)
    if not city:
        errors.add("city", _("Give the town or city."), "city_required")
    return ValidAddress(
        kind=AddressKind.INTERNATIONAL,
        lines="\n".join(lines),
        city=city,
        region=_text(data.region, "region", errors),
        postcode=_abroad_postcode(data.postcode, errors),
        country=_abroad_country(data.country, errors),
    )


_BUILDERS: dict[str, Callable[[AddressInput, _Errors], ValidAddress]] = {
    AddressKind.THAI: _thai,
    AddressKind.INTERNATIONAL: _international,
}


def _house_number(raw: str, errors: _Errors) -> str:
    value = without_words(raw.translate(_THAI_DIGITS), _HOUSE_WORDS)
    if not value:
        errors.add("house_number", _("Give the house number."), "house_number_required")
    elif not _HOUSE_NUMBER.fullmatch(value):
        errors.add(
            "house_number",
            _("A house number starts with a digit, like 99 or 99/1."),
            "house_number_invalid",
        )
    return value


def _moo(raw: str, errors: _Errors) -> str:
    value = without_words(raw.translate(_THAI_DIGITS), _MOO_WORDS)
    if value and not (value.isascii() and value.isdigit() and 0 < int(value) < 1000):
        errors.add("moo", _("The village number (moo) is a number, like 4."), "moo_invalid")
        return value
    return str(int(value)) if value else ""


def _text(raw: str, field: str, errors: _Errors) -> str:
    value = " ".join(raw.split())
    if len(value) > TEXT_LIMIT:
        errors.add(
            field, _("Keep this to %(limit)s characters or fewer."), "too_long", limit=TEXT_LIMIT
        )
    return value


def _sub_district(data: AddressInput, errors: _Errors) -> Division | None:
    code = data.sub_district_code.translate(_THAI_DIGITS).strip()
    if code:
        found = divisions.sub_district(code)
        if found is None:
            errors.add(
                "sub_district_code",
                _("There is no sub-district with the code %(code)s."),
                "unknown_sub_district_code",
                code=code,
            )
        else:
            _names_agree(data, found, errors)
        return found
    return _sub_district_by_names(data, errors)


def _sub_district_by_names(data: AddressInput, errors: _Errors) -> Division | None:
    """Province, then district within it, then sub-district within that: the first miss stops."""
    province = _province_named(data.province, errors)
    district = _district_named(province, data.district, errors) if province else None
    if province is None or district is None:
        return None
    return _sub_district_named(province, district, data.sub_district, errors)


def _province_named(name: str, errors: _Errors) -> Division | None:
    if not name.strip():
        errors.add("province", _("Choose the province."), "province_required")
        return None
    found = divisions.find_province(name)
    if found is None:
        errors.add(
            "province",
            _("There is no province called %(province)s."),
            "unknown_province",
            province=name.strip(),
        )
    return found


def _district_named(province: Division, name: str, errors: _Errors) -> Division | None:
    if not name.strip():
        errors.add("district", _("Choose the district."), "district_required")
        return None
    found = divisions.find_district(province.code, name)
    if found is None:
        errors.add(
            "district",
            _("There is no district called %(district)s in %(province)s."),
            "district_not_in_province",
            district=name.strip(),
            province=province.name(_language()),
        )
    return found


def _sub_district_named(
    province: Division, district: Division, name: str, errors: _Errors
) -> Division | None:
    if not name.strip():
        errors.add("sub_district", _("Choose the sub-district."), "sub_district_required")
        return None
    found = divisions.find_sub_district(district.code, name)
    if found is None:
        errors.add(
            "sub_district",
            _("There is no sub-district called %(sub_district)s in %(district)s, %(province)s."),
            "sub_district_not_in_district",
            sub_district=name.strip(),
            district=district.name(_language()),
            province=province.name(_language()),
        )
    return found


def _language() -> str:
    """The active language, for the division names put into a message."""
    return get_language() or "en"


def _names_agree(data: AddressInput, found: Division, errors: _Errors) -> None:
    """Names given beside a code must name the code's own divisions."""
    province_code, district_code = found.province_code, found.parent_code
    checks = (
        ("province", lambda name: divisions.find_province(name), province_code),
        ("district", lambda name: divisions.find_district(province_code, name), district_code),
        ("sub_district", lambda name: divisions.find_sub_district(district_code, name), found.code),
    )
    for field, find, expected in checks:
        name = getattr(data, field).strip()
        match = find(name) if name else None
        if name and (match is None or match.code != expected):
            errors.add(
                field,
                _("%(name)s does not match the sub-district code %(code)s."),
                "does_not_match_code",
                name=name,
                code=found.code,
            )


def _thai_postcode(raw: str, place: Division | None, errors: _Errors) -> str:
    value = "".join(raw.translate(_THAI_DIGITS).split())
    if value and not _POSTCODE_TH.fullmatch(value):
        errors.add("postcode", _("A Thai postcode is five digits, like 10200."), "postcode_invalid")
        return value
    if place is None:
        return value  # the sub-district's own error says what is wrong
    if not value and len(place.postcodes) == 1:
        return place.postcodes[0]
    names = {"sub_district": place.name(_language()), "postcodes": ", ".join(place.postcodes)}
    if not value:
        errors.add(
            "postcode",
            _("Give the postcode: %(sub_district)s has more than one (%(postcodes)s)."),
            "postcode_required",
            **names,
        )
    elif value not in place.postcodes:
        errors.add(
            "postcode",
            _("The postcode %(postcode)s is not used in %(sub_district)s: use %(postcodes)s."),
            "postcode_mismatch",
            postcode=value,
            **names,
        )
    return value


def _thai_country(raw: str, errors: _Errors) -> str:
    value = raw.strip().upper() or THAILAND
    if value != THAILAND:
        errors.add(
            "country",
            _(
                "An address in Thailand has the country Thailand; for another country, choose an "
                "address outside Thailand."
            ),
            "country_not_thailand",
        )
    return value


def _abroad_country(raw: str, errors: _Errors) -> str:
    # ISO 3166-1 only: the travel-document codes ``identifiers`` also accepts (stateless, UN
    # bodies, ICAO's specimen state) are not places a person lives.
    value = raw.strip().upper()
    if not value:
        errors.add("country", _("Choose the country."), "country_required")
    elif value == THAILAND:
        errors.add(
            "country",
            _(
                "This address is in Thailand: choose an address in Thailand and give its "
                "sub-district."
            ),
            "international_in_thailand",
        )
    elif len(value) != 3 or pycountry.countries.get(alpha_3=value) is None:
        errors.add(
            "country",
            _("%(country)s is not a country code: use three letters, like FRA for France."),
            "unknown_country",
            country=raw.strip(),
        )
    return value


def _abroad_postcode(raw: str, errors: _Errors) -> str:
    value = " ".join(raw.split()).upper()
    if value and not _POSTCODE_ABROAD.fullmatch(value):
        errors.add(
            "postcode",
            _("A postcode has at most 10 letters, digits, spaces or hyphens."),
            "postcode_invalid",
        )
    return value
