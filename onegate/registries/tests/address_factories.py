"""Test factory for addresses: a real sub-district with its real postcode, or an address abroad.

``AddressFactory()`` is a current address in Si Phum, Mueang Chiang Mai;
``AddressFactory(bangkok=True)`` one in Phra Borom Maha Ratchawang, Phra Nakhon;
``AddressFactory(international=True)`` one in Paris; ``former=True`` ends it (a past address).
Divisions come from the data migration, so the sub-district rows already exist; the person is a
``PersonFactory`` citizen.
"""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from onegate.registries import divisions
from onegate.registries.constants import AddressKind
from onegate.registries.models import Address

from .factories import PersonFactory

CHIANG_MAI_SI_PHUM = "500101"
BANGKOK_PHRA_BOROM_MAHA_RATCHAWANG = "100101"


def _first_postcode(address: Address) -> str:
    found = divisions.sub_district(address.sub_district_id or "")
    return found.postcodes[0] if found else ""


class AddressFactory(DjangoModelFactory[Address]):
    class Meta:
        model = Address

    person = factory.SubFactory(PersonFactory)
    kind = AddressKind.THAI
    house_number = factory.Sequence(lambda n: f"{n % 300 + 1}/{n % 9 + 1}")
    moo = "4"
    sub_district_id = CHIANG_MAI_SI_PHUM
    postcode = factory.LazyAttribute(_first_postcode)
    country = "THA"
    valid_from = dt.date(2020, 1, 1)

    class Params:
        bangkok = factory.Trait(
            sub_district_id=BANGKOK_PHRA_BOROM_MAHA_RATCHAWANG,
            moo="",
            soi="มหาราช 2",
            road="มหาราช",
        )
        international = factory.Trait(
            kind=AddressKind.INTERNATIONAL,
            house_number="",
            moo="",
            sub_district_id=None,
            postcode="75001",
            lines="10 rue de Rivoli",
            city="Paris",
            region="Île-de-France",
            country="FRA",
        )
        former = factory.Trait(valid_until=dt.date(2023, 12, 31))
