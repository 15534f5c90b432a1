"""Addresses: every bad input gets a message on its field; good ones are tidied and written out the
Thai way in Thai and English."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from onegate.registries.adapters.base import AddressRecord
from onegate.registries.addresses import AddressInput, ValidAddress, address_lines, address_validate
from onegate.registries.constants import AddressKind
from onegate.registries.models import Address

from .address_factories import AddressFactory
from .factories import PersonFactory

SI_PHUM = {"province": "เชียงใหม่", "district": "เมืองเชียงใหม่", "sub_district": "ศรีภูมิ"}


def _errors(**fields) -> dict[str, list[str]]:
    """The error codes per field that ``address_validate`` raises for this input."""
    with pytest.raises(ValidationError) as raised:
        address_validate(address=AddressInput(**fields))
    return {
        field: [str(e.code) for e in errors] for field, errors in raised.value.error_dict.items()
    }


def _messages(language: str = "en", **fields) -> dict[str, list[str]]:
    """The messages per field, as a reader in ``language`` sees them."""
    with translation.override(language), pytest.raises(ValidationError) as raised:
        address_validate(address=AddressInput(**fields))
    with translation.override(language):
        return raised.value.message_dict


# Validation --------------------------------------------------------------------------------


def test_a_thai_address_by_names_is_tidied_and_gets_its_code_and_postcode():
    valid = address_validate(
        address=AddressInput(
            house_number="บ้านเลขที่ ๙๙/๑",
            moo="หมู่ที่ 04",
            soi="ซ.สุขุมวิท 21",
            road="ถนนสุขุมวิท",
            province="จ.เชียงใหม่",
            district="อ.เมือง",
            sub_district="ต.ศรีภูมิ",
        )
    )
    assert valid == ValidAddress(
        kind=AddressKind.THAI,
        house_number="99/1",
        moo="4",
        soi="สุขุมวิท 21",
        road="สุขุมวิท",
        sub_district_code="500101",
        postcode="50200",
        country="THA",
    )


def test_english_names_and_words_are_accepted_too():
    valid = address_validate(
        address=AddressInput(
            house_number="12",
            soi="Soi Charoen Krung 30",
            road="Charoen Krung Road",
            province="Bangkok",
            district="Khet Phra Nakhon",
            sub_district="Phra Borom Maha Ratchawang",
            postcode="10200",
        )
    )
    assert (valid.sub_district_code, valid.soi, valid.road) == (
        "100101",
        "Charoen Krung 30",
        "Charoen Krung",
    )


def test_a_code_alone_is_enough_and_names_beside_it_must_agree():
    assert (
        address_validate(
            address=AddressInput(house_number="1", sub_district_code="100101", province="กทม")
        ).postcode
        == "10200"
    )
    assert _errors(house_number="1", sub_district_code="100101", province="Chiang Mai") == {
        "province": ["does_not_match_code"]
    }
    assert _errors(house_number="1", sub_district_code="100101", district="Dusit") == {
        "district": ["does_not_match_code"]
    }


def test_a_sub_district_in_two_postal_zones_takes_either_postcode_but_needs_one():
    for postcode in ("10330", "10500"):
        valid = address_validate(
            address=AddressInput(house_number="1", sub_district_code="100703", postcode=postcode)
        )
        assert valid.postcode == postcode
    assert _messages(house_number="1", sub_district_code="100703") == {
        "postcode": ["Give the postcode: Pathum Wan has more than one (10330, 10500)."]
    }
    # A Thai reader gets the division's Thai name in the message.
    assert "ปทุมวัน" in _messages("th", house_number="1", sub_district_code="100703")["postcode"][0]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({**SI_PHUM, "province": "Atlantis"}, {"province": ["unknown_province"]}),
        ({**SI_PHUM, "province": ""}, {"province": ["province_required"]}),
        ({**SI_PHUM, "province": "Bangkok"}, {"district": ["district_not_in_province"]}),
        ({**SI_PHUM, "district": ""}, {"district": ["district_required"]}),
        ({**SI_PHUM, "district": "สารภี"}, {"sub_district": ["sub_district_not_in_district"]}),
        ({**SI_PHUM, "sub_district": " "}, {"sub_district": ["sub_district_required"]}),
        ({"sub_district_code": "999999"}, {"sub_district_code": ["unknown_sub_district_code"]}),
        ({"sub_district_code": "1001"}, {"sub_district_code": ["unknown_sub_district_code"]}),
        ({**SI_PHUM, "postcode": "10200"}, {"postcode": ["postcode_mismatch"]}),
        ({**SI_PHUM, "postcode": "502"}, {"postcode": ["postcode_invalid"]}),
        ({**SI_PHUM, "house_number": ""}, {"house_number": ["house_number_required"]}),
        ({**SI_PHUM, "house_number": "บ้านแดง"}, {"house_number": ["house_number_invalid"]}),
        ({**SI_PHUM, "moo": "สี่"}, {"moo": ["moo_invalid"]}),
        ({**SI_PHUM, "soi": "ก" * 101}, {"soi": ["too_long"]}),
        ({**SI_PHUM, "country": "LAO"}, {"country": ["country_not_thailand"]}),
        ({"kind": "martian"}, {"kind": ["unknown_kind"]}),
    ],
)
def test_every_bad_thai_address_part_is_named(fields, expected):
    fields = {"house_number": "99/1", **fields}
    assert _errors(**fields) == expected


INTERNATIONAL = {
    "kind": AddressKind.INTERNATIONAL,
    "lines": "10 rue de Rivoli",
    "city": "Paris",
    "postcode": "75001",
    "country": "FRA",
}


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"country": "THA"}, {"country": ["international_in_thailand"]}),
        ({"country": "XYZ"}, {"country": ["unknown_country"]}),
        ({"country": "FR"}, {"country": ["unknown_country"]}),
        ({"country": ""}, {"country": ["country_required"]}),
        ({"lines": " \n "}, {"lines": ["lines_required"]}),
        ({"lines": "a\nb\nc\nd\ne"}, {"lines": ["too_many_lines"]}),
        ({"city": ""}, {"city": ["city_required"]}),
        ({"postcode": "75001!"}, {"postcode": ["postcode_invalid"]}),
    ],
)
def test_every_bad_international_address_part_is_named(fields, expected):
    assert _errors(**{**INTERNATIONAL, **fields}) == expected


def test_all_wrong_fields_are_reported_at_once_with_what_was_typed():
    messages = _messages(house_number="", province="Atlantis", moo="x")
    assert messages == {
        "house_number": ["Give the house number."],
        "moo": ["The village number (moo) is a number, like 4."],
        "province": ["There is no province called Atlantis."],
    }
    assert _errors(house_number="1", province="Atlantis", postcode="abc") == {
        "province": ["unknown_province"],
        "postcode": ["postcode_invalid"],
    }
    assert _messages(**{**SI_PHUM, "house_number": "1", "district": "Dusit"}) == {
        "district": ["There is no district called Dusit in Chiang Mai."]
    }


def test_an_international_address_is_tidied():
    valid = address_validate(
        address=AddressInput(
            **{**INTERNATIONAL, "lines": " 10 rue de Rivoli \n\n2e étage", "country": "fra"}
        )
    )
    assert (valid.lines, valid.country, valid.sub_district_code) == (
        "10 rue de Rivoli\n2e étage",
        "FRA",
        "",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"house_number": "99/1", **SI_PHUM},
        {"house_number": "1", "sub_district_code": "100703", "postcode": "10500"},
        INTERNATIONAL,
    ],
)
def test_a_valid_address_saves_as_an_address_row(fields):
    # The model's own check (a Thai address has a sub-district and THA, and only that) holds.
    person = PersonFactory.create()
    valid = address_validate(address=AddressInput(**fields))

    saved = Address.objects.create(
        person=person, valid_from=dt.date(2024, 2, 1), **valid.model_fields()
    )

    assert saved.sub_district_id == (valid.sub_district_code or None)


# Formatting --------------------------------------------------------------------------------


def _record(address: Address) -> AddressRecord:
    """The address as the local adapter hands it out, divisions named in both languages."""
    sub = address.sub_district
    district = sub.district if sub else None
    province = district.province if district else None

    def names(row) -> dict[str, str]:
        return {"en": row.name_en, "th": row.name_th} if row else {}

    return AddressRecord(
        id=str(address.pk),
        person_id=str(address.person_id),
        kind=address.kind,
        house_number=address.house_number,
        moo=address.moo,
        building=address.building,
        soi=address.soi,
        road=address.road,
        sub_district_code=sub.code if sub else "",
        sub_district=names(sub),
        district=names(district),
        province=names(province),
        postcode=address.postcode,
        lines=address.lines,
        city=address.city,
        region=address.region,
        country=address.country,
        valid_from=address.valid_from,
    )


@pytest.mark.django_db
def test_a_provincial_address_in_thai_and_english():
    address = AddressFactory.create(house_number="99/1", moo="4", soi="สุขุมวิท 21", road="สุขุมวิท")
    assert address_lines(address, "th") == [
        "บ้านเลขที่ 99/1 หมู่ที่ 4 ซอยสุขุมวิท 21 ถนนสุขุมวิท",
        "ตำบลศรีภูมิ อำเภอเมืองเชียงใหม่",
        "จังหวัดเชียงใหม่ 50200",
    ]
    address.soi, address.road = "Sukhumvit 21", "Sukhumvit"
    assert address_lines(address, "en") == [
        "99/1 Moo 4, Soi Sukhumvit 21, Sukhumvit Road",
        "Si Phum, Mueang Chiang Mai",
        "Chiang Mai 50200",
    ]


@pytest.mark.django_db
def test_a_bangkok_address_uses_khwaeng_and_khet_and_no_changwat():
    address = AddressFactory.create(bangkok=True, house_number="12", building="อาคารสิริ")
    assert address_lines(address, "th") == [
        "บ้านเลขที่ 12 อาคารสิริ ซอยมหาราช 2 ถนนมหาราช",
        "แขวงพระบรมมหาราชวัง เขตพระนคร",
        "กรุงเทพมหานคร 10200",
    ]
    assert address_lines(address, "th-th", with_country=True)[-1] == "ประเทศไทย"
    assert address_lines(address, "en", with_country=True)[1:] == [
        "Phra Borom Maha Ratchawang, Phra Nakhon",
        "Bangkok 10200",
        "Thailand",
    ]


@pytest.mark.django_db
def test_an_address_abroad_ends_with_its_country_in_the_reader_s_language():
    address = AddressFactory.create(international=True, lines="10 rue de Rivoli\n2e étage")
    assert address_lines(address, "en") == [
        "10 rue de Rivoli",
        "2e étage",
        "Paris, Île-de-France 75001",
        "France",
    ]
    assert address_lines(address, "th")[-1] == "ฝรั่งเศส"
    address.country = "KOR"
    # The everyday name, not ISO's "Korea, Republic of".
    assert address_lines(address, "en")[-1] == "South Korea"


@pytest.mark.django_db
@pytest.mark.parametrize("traits", [{}, {"bangkok": True}, {"international": True}])
def test_a_record_from_the_adapter_prints_like_the_row(traits):
    address = AddressFactory.create(**traits)
    for language in ("th", "en"):
        assert address_lines(_record(address), language) == address_lines(address, language)


@pytest.mark.django_db
def test_printing_a_row_asks_the_database_nothing(django_assert_num_queries):
    address = Address.objects.get(pk=AddressFactory.create(bangkok=True).pk)
    with django_assert_num_queries(0):
        address_lines(address, "th")
        address_lines(address, "en")


def test_a_record_whose_names_already_carry_the_word_is_not_doubled():
    # A remote node may send DOPA's full Bangkok names ("เขตพระนคร"); the lines stay the same.
    record = AddressRecord(
        id="1",
        person_id="2",
        kind=AddressKind.THAI,
        house_number="12",
        moo="",
        building="",
        soi="ซอยมหาราช 2",
        road="Maharat Road",
        sub_district_code="100101",
        sub_district={"th": "แขวงพระบรมมหาราชวัง", "en": "Phra Borom Maha Ratchawang"},
        district={"th": "เขตพระนคร", "en": "Phra Nakhon"},
        province={"th": "กรุงเทพมหานคร"},  # no English name sent: the Thai one stands in
        postcode="10200",
        lines="",
        city="",
        region="",
        country="THA",
        valid_from=dt.date(2020, 1, 1),
    )
    assert address_lines(record, "th")[:2] == [
        "บ้านเลขที่ 12 ซอยมหาราช 2 ถนน Maharat",
        "แขวงพระบรมมหาราชวัง เขตพระนคร",
    ]
    assert address_lines(record, "en") == [
        "12, Soi มหาราช 2, Maharat Road",
        "Phra Borom Maha Ratchawang, Phra Nakhon",
        "กรุงเทพมหานคร 10200",
    ]
    assert address_lines(dataclasses.replace(record, moo="3"), "en")[0].startswith("12 Moo 3, ")
