"""ICAO Doc 9303 machine-readable zones: read and check TD1, TD2 and TD3 MRZs, and write them.

Hand-written rather than taken from PyPI: the ``mrz`` package there is GPL-3.0, which OneGate's
EUPL-1.2 cannot take in, and it refuses the long document numbers (more than nine characters) that
Belgian, Portuguese and other identity cards carry.

Reading — ``parse_mrz(text)`` returns a ``MachineReadableZone`` or raises ``MRZError`` listing
every problem, each naming its field: the wrong number of lines, a line of the wrong length, a
character outside ``A-Z 0-9 <``, each check digit that fails, impossible dates, unknown country
codes. ``strict=False`` tolerates failed check digits (the result's ``checks`` says which passed),
for showing a damaged document rather than registering it.

Rules worth knowing:

* Long document numbers (TD1 and TD2, Doc 9303 Parts 5 and 6): the check-digit slot holds ``<``,
  and the rest of the number and its check digit continue in the optional data. Belgian cards
  compute that check digit over the number with the ``<`` included, ICAO's example without it;
  either is accepted.
* An unused TD3 personal number may have ``<`` or ``0`` as its check digit.
* Two-digit years: a birth year is the latest one not in the future (``340712`` is 1934); an
  expiry year is the latest one at most ``EXPIRY_YEARS_AHEAD`` years ahead (``950712`` is 1995,
  ``340528`` is 2034), since no document is issued for longer.
* Sex ``<`` (unspecified) and ``X`` are both read as ``X``; the writer prints ``<``, which every
  reader accepts.
* Country codes are kept as printed (``D`` for Germany); ``identifiers.country_code_normalise``
  turns them into what the registers store. The specimen state ``UTO`` is refused unless
  ``allow_specimens=True``.

Writing — ``compose_td3(...)`` and ``compose_td1(...)`` make a valid MRZ from fields,
transliterating names to the MRZ alphabet (``mrz_name``) and truncating them as Doc 9303 Part 3
describes. The synthetic population generator calls them for every document it makes, so they
stay cheap (a few microseconds each).
"""

from onegate.registries.mrz.reading import parse_mrz
from onegate.registries.mrz.writing import compose_td1, compose_td3, mrz_name
from onegate.registries.mrz.zone import (
    EXPIRY_YEARS_AHEAD,
    FIELD_LABELS,
    CheckDigits,
    MachineReadableZone,
    MRZError,
    MRZFormat,
    MRZProblem,
    check_digit,
)

__all__ = [
    "EXPIRY_YEARS_AHEAD",
    "FIELD_LABELS",
    "CheckDigits",
    "MRZError",
    "MRZFormat",
    "MRZProblem",
    "MachineReadableZone",
    "check_digit",
    "compose_td1",
    "compose_td3",
    "mrz_name",
    "parse_mrz",
]
