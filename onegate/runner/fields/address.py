"""Addresses: one in Thailand in its parts (house number, village or building, moo, soi, road,
sub-district, district, a province from the list, a postcode checked against them by the
registries' address rules), or one abroad in up to four lines and a country from the list.

``address_answer_lines`` writes any address a page shows — an answer, or an address from the
house register — as the lines a person reads, a country by its name in their language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache
from typing import Any

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from onegate.definitions.language.model import AnyField
from onegate.registries import divisions
from onegate.registries.adapters.base import AddressRecord
from onegate.registries.address_format import address_lines, country_name
from onegate.registries.addresses import AddressInput, address_validate
from onegate.registries.constants import AddressKind
from onegate.runner.fields.base import Answer, Form, field_kind

__all__ = ["address_answer_lines", "address_country_name"]

THAI_PARTS = (
    "house_number",
    "village",
    "moo",
    "soi",
    "road",
    "sub_district",
    "district",
    "province",
    "postcode",
)
ABROAD_PARTS = ("line_1", "line_2", "line_3", "line_4", "country")
ADDRESS_KINDS = ("thai", "international")
THAILAND = "THA"
LINE_LIMIT = 100
# The registries' names for the parts of an address, as this form names them.
_REGISTRY_PARTS = {"building": "village", "sub_district_code": "sub_district", "lines": "line_1"}


def _address_first(one: Any) -> str:
    return {"thai": "-house_number", "international": "-line_1"}.get(one.scope, "-kind")


def _address_shown(one: Any, value: Any, _form: Form) -> dict[str, str]:
    raw = dict.fromkeys(("kind", *THAI_PARTS, *ABROAD_PARTS), "")
    if not isinstance(value, Mapping):
        return raw
    raw["kind"] = str(value.get("kind") or "")
    for part in THAI_PARTS:
        raw[part] = str(value.get(part) or "")
    code = str(value.get("sub_district_code") or "")
    found = divisions.province(code[:2]) if code else divisions.find_province(raw["province"])
    raw["province"] = found.code if found else ""
    for number, line in enumerate(value.get("lines") or [], start=1):
        raw[f"line_{number}"] = str(line)
    raw["country"] = str(value.get("country") or "") if raw["kind"] == "international" else ""
    return raw


def _address_extra(one: Any, answer: Answer, form: Form) -> dict[str, Any]:
    kind_now = one.scope if one.scope != "any" else (answer.raw or {}).get("kind", "")
    return {
        "scope": one.scope,
        "kind": kind_now,
        "errors": dict(answer.errors),
        "provinces": divisions.choices(divisions.provinces(), form.language),
        "countries": list(_countries(form.language)),
    }


@field_kind("address", show=_address_shown, first=_address_first, extra=_address_extra)
def _read_address(one: Any, name: str, form: Form) -> Answer:
    raw = {part: form.text(f"{name}-{part}") for part in ("kind", *THAI_PARTS, *ABROAD_PARTS)}
    kind = one.scope if one.scope != "any" else raw["kind"]
    parts = {"thai": THAI_PARTS, "international": ABROAD_PARTS}.get(kind, tuple(raw))
    if not one.required and not any(raw[part].strip() for part in parts):
        return Answer(one, raw=raw)
    if kind not in ADDRESS_KINDS:
        message = _("Select whether the address is in Thailand or in another country")
        return Answer(one, raw=raw, error=message, errors={"kind": message})
    if kind == "thai":
        return _thai_address(one, raw, form)
    return _abroad_address(one, raw)


def _first_error(one: AnyField, raw: dict[str, str], errors: dict[str, str]) -> Answer:
    order = ("kind", *THAI_PARTS, *ABROAD_PARTS)
    ordered = {part: errors[part] for part in order if part in errors}
    return Answer(one, raw=raw, error=next(iter(ordered.values())), errors=ordered)


def _thai_address(one: AnyField, raw: dict[str, str], form: Form) -> Answer:
    errors: dict[str, str] = {}
    province = divisions.province(raw["province"]) if raw["province"] else None
    if raw["province"] and province is None:
        errors["province"] = _("Select the province from the list")
    if not raw["postcode"].strip():
        errors["postcode"] = _("Enter the postcode")
    given = AddressInput(
        house_number=raw["house_number"],
        moo=raw["moo"],
        building=raw["village"],
        soi=raw["soi"],
        road=raw["road"],
        province=province.name_th if province else "",
        district=raw["district"],
        sub_district=raw["sub_district"],
        postcode=raw["postcode"],
    )
    try:
        valid = address_validate(address=given)
    except ValidationError as error:
        for part, messages in error.message_dict.items():
            errors.setdefault(_REGISTRY_PARTS.get(part, part), str(messages[0]))
    if errors:
        return _first_error(one, raw, errors)
    code = valid.sub_district_code  # six digits: its district's and province's codes lead it
    sub_district, district, province_name = (
        _division_name(part, form.language) for part in (code, code[:4], code[:2])
    )
    value = {
        "kind": "thai",
        "house_number": valid.house_number,
        "village": valid.building,
        "moo": valid.moo,
        "soi": valid.soi,
        "road": valid.road,
        "sub_district": sub_district,
        "district": district,
        "province": province_name,
        "postcode": valid.postcode,
        "sub_district_code": valid.sub_district_code,
    }
    return Answer(one, value=value, raw=raw)


def _division_name(code: str, language: str) -> str:
    found = divisions.by_code(code)
    return found.name(language) if found else ""


def _abroad_address(one: AnyField, raw: dict[str, str]) -> Answer:
    errors: dict[str, str] = {}
    lines = [" ".join(raw[f"line_{n}"].split()) for n in range(1, 5)]
    lines = [line for line in lines if line]
    if not lines:
        errors["line_1"] = _("Enter the first line of the address")
    elif any(len(line) > LINE_LIMIT for line in lines):
        message = _("Each line of the address must be %(count)s characters or fewer")
        errors["line_1"] = message % {"count": LINE_LIMIT}
    country = raw["country"].strip().upper()
    if not country:
        errors["country"] = _("Select the country")
    elif country == THAILAND:
        errors["country"] = _("For an address in Thailand, choose “In Thailand” and give its parts")
    elif pycountry.countries.get(alpha_3=country) is None:
        errors["country"] = _("Select the country from the list")
    if errors:
        return _first_error(one, raw, errors)
    return Answer(one, value={"kind": "international", "lines": lines, "country": country}, raw=raw)


@cache
def _countries(language: str) -> tuple[tuple[str, str], ...]:
    """Every country but Thailand as (ISO alpha-3, name), by name in ``language``."""
    found = [
        (country.alpha_3, country_name(country.alpha_3, language))
        for country in pycountry.countries
        if country.alpha_3 != THAILAND
    ]
    return tuple(sorted(found, key=lambda item: item[1].casefold()))


# --- an address as lines to read -------------------------------------------------------------


def address_country_name(code: str, language: str) -> str:
    """A country of an address by its name in ``language`` ("FRA" → "France" / "ฝรั่งเศส");
    the code itself when it is not a country's."""
    return country_name(str(code or ""), language)


def address_answer_lines(value: Any, language: str) -> list[str]:
    """An address as the lines a person reads, in ``language``: an address field's answer (in
    Thailand, written as the house register writes it; abroad, its lines then the country's
    name) or an address from the house register (a prefilled fact). Empty when there is none.
    """
    if not value:
        return []
    if not isinstance(value, Mapping):
        return [str(value)]
    return address_lines(_record(value), language) or [str(part) for part in _parts(value)]


def _parts(value: Mapping[str, Any]) -> list[Any]:
    """Whatever text an address that cannot be written out holds, as a last resort."""
    return [part for part in value.values() if isinstance(part, str) and part]


def _names(code: str, given: Any) -> dict[str, str]:
    """A division's names in both languages: from its code, else as the address gives them."""
    found = divisions.by_code(code) if code else None
    if found is not None:
        return {"en": found.name_en, "th": found.name_th}
    if isinstance(given, Mapping):
        return {str(key): str(text) for key, text in given.items() if text}
    return {"en": str(given), "th": str(given)} if given else {}


def _record(value: Mapping[str, Any]) -> AddressRecord:
    """An answer or a register's address (as a fact holds it) in the registries' shape."""
    lines = value.get("lines") or ""
    if isinstance(lines, list | tuple):
        lines = "\n".join(str(line) for line in lines if line)
    code = str(value.get("sub_district_code") or "")
    international = value.get("kind") == AddressKind.INTERNATIONAL
    return AddressRecord(
        id="",
        person_id="",
        kind=AddressKind.INTERNATIONAL if international else AddressKind.THAI,
        house_number=str(value.get("house_number") or ""),
        moo=str(value.get("moo") or ""),
        building=str(value.get("building") or value.get("village") or ""),
        soi=str(value.get("soi") or ""),
        road=str(value.get("road") or ""),
        sub_district_code=code,
        sub_district=_names(code, value.get("sub_district")),
        district=_names(code[:4], value.get("district")),
        province=_names(code[:2], value.get("province")),
        postcode=str(value.get("postcode") or ""),
        lines=str(lines),
        city=str(value.get("city") or ""),
        region=str(value.get("region") or ""),
        country=str(value.get("country") or ""),
        valid_from=dt.date.min,
    )
