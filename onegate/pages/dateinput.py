"""Dates typed in three boxes (day, month, year), the GOV.UK date-input pattern, for every form.

Thai digits are read as digits and a year from 2400 on is taken as the Buddhist Era (2400 BE is
1857 CE, before anyone alive was born), because people here type either.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

BUDDHIST_ERA_OFFSET = 543
FIRST_BUDDHIST_YEAR_READ = 2400
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def date_box(max_length: int = 4) -> forms.CharField:
    """One box of a date; ``read_date`` checks the three together."""
    return forms.CharField(required=False, max_length=max_length, strip=True)


def read_date(data: dict[str, Any], prefix: str, *, missing: Any) -> dt.date:
    """The date typed in the ``<prefix>_day/_month/_year`` boxes, or a ``ValidationError``.

    Codes: ``required`` (nothing typed), ``incomplete``, ``digits``, ``year``, ``impossible``.
    """
    parts = [
        (data.get(f"{prefix}_{part}") or "").translate(THAI_DIGITS).strip()
        for part in ("day", "month", "year")
    ]
    if not any(parts):
        raise ValidationError(missing, code="required")
    if not all(parts):
        raise ValidationError(
            _("Enter a day, a month and a year, for example 27 3 1984"), code="incomplete"
        )
    if not all(part.isdigit() for part in parts):
        raise ValidationError(_("Enter the date in numbers, for example 27 3 1984"), code="digits")
    day, month, year = (int(part) for part in parts)
    if year >= FIRST_BUDDHIST_YEAR_READ:
        year -= BUDDHIST_ERA_OFFSET
    if year < 1900:
        raise ValidationError(_("Enter the year as 4 digits, for example 1984"), code="year")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValidationError(_("Enter a real date"), code="impossible") from None
