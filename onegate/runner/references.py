"""Application references people read out and type: ``7KQ2-M9XD-4TR8``, random, with a check.

Eleven random characters from Crockford's base-32 alphabet (no I, L, O or U, so nothing is
taken for a digit) and a twelfth computed with the Luhn mod 32 algorithm (``stdnum.luhn`` with
that alphabet). The check catches every single mistyped character and every swap of two
neighbours except "0" with "Z" (the one pair Luhn mod 32 cannot tell apart), so a slip is
refused before the database is asked.
"""

from __future__ import annotations

import secrets

from stdnum import luhn

from onegate.runner.constants import REFERENCE_ALPHABET, REFERENCE_RANDOM_CHARS

GROUP = 4
LENGTH = REFERENCE_RANDOM_CHARS + 1
# Letters people type for the digits they look like.
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def _grouped(characters: str) -> str:
    return "-".join(characters[i : i + GROUP] for i in range(0, len(characters), GROUP))


def reference_new() -> str:
    """A new random reference with its check character, e.g. ``7KQ2-M9XD-4TR8``."""
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_RANDOM_CHARS))
    return _grouped(body + luhn.calc_check_digit(body, alphabet=REFERENCE_ALPHABET))


def reference_normalise(text: str) -> str | None:
    """The reference as stored, from what someone typed (any case, spaces, hyphens, O for 0,
    I or L for 1); None when it cannot be one (length, a character outside the alphabet, the
    check character)."""
    cleaned = "".join((text or "").upper().split()).replace("-", "").translate(_READ_AS)
    if len(cleaned) != LENGTH or any(c not in REFERENCE_ALPHABET for c in cleaned):
        return None
    if not luhn.is_valid(cleaned, alphabet=REFERENCE_ALPHABET):
        return None
    return _grouped(cleaned)
