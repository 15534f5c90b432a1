"""Three-box dates: Thai digits, Buddhist-Era years, and a coded reason for each refusal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from onegate.pages.dateinput import read_date


def boxes(day: str, month: str, year: str) -> dict[str, str]:
    return {"when_day": day, "when_month": month, "when_year": year}


@pytest.mark.parametrize(
    ("typed", "date"),
    [
        (("27", "3", "1984"), dt.date(1984, 3, 27)),
        (("27", "3", "2527"), dt.date(1984, 3, 27)),  # the Buddhist Era, as on a Thai card
        (("๒๗", "๓", "๒๕๒๗"), dt.date(1984, 3, 27)),  # Thai digits
    ],
)
def test_a_date_is_read_whichever_way_it_is_typed(typed, date):
    assert read_date(boxes(*typed), "when", missing="missing") == date


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        (("", "", ""), "required"),
        (("27", "", "1984"), "incomplete"),
        (("27", "March", "1984"), "digits"),
        (("27", "3", "84"), "year"),
        (("31", "2", "1984"), "impossible"),
    ],
)
def test_each_refusal_says_why(typed, code):
    with pytest.raises(ValidationError) as refused:
        read_date(boxes(*typed), "when", missing="missing")
    assert refused.value.code == code
