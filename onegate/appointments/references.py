"""Booking references people read out at a desk: ``AP-7KQ2-M9XC``, random with a check character.

Eight random characters from Crockford's base-32 alphabet (no I, L, O or U, so nothing is
mistaken for a digit) and a ninth computed with the Luhn mod N algorithm, which catches any
single mistyped character and most swaps of two neighbours before the database is asked.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "AP"
RANDOM_LENGTH = 8
# Letters people type for the ones the alphabet leaves out.
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})


def _check_character(body: str) -> str:
    """Luhn mod N over ``body``: doubling every second code point from the right."""
    base = len(ALPHABET)
    total = 0
    for position, character in enumerate(reversed(body)):
        value = ALPHABET.index(character)
        if position % 2 == 0:
            value *= 2
            value = value // base + value % base
        total += value
    return ALPHABET[(base - total % base) % base]


def reference_new() -> str:
    """A new random reference with its check character, e.g. ``AP-7KQ2-M9XC``."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    whole = body + _check_character(body)
    return f"{PREFIX}-{whole[:4]}-{whole[4:]}"


def reference_normalise(text: str) -> str | None:
    """The reference as stored, from what someone typed (any case, spaces, dashes), or None
    when it cannot be one (wrong length, a character outside the alphabet, a bad check)."""
    cleaned = "".join(text.upper().split()).replace("-", "").translate(_READ_AS)
    if cleaned.startswith(PREFIX):
        cleaned = cleaned[len(PREFIX) :]
    if len(cleaned) != RANDOM_LENGTH + 1 or any(c not in ALPHABET for c in cleaned):
        return None
    body, check = cleaned[:-1], cleaned[-1]
    if _check_character(body) != check:
        return None
    return f"{PREFIX}-{cleaned[:4]}-{cleaned[4:]}"
