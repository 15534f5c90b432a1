"""Unique identifiers for generated people: national ID numbers, laser codes, passport numbers.

Uniqueness must hold across chunks generated independently (and across ``--append`` runs), so no
number is drawn at random and checked against the others. Instead each person has a global index
(their position in the population) and every serial part of their identifiers is a fixed
permutation of that index: distinct people get distinct serials by construction, and the
permutation spreads consecutive people over the whole range so numbers do not look sequential.

The permutations map onto serials that never start with 9; the named demo people
(``demo_people``) use serials that do, so generated and demo identifiers can never collide.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from stdnum.th import pin

DEMO_SERIAL_DIGIT = "9"

# The golden ratio's fractional part: multiplying by it scatters consecutive indexes widely.
_SPREAD = 0.6180339887498949
_OFFSET = 0.3819660112501051


@dataclass(frozen=True)
class Serials:
    """A bijection from ``0 … capacity-1`` onto ``width``-digit strings not starting with 9."""

    width: int
    multiplier: int
    offset: int

    @property
    def capacity(self) -> int:
        return 9 * 10 ** (self.width - 1)

    def __call__(self, index: int) -> str:
        if not 0 <= index < self.capacity:
            raise ValueError(f"index {index} is outside 0..{self.capacity - 1}")
        value = (self.multiplier * index + self.offset) % self.capacity
        return str(value).zfill(self.width)


@cache
def serials(width: int) -> Serials:
    """The serial permutation for ``width`` digits (an affine map with a multiplier coprime to
    the modulus 9·10^(width-1), whose only prime factors are 2, 3 and 5, hence bijective)."""
    capacity = 9 * 10 ** (width - 1)
    multiplier = int(capacity * _SPREAD)
    while math.gcd(multiplier, 30) != 1:
        multiplier += 1
    return Serials(width=width, multiplier=multiplier, offset=int(capacity * _OFFSET))


# The largest population the numbering supports: national ID serials have seven digits.
MAX_PEOPLE = serials(7).capacity


def national_id(*, category: str, office: str, index: int) -> str:
    """A Thai national ID number: person category, 4-digit registration office, 7-digit serial,
    check digit. ``category`` is 1 (born from 1984, registered in time), 2 (born from 1984,
    registered late), 3 (registered before 1984) or 8 (foreigner with permanent residence)."""
    first_twelve = category + office + serials(7)(index)
    return first_twelve + pin.calc_check_digit(first_twelve)


def laser_code(*, letters: str, index: int, card: int) -> str:
    """An ID card's laser code (two letters and ten digits); ``card`` numbers a person's cards."""
    return letters + serials(10)(index * 4 + card)


def document_serial(*, width: int, index: int) -> str:
    """The digits of a person's passport number (one passport per person and issuing state)."""
    return serials(width)(index)
