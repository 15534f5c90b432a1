"""Identifiers the registries accept: Thai national ID numbers, ID-card laser codes, country codes.

Each ``*_normalise`` function takes what a person or an upstream system typed and returns the one
canonical form the registers store, or raises a translated ``ValidationError`` saying what is
wrong. The ``validate_*`` callables and ``CountryCodeValidator`` wrap them for model and form
fields.

Thai national ID numbers (13 digits, the last a check digit) are checked with python-stdnum's
``stdnum.th.pin``, which also refuses a first digit of 0 or 9: no person category starts with them.

Country codes are ISO 3166-1 alpha-3 (from pycountry) plus the codes ICAO Doc 9303 Part 3 adds
for machine-readable zones: ``D`` for Germany, the British nationality classes (GBD, GBN, GBO,
GBP, GBS), the United Nations (UNO, UNA, UNK), other issuing organisations (XBA, XCC, XOM, XPO
and more), stateless persons and refugees (XXA, XXB, XXC), unspecified nationality (XXX) and the
European Union (EUE). ``RKS`` is not an ICAO code but is what Kosovo prints in its passports, so
it is accepted too. ``UTO`` ("Utopia") is the state of ICAO's specimen documents: it is refused
unless the caller passes ``allow_specimen=True`` — tests and the MRZ writer do, the registers
never do, so a specimen passport cannot end up on a person's record.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pycountry
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.th import pin

__all__ = [
    "ICAO_CODES",
    "SPECIMEN_STATE",
    "CountryCodeValidator",
    "country_code_for_mrz",
    "country_code_normalise",
    "country_name",
    "is_country_code",
    "laser_code_normalise",
    "thai_national_id_normalise",
    "validate_country_code",
    "validate_laser_code",
    "validate_thai_national_id",
]

# Thai digits typed on a Thai keyboard mean the same as 0-9.
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")

NATIONAL_ID_LENGTH = 13

_NOT_DIGITS = _(
    "A Thai national ID number is made of digits only (spaces and dashes between them are fine)."
)
_WRONG_LENGTH = _("A Thai national ID number has 13 digits; this one has %(length)d.")
_FIRST_DIGIT = _("A Thai national ID number never starts with %(digit)s.")
_BAD_CHECK_DIGIT = _(
    "This is not a valid Thai national ID number: its last digit (the check digit) does not "
    "match the others. Check for a mistyped digit."
)


def thai_national_id_normalise(value: str) -> str:
    """The 13 digits of a Thai national ID number typed with or without spaces and dashes."""
    number = pin.compact(str(value).translate(_THAI_DIGITS))
    if not number.isdigit() or not number.isascii():
        raise ValidationError(_NOT_DIGITS, code="format")
    try:
        return pin.validate(number)
    except stdnum_errors.InvalidLength:
        raise ValidationError(
            _WRONG_LENGTH, code="length", params={"length": len(number)}
        ) from None
    except stdnum_errors.InvalidComponent:
        raise ValidationError(
            _FIRST_DIGIT, code="first_digit", params={"digit": number[0]}
        ) from None
    except stdnum_errors.InvalidChecksum:
        raise ValidationError(_BAD_CHECK_DIGIT, code="check_digit") from None


def validate_thai_national_id(value: str) -> None:
    """Django validator: ``value`` must be a valid Thai national ID number."""
    thai_national_id_normalise(value)


# Laser code on the back of a Thai ID card: 2 letters and 10 digits, printed "JT0-1234567-89".
_LASER_CODE = re.compile(r"[A-Z]{2}[0-9]{10}")
_LASER_SEPARATORS = str.maketrans("", "", " -")


def laser_code_normalise(value: str) -> str:
    """A laser code as 12 characters (``JT0123456789``), from ``jt0-1234567-89`` or similar."""
    code = str(value).upper().translate(_LASER_SEPARATORS).translate(_THAI_DIGITS)
    if not _LASER_CODE.fullmatch(code):
        raise ValidationError(
            _(
                "A laser code is 2 letters and 10 digits, as printed on the back of the ID card, "
                "for example JT0-1234567-89; “%(value)s” is not."
            ),
            code="laser_code",
            params={"value": value},
        )
    return code


def validate_laser_code(value: str) -> None:
    """Django validator: ``value`` must be an ID-card laser code."""
    laser_code_normalise(value)


SPECIMEN_STATE = "UTO"

# ICAO Doc 9303 Part 3 codes that are not ISO 3166-1 alpha-3, with their English names.
ICAO_CODES: dict[str, str] = {
    "D": "Germany",
    "EUE": "European Union",
    "GBD": "British Overseas Territories Citizen",
    "GBN": "British National (Overseas)",
    "GBO": "British Overseas Citizen",
    "GBP": "British Protected Person",
    "GBS": "British Subject",
    "UNO": "United Nations Organization",
    "UNA": "Specialized agency of the United Nations",
    "UNK": "United Nations Interim Administration Mission in Kosovo",
    "XBA": "African Development Bank",
    "XCC": "Caribbean Community (CARICOM)",
    "XCE": "Council of Europe",
    "XCO": "Common Market for Eastern and Southern Africa (COMESA)",
    "XDC": "Southern African Development Community",
    "XEC": "Economic Community of West African States (ECOWAS)",
    "XES": "Organisation of Eastern Caribbean States",
    "XIM": "African Export-Import Bank",
    "XMP": "Parliamentary Assembly of the Mediterranean",
    "XOM": "Sovereign Military Order of Malta",
    "XPO": "International Criminal Police Organization (INTERPOL)",
    "XXA": "Stateless person",
    "XXB": "Refugee (1951 Convention)",
    "XXC": "Refugee (other)",
    "XXX": "Unspecified nationality",
    "RKS": "Kosovo",
}
_MRZ_ONLY_ALIASES = {"D": "DEU"}  # codes that stand for an ISO country, stored as the ISO code
_MRZ_SPELLINGS = {iso: mrz for mrz, iso in _MRZ_ONLY_ALIASES.items()}
_SPECIMEN_NAME = "Utopia (ICAO specimen state)"


@cache
def _iso_names() -> dict[str, str]:
    """ISO 3166-1 alpha-3 codes with their everyday English names, loaded once."""
    return {
        country.alpha_3: getattr(country, "common_name", None) or country.name
        for country in pycountry.countries
    }


def is_country_code(code: str, *, allow_specimen: bool = False) -> bool:
    """Whether ``code`` (upper case, no fillers) is a code a travel document may carry."""
    if code == SPECIMEN_STATE:
        return allow_specimen
    return code in ICAO_CODES or code in _iso_names()


def country_code_normalise(value: str, *, allow_specimen: bool = False) -> str:
    """The code the registers store for ``value``: ISO alpha-3 where one exists (``D`` → ``DEU``).

    Accepts lower case and MRZ fillers (``D<<``); raises a ``ValidationError`` naming the code.
    """
    code = str(value).strip().upper().rstrip("<")
    if code == SPECIMEN_STATE and not allow_specimen:
        raise ValidationError(
            _(
                "“%(code)s” is the state of ICAO's specimen documents; specimen documents "
                "are not accepted here."
            ),
            code="specimen_state",
            params={"code": code},
        )
    if not is_country_code(code, allow_specimen=allow_specimen):
        raise ValidationError(
            _(
                "“%(code)s” is not a country code. Use the 3-letter ISO 3166-1 code, "
                "for example THA for Thailand."
            ),
            code="country_code",
            params={"code": value},
        )
    return _MRZ_ONLY_ALIASES.get(code, code)


def country_code_for_mrz(code: str) -> str:
    """How a stored country code is written in an MRZ, without fillers (``DEU`` → ``D``)."""
    return _MRZ_SPELLINGS.get(code, code)


def country_name(code: str) -> str:
    """The English name of a country or ICAO code (``THA`` → ``Thailand``; ``XXA`` → stateless).

    Raises a ``ValidationError`` for a code that is neither.
    """
    normalised = country_code_normalise(code, allow_specimen=True)
    if normalised == SPECIMEN_STATE:
        return _SPECIMEN_NAME
    return _iso_names().get(normalised) or ICAO_CODES[normalised]


def validate_country_code(value: str) -> None:
    """Django validator: ``value`` must be a country code a real travel document may carry."""
    country_code_normalise(value)


@deconstructible
class CountryCodeValidator:
    """Django validator for country codes; ``allow_specimen=True`` also accepts ``UTO``."""

    def __init__(self, *, allow_specimen: bool = False) -> None:
        self.allow_specimen = allow_specimen

    def __call__(self, value: str) -> None:
        country_code_normalise(value, allow_specimen=self.allow_specimen)

    def __eq__(self, other: Any) -> bool:
        return (
            isinstance(other, CountryCodeValidator) and other.allow_specimen == self.allow_specimen
        )

    def __hash__(self) -> int:
        return hash((type(self), self.allow_specimen))
