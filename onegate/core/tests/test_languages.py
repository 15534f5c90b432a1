"""Dates, times and numbers in each language: Thai dates in the Buddhist Era with Thai months."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from onegate.core import languages


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [
        (dt.date(2026, 11, 25), "en", "25 November 2026"),
        (dt.date(2026, 11, 25), "th", "25 พฤศจิกายน 2569"),
        (dt.date(2024, 2, 29), "th", "29 กุมภาพันธ์ 2567"),
        (dt.date(2027, 1, 1), "th", "1 มกราคม 2570"),
    ],
)
def test_dates_use_the_buddhist_era_and_thai_month_names_in_thai(value, language, expected):
    assert languages.format_date(value, language) == expected


def test_aware_datetimes_are_shown_in_bangkok_time():
    # 20:30 UTC on 31 December is already 1 January in Bangkok (UTC+7).
    moment = dt.datetime(2026, 12, 31, 20, 30, tzinfo=dt.UTC)
    assert languages.format_datetime(moment, "en") == "1 January 2027, 3:30am"
    assert languages.format_datetime(moment, "th") == "1 มกราคม 2570 เวลา 03:30 น."


def test_times_follow_each_language():
    afternoon = dt.datetime(2026, 11, 25, 14, 5, tzinfo=ZoneInfo("Asia/Bangkok"))
    midnight = dt.datetime(2026, 11, 25, 0, 0, tzinfo=ZoneInfo("Asia/Bangkok"))
    assert languages.format_time_of_day(afternoon, "en") == "2:05pm"
    assert languages.format_time_of_day(midnight, "en") == "12:00am"
    assert languages.format_time_of_day(afternoon, "th") == "14:05 น."


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [(1234567.5, "en", "1,234,567.5"), (1234567.5, "th", "1,234,567.5"), (0, "th", "0")],
)
def test_numbers_follow_the_locale(value, language, expected):
    assert languages.format_number(value, language) == expected


def test_pick_returns_the_current_language_and_falls_back_to_english():
    text = {"en": "Passport", "th": "หนังสือเดินทาง"}
    assert languages.pick(text, "th") == "หนังสือเดินทาง"
    assert languages.pick({"en": "Passport"}, "th") == "Passport"
