"""Documents and statuses of generated people: ID cards, passports, residence and arrivals.

* ID cards for citizens aged 7 and over: valid eight years, to the holder's birthday; lifelong
  (no expiry) when issued at 70 or over. About ``CARD_EXPIRED_SHARE`` were not renewed in time,
  and some people also have their previous card, marked replaced.
* Passports for about 15% of citizens (issued by THA, with the national ID number as the MRZ's
  personal number) and for every foreigner (issued by their own state), each with a TD3 MRZ
  composed by ``onegate.registries.mrz.compose_td3``. For demos, about ``PASSPORT_EXPIRED_SHARE``
  of Thai passports (and ``FOREIGN_EXPIRED_SHARE`` of foreign ones) have expired, and a few
  passports are reported lost (``PASSPORT_LOST_SHARE``) or cancelled
  (``PASSPORT_CANCELLED_SHARE``); a dead person's card and passport are cancelled.
* Residence: citizens from birth; permanent residents after years on a business visa; visa
  holders for a year at a time (a few let it lapse); visitors for their permitted stay.
* Arrival records for foreigners: their latest entry, on their current passport.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from onegate.registries.constants import CardStatus, DocumentStatus, DocumentType, ResidenceKind
from onegate.registries.generator import numbering
from onegate.registries.generator.households import VISA_BUSINESS
from onegate.registries.generator.people import YEAR, Draft
from onegate.registries.mrz import compose_td3

CARD_EXPIRED_SHARE = 0.03
CARD_REPLACED_SHARE = 0.2
THAI_PASSPORT_SHARE = {"child": 0.06, "adult": 0.19, "elderly": 0.07}
PASSPORT_EXPIRED_SHARE = 0.05
FOREIGN_EXPIRED_SHARE = 0.02
PASSPORT_LOST_SHARE = 0.004
PASSPORT_CANCELLED_SHARE = 0.002
VISA_LAPSED_SHARE = 0.02

# Thai passports run ten years for adults since 24 August 2019, five years before and for children.
_TEN_YEAR_PASSPORTS_FROM = dt.date(2019, 8, 24).toordinal()

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

# Passport number layouts: "@" is a random letter, "9" the next digit of the person's serial.
_PASSPORT_NUMBERS = {
    "THA": "A@9999999",
    "GBR": "999999999",
    "USA": "999999999",
    "AUS": "P@9999999",
    "DEU": "C@9999999",
    "FRA": "99@@99999",
    "JPN": "@@9999999",
    "CHN": "E99999999",
    "KOR": "M99999999",
    "IND": "@9999999",
    "MMR": "M@9999999",
    "LAO": "P9999999",
    "KHM": "N99999999",
    "VNM": "C9999999",
    "RUS": "999999999",
}
# Years an adult's passport runs (children's: five everywhere).
_PASSPORT_YEARS = {"MMR": 5, "LAO": 5}

_AIRPORTS = (
    ("Suvarnabhumi Airport", 55),
    ("Don Mueang Airport", 15),
    ("Phuket Airport", 15),
    ("Chiang Mai Airport", 10),
    ("Samui Airport", 5),
)
_LAND_BORDERS = {
    "MMR": ("Mae Sot Border Checkpoint", "Ranong Border Checkpoint"),
    "LAO": ("Nong Khai Border Checkpoint", "Mukdahan Border Checkpoint"),
    "KHM": ("Aranyaprathet Border Checkpoint", "Khlong Yai Border Checkpoint"),
}
_AIRPORT_NAMES = tuple(name for name, _weight in _AIRPORTS)
_AIRPORT_WEIGHTS = tuple(weight for _name, weight in _AIRPORTS)


def day(ordinal: int) -> dt.date:
    return dt.date.fromordinal(ordinal)


def birthday_in(born: int, year: int) -> int:
    """The ordinal of the holder's birthday in ``year`` (28 February for 29 February births)."""
    birth = dt.date.fromordinal(born)
    if birth.month == 2 and birth.day == 29:
        return dt.date(year, 2, 28).toordinal()
    return dt.date(year, birth.month, birth.day).toordinal()


@dataclass(frozen=True, slots=True)
class CardIssue:
    issued: int
    expires: int | None
    status: str


def id_cards(rng: random.Random, person: Draft, today: int) -> list[CardIssue]:
    """A citizen's cards, newest first (none under 7): the current one, maybe the one before."""
    eligible = person.born + int(7 * YEAR) + 1
    if person.died is None and today < eligible:
        return []
    end = person.died or today
    if end < eligible:
        return []
    expired = rng.random() < CARD_EXPIRED_SHARE
    back = (
        rng.randint(int(8 * YEAR) + 1, int(10 * YEAR)) if expired else rng.randint(0, int(8 * YEAR))
    )
    issued = max(eligible, end - back)
    cards = [CardIssue(issued, _card_expiry(person, issued), CardStatus.VALID.value)]
    if person.died is not None:
        cards[0] = CardIssue(issued, cards[0].expires, CardStatus.CANCELLED.value)
    previous = issued - rng.randint(int(6 * YEAR), int(8 * YEAR))
    if previous >= eligible and rng.random() < CARD_REPLACED_SHARE:
        cards.append(CardIssue(previous, issued, CardStatus.REPLACED.value))
    return cards


def _card_expiry(person: Draft, issued: int) -> int | None:
    if issued - person.born >= 70 * YEAR:
        return None
    return birthday_in(person.born, dt.date.fromordinal(issued).year + 8)


def card_letters(rng: random.Random) -> str:
    return rng.choice(_LETTERS) + rng.choice(_LETTERS)


# --- passports --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Passport:
    number: str
    issuing_state: str
    issued: int
    expires: int
    status: str


def wants_thai_passport(rng: random.Random, person: Draft, today: int) -> bool:
    age = (today - person.born) / YEAR
    group = "child" if age < 18 else "adult" if age < 65 else "elderly"
    return rng.random() < THAI_PASSPORT_SHARE[group]


def passport_number(rng: random.Random, state: str, index: int) -> str:
    layout = _PASSPORT_NUMBERS[state]
    digits = iter(numbering.document_serial(width=layout.count("9"), index=index))
    return "".join(
        rng.choice(_LETTERS) if mark == "@" else next(digits) if mark == "9" else mark
        for mark in layout
    )


def passport(rng: random.Random, person: Draft, *, issued: int) -> Passport:
    """The person's passport from their own state, issued on ``issued``."""
    state = person.nationality
    return Passport(
        number=passport_number(rng, state, person.index),
        issuing_state=state,
        issued=issued,
        expires=passport_expiry(person, state, issued),
        status=_passport_status(rng, person),
    )


def valid_issue(rng: random.Random, person: Draft, on: int) -> int:
    """An issue date that leaves a passport valid on ``on`` (for at least 200 more days)."""
    state = person.nationality
    years = _passport_years(person, state, on)
    earliest = min(on, person.born + 30)  # babies get theirs about a month old
    issued = max(earliest, on - rng.randint(0, max(0, int(years * YEAR) - 200)))
    if passport_expiry(person, state, issued) <= on + 200:  # issued under a shorter rule
        issued = max(earliest, on - rng.randint(0, int(4 * YEAR)))
    return issued


def expired_issue(rng: random.Random, person: Draft, today: int) -> int | None:
    """An issue date for a passport that expired before ``today`` (None: the person is too
    young to have had one)."""
    state = person.nationality
    issued = today - rng.randint(int(5 * YEAR) + 1, int(12 * YEAR))
    expires = passport_expiry(person, state, issued)
    if expires >= today:  # a ten-year passport: issue it earlier (its term can only shorten)
        issued -= expires - today + rng.randint(1, 365)
    return issued if issued > person.born + 30 else None


def passport_expiry(person: Draft, state: str, issued: int) -> int:
    return _add_years(issued, _passport_years(person, state, issued)) - 1


def _passport_years(person: Draft, state: str, issued: int) -> int:
    if issued - person.born < 20 * YEAR:
        return 5
    if state == "THA":
        return 10 if issued >= _TEN_YEAR_PASSPORTS_FROM else 5
    return _PASSPORT_YEARS.get(state, 10)


def _add_years(ordinal: int, years: int) -> int:
    date = dt.date.fromordinal(ordinal)
    try:
        return date.replace(year=date.year + years).toordinal()
    except ValueError:  # 29 February
        return date.replace(year=date.year + years, day=28).toordinal()


def _passport_status(rng: random.Random, person: Draft) -> str:
    if person.died is not None:
        return DocumentStatus.CANCELLED.value
    draw = rng.random()
    if draw < PASSPORT_LOST_SHARE:
        return DocumentStatus.LOST.value
    if draw < PASSPORT_LOST_SHARE + PASSPORT_CANCELLED_SHARE:
        return DocumentStatus.CANCELLED.value
    return DocumentStatus.VALID.value


def passport_mrz(person: Draft, document: Passport) -> str:
    return compose_td3(
        document_number=document.number,
        issuing_state=document.issuing_state,
        nationality=person.nationality,
        family_name=person.family_latin,
        given_names=person.given_latin,
        birth_date=dt.date.fromordinal(person.born),
        sex=person.sex,
        expiry_date=dt.date.fromordinal(document.expires),
        personal_number=(person.national_id or "") if person.nationality == "THA" else "",
    )


DOCUMENT_TYPE = DocumentType.PASSPORT.value


# --- residence and arrivals -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Residence:
    kind: str
    visa_type: str
    valid_from: int
    valid_until: int | None


def residence_history(
    rng: random.Random, person: Draft, today: int, arrived: int | None
) -> list[Residence]:
    """A person's residence statuses, oldest first; the last one is current (or lapsed)."""
    if person.residence == ResidenceKind.CITIZEN.value:
        return [Residence(ResidenceKind.CITIZEN.value, "", person.born, person.died)]
    first = arrived if arrived is not None else today
    if person.residence == ResidenceKind.PERMANENT_RESIDENT.value:
        granted = min(today, first + rng.randint(int(3 * YEAR), int(10 * YEAR)))
        return [
            Residence(ResidenceKind.VISA_HOLDER.value, VISA_BUSINESS, first, granted - 1),
            Residence(ResidenceKind.PERMANENT_RESIDENT.value, "", granted, None),
        ]
    if person.residence == ResidenceKind.VISITOR.value:
        return [Residence(ResidenceKind.VISITOR.value, "", first, first + visitor_stay(person))]
    return _visa_history(rng, person, today, first)


def _visa_history(rng: random.Random, person: Draft, today: int, first: int) -> list[Residence]:
    if rng.random() < VISA_LAPSED_SHARE and today - first > 400:
        start = today - rng.randint(380, 700)
    else:
        start = today - rng.randint(0, 330)
    start = max(first, start)
    current = Residence(ResidenceKind.VISA_HOLDER.value, person.visa_type, start, start + 364)
    if start - first < 30:
        return [current]
    return [Residence(ResidenceKind.VISA_HOLDER.value, person.visa_type, first, start - 1), current]


def visitor_stay(person: Draft) -> int:
    """Days a visitor may stay: 30 for Chinese visitors (the 2024 mutual exemption), else 60."""
    return 30 if person.nationality == "CHN" else 60


def port_of_entry(rng: random.Random, nationality: str) -> str:
    borders = _LAND_BORDERS.get(nationality)
    if borders and rng.random() < 0.7:
        return rng.choice(borders)
    return rng.choices(_AIRPORT_NAMES, weights=_AIRPORT_WEIGHTS)[0]
