"""Reading an MRZ: slicing each layout into fields, checking them, and naming what is wrong."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onegate.registries.identifiers import SPECIMEN_STATE, is_country_code
from onegate.registries.mrz.zone import (
    ALPHABET,
    EXPIRY_YEARS_AHEAD,
    FIELD_LABELS,
    FILLER,
    SHAPES,
    CheckDigits,
    MachineReadableZone,
    MRZError,
    MRZFormat,
    MRZProblem,
    check_digit,
    problem,
)


@dataclass(frozen=True, slots=True)
class _Slots:
    """The raw fields of one layout, sliced out of its lines, before any interpretation."""

    document_code: str
    issuing_state: str
    number: str
    number_check: str
    nationality: str
    birth: str
    birth_check: str
    sex: str
    expiry: str
    expiry_check: str
    name: str
    optional: str
    optional_2: str
    personal_check: str  # TD3 only
    composite_data: str
    composite_check: str


def _slots_td1(lines: Sequence[str]) -> _Slots:
    first, second, third = lines
    return _Slots(
        document_code=first[0:2],
        issuing_state=first[2:5],
        number=first[5:14],
        number_check=first[14],
        optional=first[15:30],
        birth=second[0:6],
        birth_check=second[6],
        sex=second[7],
        expiry=second[8:14],
        expiry_check=second[14],
        nationality=second[15:18],
        optional_2=second[18:29],
        composite_data=first[5:30] + second[0:7] + second[8:15] + second[18:29],
        composite_check=second[29],
        name=third,
        personal_check="",
    )


def _slots_two_line(lines: Sequence[str]) -> _Slots:
    """TD2 and TD3 share one layout; only the widths of the name and optional fields differ."""
    first, second = lines
    end = len(second) - 1
    return _Slots(
        document_code=first[0:2],
        issuing_state=first[2:5],
        name=first[5:],
        number=second[0:9],
        number_check=second[9],
        nationality=second[10:13],
        birth=second[13:19],
        birth_check=second[19],
        sex=second[20],
        expiry=second[21:27],
        expiry_check=second[27],
        optional=second[28:end] if end == 35 else second[28:42],
        optional_2="",
        personal_check="" if end == 35 else second[42],
        composite_data=second[0:10] + second[13:20] + second[21:end],
        composite_check=second[end],
    )


def parse_mrz(
    text: str,
    *,
    strict: bool = True,
    allow_specimens: bool = False,
    today: dt.date | None = None,
) -> MachineReadableZone:
    """Read and check an MRZ (lines separated by newlines; surrounding blanks ignored).

    Raises ``MRZError`` listing every problem. With ``strict=False`` failed check digits are not
    problems; ``checks`` on the result records them.
    """
    lines = _split_lines(text)
    mrz_format = _format_of(lines)
    slots = _slots_td1(lines) if mrz_format is MRZFormat.TD1 else _slots_two_line(lines)
    number, optional, number_ok = _document_number(mrz_format, slots)
    checks = _check_digits(mrz_format, slots, document_number=number_ok)
    problems = _character_problems(lines)
    problems += _document_code_problems(mrz_format, slots.document_code)
    if strict:
        problems += [_check_problem(name) for name in checks.failed]
    birth, expiry = _dates(slots, problems, today=today or timezone.localdate())
    issuing_state = _country(slots.issuing_state, "issuing_state", problems, allow_specimens)
    nationality = _country(slots.nationality, "nationality", problems, allow_specimens)
    sex = _sex(slots.sex, problems)
    if problems or birth is None or expiry is None:  # a missing date is always a problem
        raise MRZError(problems)
    family_name, given_names = _names(slots.name)
    return MachineReadableZone(
        format=mrz_format,
        document_code=slots.document_code.rstrip(FILLER),
        issuing_state=issuing_state,
        document_number=number,
        nationality=nationality,
        birth_date=birth,
        sex=sex,
        expiry_date=expiry,
        family_name=family_name,
        given_names=given_names,
        personal_number=slots.optional.rstrip(FILLER) if mrz_format is MRZFormat.TD3 else "",
        optional_data="" if mrz_format is MRZFormat.TD3 else optional,
        optional_data_2=slots.optional_2.rstrip(FILLER),
        checks=checks,
        lines=tuple(lines),
    )


def _check_digits(mrz_format: MRZFormat, slots: _Slots, *, document_number: bool) -> CheckDigits:
    return CheckDigits(
        document_number=document_number,
        birth_date=_check_passes(slots.birth, slots.birth_check),
        expiry_date=_check_passes(slots.expiry, slots.expiry_check),
        composite=_check_passes(slots.composite_data, slots.composite_check),
        personal_number=(
            _personal_check_passes(slots.optional, slots.personal_check)
            if mrz_format is MRZFormat.TD3
            else None
        ),
    )


def _dates(
    slots: _Slots, problems: list[MRZProblem], *, today: dt.date
) -> tuple[dt.date | None, dt.date | None]:
    """The dates of birth and expiry, each in the century its rule gives (see the package doc)."""
    birth = _read_date(slots.birth, "birth_date", problems, latest=today)
    expiry = _read_date(
        slots.expiry, "expiry_date", problems, latest=_years_ahead(today, EXPIRY_YEARS_AHEAD)
    )
    if birth and expiry and expiry < birth:
        problems.append(_expiry_before_birth(birth, expiry))
    return birth, expiry


def _split_lines(text: str) -> list[str]:
    return [line.strip() for line in str(text).strip().splitlines() if line.strip()]


def _format_of(lines: Sequence[str]) -> MRZFormat:
    """The layout the lines are in, or an ``MRZError`` about their number or length."""
    if not lines:
        raise MRZError(
            [
                problem(
                    "lines",
                    "empty",
                    _(
                        "Enter the machine-readable zone: the 2 or 3 lines of letters, digits "
                        "and < at the bottom of the document's photo page."
                    ),
                )
            ]
        )
    if len(lines) == 3:
        mrz_format = MRZFormat.TD1
    elif len(lines) == 2:
        mrz_format = MRZFormat.TD3 if 44 in map(len, lines) else MRZFormat.TD2
        if not {36, 44} & set(map(len, lines)):
            raise MRZError([_two_line_length_problem(lines)])
    else:
        raise MRZError(
            [
                problem(
                    "lines",
                    "line_count",
                    _(
                        "A machine-readable zone has 2 lines (passports) or 3 lines (identity "
                        "cards); this one has %(count)d."
                    ),
                    count=len(lines),
                )
            ]
        )
    width = SHAPES[mrz_format][1]
    wrong = [
        problem(
            f"line_{number}",
            "line_length",
            _(
                "Line %(line)d of the machine-readable zone has %(length)d characters; "
                "a %(format)s line has %(expected)d."
            ),
            line=number,
            length=len(line),
            format=str(mrz_format),
            expected=width,
        )
        for number, line in enumerate(lines, start=1)
        if len(line) != width
    ]
    if wrong:
        raise MRZError(wrong)
    return mrz_format


def _two_line_length_problem(lines: Sequence[str]) -> MRZProblem:
    return problem(
        "line_1",
        "line_length",
        _(
            "Line %(line)d of the machine-readable zone has %(length)d characters; a two-line "
            "zone has lines of 44 characters (passports) or 36 (identity cards)."
        ),
        line=1,
        length=len(lines[0]),
    )


def _character_problems(lines: Sequence[str]) -> list[MRZProblem]:
    """The first character outside the MRZ alphabet on each line, if any."""
    problems = []
    for number, line in enumerate(lines, start=1):
        position = next((i for i, char in enumerate(line) if char not in ALPHABET), None)
        if position is not None:
            problems.append(
                problem(
                    f"line_{number}",
                    "illegal_character",
                    _(
                        "Line %(line)d of the machine-readable zone has “%(character)s” at "
                        "position %(position)d; only capital letters A-Z, digits 0-9 and < "
                        "can appear."
                    ),
                    line=number,
                    position=position + 1,
                    character=line[position],
                )
            )
    return problems


def _document_code_problems(mrz_format: MRZFormat, code: str) -> list[MRZProblem]:
    # Doc 9303: passport books (TD3) start with P; cards (TD1, TD2) with A, C or I. Visas (V) are
    # laid out differently and are not travel documents a register keeps.
    allowed = "P" if mrz_format is MRZFormat.TD3 else "ACI"
    if code[0] in allowed:
        return []
    return [
        problem(
            "document_code",
            "document_code",
            _(
                "A %(format)s machine-readable zone starts with %(allowed)s, not “%(code)s”: "
                "this is not a document of that kind."
            ),
            format=str(mrz_format),
            allowed="/".join(allowed),
            code=code.rstrip(FILLER),
        )
    ]


def _document_number(mrz_format: MRZFormat, slots: _Slots) -> tuple[str, str, bool]:
    """The document number, the optional data after it, and whether its check digit passes."""
    optional = slots.optional.rstrip(FILLER)
    long_number = (
        mrz_format is not MRZFormat.TD3
        and slots.number_check == FILLER
        and not slots.number.endswith(FILLER)
        and optional[:1] not in ("", FILLER)
    )
    if not long_number:
        number = slots.number.rstrip(FILLER)
        return number, optional, _check_passes(slots.number, slots.number_check)
    # Doc 9303 Parts 5/6: the overflow runs to the first filler; its last character is the check.
    overflow, _filler, rest = optional.partition(FILLER)
    number, check = slots.number + overflow[:-1], overflow[-1:]
    passes = _check_passes(number, check) or _check_passes(
        slots.number + FILLER + overflow[:-1], check
    )
    return number, rest.lstrip(FILLER), passes


def _check_passes(data: str, check: str) -> bool:
    try:
        return check.isdigit() and check_digit(data) == int(check)
    except ValueError:  # a character outside the alphabet: already reported
        return False


def _personal_check_passes(data: str, check: str) -> bool:
    if check == FILLER:
        return data.strip(FILLER) == ""
    return _check_passes(data, check)


def _check_problem(name: str) -> MRZProblem:
    return problem(
        name,
        "check_digit",
        _(
            "The check digit of the %(field)s does not match its data: a character in the "
            "machine-readable zone was probably misread or mistyped."
        ),
        field=FIELD_LABELS[name],
    )


def _years_ahead(today: dt.date, years: int) -> dt.date:
    return dt.date(today.year + years, 12, 31)


def _read_date(
    value: str, name: str, problems: list[MRZProblem], *, latest: dt.date
) -> dt.date | None:
    """A YYMMDD date in the latest century that keeps it on or before ``latest``."""
    if not (len(value) == 6 and value.isdigit() and value.isascii()):
        problems.append(
            problem(
                name,
                "date_format",
                _("The %(field)s “%(value)s” is not a date written as YYMMDD."),
                field=FIELD_LABELS[name],
                value=value,
            )
        )
        return None
    yy, month, day = int(value[0:2]), int(value[2:4]), int(value[4:6])
    year = latest.year - (latest.year - yy) % 100
    try:
        date = dt.date(year, month, day)
        return date if date <= latest else dt.date(year - 100, month, day)
    except ValueError:
        problems.append(
            problem(
                name,
                "impossible_date",
                _("The %(field)s “%(value)s” is not a real date (YYMMDD)."),
                field=FIELD_LABELS[name],
                value=value,
            )
        )
        return None


def _expiry_before_birth(birth: dt.date, expiry: dt.date) -> MRZProblem:
    return problem(
        "expiry_date",
        "expiry_before_birth",
        _("The date of expiry (%(expiry)s) is before the date of birth (%(birth)s)."),
        expiry=expiry.isoformat(),
        birth=birth.isoformat(),
    )


def _country(value: str, name: str, problems: list[MRZProblem], allow_specimens: bool) -> str:
    code = value.rstrip(FILLER)
    if is_country_code(code, allow_specimen=allow_specimens):
        return code
    if code == SPECIMEN_STATE:
        message = _(
            "The %(field)s is “%(code)s”, the state of ICAO's specimen documents; specimen "
            "documents are not accepted here."
        )
        problems.append(
            problem(name, "specimen_state", message, field=FIELD_LABELS[name], code=code)
        )
    else:
        message = _("The %(field)s “%(code)s” is not a known country code.")
        problems.append(
            problem(name, "country_code", message, field=FIELD_LABELS[name], code=value)
        )
    return code


def _sex(value: str, problems: list[MRZProblem]) -> str:
    if value in ("F", "M"):
        return value
    if value in (FILLER, "X"):
        return "X"
    problems.append(
        problem(
            "sex",
            "sex",
            _("The sex in the zone is “%(value)s”; it must be F, M, X or < (unspecified)."),
            value=value,
        )
    )
    return value


def _names(field_text: str) -> tuple[str, str]:
    """The primary and secondary identifiers; their words come back separated by single spaces."""
    primary, _separator, secondary = field_text.partition(FILLER * 2)
    return _words(primary), _words(secondary)


def _words(text: str) -> str:
    return " ".join(word for word in text.split(FILLER) if word)
