"""Distances by the haversine formula, every province located, references that catch typos."""

from __future__ import annotations

import pytest

from onegate.appointments.geo import (
    PROVINCE_POINTS,
    Point,
    haversine_km,
    point_of_postcode,
    point_of_sub_district,
)
from onegate.appointments.references import ALPHABET, reference_new, reference_normalise
from onegate.registries import divisions


def test_bangkok_to_chiang_mai_is_about_585_km():
    bangkok, chiang_mai = Point(13.7563, 100.5018), Point(18.7883, 98.9853)
    assert haversine_km(bangkok, chiang_mai) == pytest.approx(584, abs=5)
    assert haversine_km(bangkok, bangkok) == 0


def test_every_province_has_a_point_inside_thailand():
    codes = {province.code for province in divisions.provinces()}
    assert set(PROVINCE_POINTS) == codes
    for latitude, longitude in PROVINCE_POINTS.values():
        assert 5.6 <= latitude <= 20.5 and 97.3 <= longitude <= 105.7


def test_a_postcode_and_a_sub_district_are_located_by_their_province():
    assert point_of_postcode("50200") == Point(*PROVINCE_POINTS["50"])
    assert point_of_sub_district("104101") == Point(*PROVINCE_POINTS["10"])
    assert point_of_postcode("00000") is None


def test_a_reference_is_read_back_however_it_is_typed():
    reference = reference_new()
    typed = reference.lower().replace("-", " ")
    assert reference_normalise(typed) == reference
    assert reference_normalise("AP-" + reference[3:].replace("0", "O")) == reference


def test_any_single_mistyped_character_is_caught():
    reference = reference_new()
    body = reference.replace("AP-", "").replace("-", "")
    for position in range(len(body)):
        for character in ALPHABET:
            if character == body[position]:
                continue
            wrong = body[:position] + character + body[position + 1 :]
            assert reference_normalise(wrong) is None
