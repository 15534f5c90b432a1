"""The vocabulary of machine-readable zones: formats, the check digit, the parsed result, errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import cycle
from operator import mul
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# How far ahead a two-digit expiry year may point; passports run 10 years, ID cards up to 20.
EXPIRY_YEARS_AHEAD = 20

FILLER = "<"
ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<")
# ICAO 9303 Part 3 §4.9: digits count as themselves, A-Z as 10-35, the filler as 0.
_VALUES = {char: int(char, 36) for char in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"} | {FILLER: 0}
_WEIGHTS = (7, 3, 1)


class MRZFormat(StrEnum):
    """The three ICAO 9303 layouts of a machine-readable zone."""

    TD1 = "TD1"  # identity cards: 3 lines of 30
    TD2 = "TD2"  # older identity cards: 2 lines of 36
    TD3 = "TD3"  # passport books: 2 lines of 44


SHAPES = {MRZFormat.TD1: (3, 30), MRZFormat.TD2: (2, 36), MRZFormat.TD3: (2, 44)}

FIELD_LABELS: Mapping[str, Promise] = {
    "document_code": _("document code"),
    "issuing_state": _("issuing state"),
    "document_number": _("document number"),
    "nationality": _("nationality"),
    "birth_date": _("date of birth"),
    "sex": _("sex"),
    "expiry_date": _("date of expiry"),
    "family_name": _("family name"),
    "given_names": _("given names"),
    "personal_number": _("personal number"),
    "optional_data": _("optional data"),
    "composite": _("whole zone (final check digit)"),
}


def check_digit(data: str) -> int:
    """The ICAO 9303 7-3-1 check digit of ``data``; ``ValueError`` for a character not allowed."""
    try:
        return sum(map(mul, map(_VALUES.__getitem__, data), cycle(_WEIGHTS))) % 10
    except KeyError as exc:
        raise ValueError(f"{exc.args[0]!r} cannot appear in an MRZ") from None


@dataclass(frozen=True)
class MRZProblem:
    """One thing wrong with an MRZ: the field it is in, a code for programs, a translated text."""

    field: str  # a MachineReadableZone attribute, "composite", "lines" or "line_<n>"
    code: str
    message: StrOrPromise
    params: Mapping[str, Any]

    def __str__(self) -> str:
        return str(self.message) % self.params


class MRZError(ValidationError):
    """An MRZ that cannot be read or accepted; ``problems`` lists each problem with its field."""

    def __init__(self, problems: Sequence[MRZProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__(
            [ValidationError(p.message, code=p.code, params=dict(p.params)) for p in self.problems]
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from the problems: ValidationError's own arguments are not ours.
        return (type(self), (self.problems,))

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields with a problem, in the order found."""
        return tuple(problem.field for problem in self.problems)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(problem.code for problem in self.problems)

    @property
    def field(self) -> str:
        """The field of the first problem."""
        return self.problems[0].field


def problem(
    field_name: str, error_code: str, message: StrOrPromise, /, **params: Any
) -> MRZProblem:
    return MRZProblem(field=field_name, code=error_code, message=message, params=params)


@dataclass(frozen=True, slots=True)
class CheckDigits:
    """Which check digits of an MRZ agree with their data (``personal_number`` only in TD3)."""

    document_number: bool
    birth_date: bool
    expiry_date: bool
    composite: bool
    personal_number: bool | None = None

    @property
    def failed(self) -> tuple[str, ...]:
        """The fields whose check digit failed, in the order they appear in the zone."""
        order = ("document_number", "birth_date", "expiry_date", "personal_number", "composite")
        return tuple(name for name in order if getattr(self, name) is False)


@dataclass(frozen=True, slots=True)
class MachineReadableZone:
    """An MRZ as read: its fields (codes and names as printed, fillers removed) and its checks."""

    format: MRZFormat
    document_code: str  # "P", "PO", "I", "ID", "AC", ...: the first letter is the document kind
    issuing_state: str
    document_number: str
    nationality: str
    birth_date: dt.date
    sex: str  # "F", "M" or "X" (unspecified)
    expiry_date: dt.date
    family_name: str  # the primary identifier; words separated by single spaces
    given_names: str  # the secondary identifier; empty when the holder has one name
    personal_number: str  # TD3 only
    optional_data: str  # TD1 and TD2: what follows the document number (and its overflow)
    optional_data_2: str  # TD1 only: the optional field of line 2
    checks: CheckDigits
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        """The zone as stored: its lines joined by newlines."""
        return "\n".join(self.lines)

    @property
    def long_document_number(self) -> bool:
        return len(self.document_number) > 9

    @property
    def name_may_be_truncated(self) -> bool:
        """Whether the name filled its whole field, the Doc 9303 sign that it may be cut short."""
        name_line = self.lines[2] if self.format is MRZFormat.TD1 else self.lines[0]
        return not name_line.endswith(FILLER)
