"""Writing an MRZ from fields: names in the MRZ alphabet, truncation, and every check digit."""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.utils.translation import gettext_lazy as _

from onegate.registries.identifiers import country_code_for_mrz, is_country_code
from onegate.registries.mrz.zone import (
    ALPHABET,
    FIELD_LABELS,
    FILLER,
    MRZError,
    check_digit,
    problem,
)

# Doc 9303 Part 3 §6 transliterations of Latin letters that are more than dropping a diacritic.
_LATIN = str.maketrans(
    {
        "Ä": "AE",
        "Å": "AA",
        "Æ": "AE",
        "Ĳ": "IJ",
        "Ö": "OE",
        "Ø": "OE",
        "Œ": "OE",
        "Ü": "UE",
        "Þ": "TH",
        "Ð": "D",
        "Đ": "D",
        "Ł": "L",
        "ẞ": "SS",
    }
)
# Hyphens and spaces separate name words (a filler); apostrophes and other punctuation vanish.
_SEPARATORS = str.maketrans(
    {" ": FILLER, "-": FILLER, "'": None, "\u2019": None, ",": None, ".": None}
)
_NAME_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ<")


def mrz_name(name: str, *, field_name: str = "family_name") -> str:
    """A name as the MRZ writes it: A-Z with ``<`` between words (``Müller-Lüdenscheidt`` →
    ``MUELLER<LUEDENSCHEIDT``). Raises ``MRZError`` for a name in another script."""
    text = name.upper().translate(_LATIN)
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(char for char in decomposed if not unicodedata.combining(char))
    words = [word for word in text.translate(_SEPARATORS).split(FILLER) if word]
    written = FILLER.join(words)
    if not _NAME_ALPHABET.issuperset(written):
        raise MRZError(
            [
                problem(
                    field_name,
                    "name_characters",
                    _(
                        "The %(field)s “%(value)s” has characters that cannot be written in a "
                        "machine-readable zone; give it in Latin letters."
                    ),
                    field=FIELD_LABELS[field_name],
                    value=name,
                )
            ]
        )
    return written


def _name_field(family_name: str, given_names: str, width: int) -> str:
    """The name field, truncated to ``width`` (Doc 9303 Part 3 §4.6: given names are cut first)."""
    primary = mrz_name(family_name, field_name="family_name")
    secondary = mrz_name(given_names, field_name="given_names")
    if not primary:  # a holder with one name has it as the primary identifier
        primary, secondary = secondary, ""
    text = primary + FILLER * 2 + secondary if secondary else primary
    if len(text) > width:
        # Cut at the width: a full field ending in a letter is Doc 9303's sign that the name may
        # be truncated. A cut that falls between words leaves fillers, dropped before padding.
        text = text[:width].rstrip(FILLER)
    return text.ljust(width, FILLER)


def _mrz_date(value: dt.date) -> str:
    return f"{value.year % 100:02d}{value.month:02d}{value.day:02d}"


def _mrz_sex(sex: str) -> str:
    if sex in ("F", "M"):
        return sex
    if sex in ("X", FILLER, ""):
        return FILLER
    raise MRZError(
        [
            problem(
                "sex",
                "sex",
                _("The sex must be F, M or X (unspecified), not “%(value)s”."),
                value=sex,
            )
        ]
    )


def _mrz_state(code: str, name: str) -> str:
    written = country_code_for_mrz(code.upper())
    if not is_country_code(written, allow_specimen=True):
        raise MRZError(
            [
                problem(
                    name,
                    "country_code",
                    _("The %(field)s “%(code)s” is not a known country code."),
                    field=FIELD_LABELS[name],
                    code=code,
                )
            ]
        )
    return written.ljust(3, FILLER)


def _code_field(value: str, name: str, width: int) -> str:
    """A document number or optional field: A-Z and 0-9, at most ``width`` characters."""
    text = value.upper().replace(" ", FILLER)
    if len(text) > width or not ALPHABET.issuperset(text):
        raise MRZError(
            [
                problem(
                    name,
                    "field_format",
                    _(
                        "The %(field)s “%(value)s” must be at most %(width)d letters A-Z "
                        "and digits."
                    ),
                    field=FIELD_LABELS[name],
                    value=value,
                    width=width,
                )
            ]
        )
    return text.ljust(width, FILLER)


def _with_check(text: str) -> str:
    return text + str(check_digit(text))


def compose_td3(
    *,
    document_number: str,
    issuing_state: str,
    nationality: str,
    family_name: str,
    given_names: str,
    birth_date: dt.date,
    sex: str,
    expiry_date: dt.date,
    personal_number: str = "",
    document_code: str = "P",
) -> str:
    """A passport's two 44-character MRZ lines, joined by a newline, with every check digit.

    Country codes may be ISO (``DEU`` is written ``D<<``); the specimen state ``UTO`` is allowed.
    """
    line1 = (
        _code_field(document_code, "document_code", 2)
        + _mrz_state(issuing_state, "issuing_state")
        + _name_field(family_name, given_names, 39)
    )
    personal = _code_field(personal_number, "personal_number", 14)
    personal_check = str(check_digit(personal)) if personal_number else FILLER
    head = _with_check(_code_field(document_number, "document_number", 9))
    middle = _with_check(_mrz_date(birth_date)) + _mrz_sex(sex)
    tail = _with_check(_mrz_date(expiry_date)) + personal + personal_check
    body = head + _mrz_state(nationality, "nationality") + middle + tail
    line2 = body + str(check_digit(head + middle[:7] + tail))
    return line1 + "\n" + line2


def compose_td1(
    *,
    document_number: str,
    issuing_state: str,
    nationality: str,
    family_name: str,
    given_names: str,
    birth_date: dt.date,
    sex: str,
    expiry_date: dt.date,
    optional_data: str = "",
    optional_data_2: str = "",
    document_code: str = "I",
) -> str:
    """An identity card's three 30-character MRZ lines, joined by newlines.

    A document number longer than 9 characters is written the Doc 9303 way: ``<`` in the
    check-digit slot, the rest of the number and its check digit at the start of the optional data.
    """
    number = _code_field(document_number, "document_number", 22).rstrip(FILLER)
    if len(number) > 9:
        # Doc 9303 Part 5: the overflow and its check digit, then a filler before other data.
        number_part = number[:9] + FILLER + number[9:] + str(check_digit(number)) + FILLER
    else:
        number_part = _with_check(number.ljust(9, FILLER))
    optional = _code_field(optional_data, "optional_data", 25 - len(number_part))
    line1 = (
        _code_field(document_code, "document_code", 2)
        + _mrz_state(issuing_state, "issuing_state")
        + number_part
        + optional
    )
    dates = _with_check(_mrz_date(birth_date)) + _mrz_sex(sex) + _with_check(_mrz_date(expiry_date))
    optional_2 = _code_field(optional_data_2, "optional_data", 11)
    composite = check_digit(line1[5:30] + dates[:7] + dates[8:] + optional_2)
    line2 = dates + _mrz_state(nationality, "nationality") + optional_2 + str(composite)
    line3 = _name_field(family_name, given_names, 30)
    return "\n".join((line1, line2, line3))
