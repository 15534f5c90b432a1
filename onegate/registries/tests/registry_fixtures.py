"""A small hand-made registry for tests: a Thai family at a Bangkok address, a British visitor."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from stdnum.th import pin

from onegate.registries.adapters.base import AccessContext
from onegate.registries.constants import AccessorKind
from onegate.registries.models import (
    Address,
    District,
    FamilyLink,
    NationalIdCard,
    Person,
    Province,
    ResidenceStatus,
    SubDistrict,
    TravelDocument,
)
from onegate.registries.search import name_key

TD3_SPECIMEN = (
    "P<GBRSMITH<<JOHN<<<<<<<<<<<<<<<<<<<<<<<<<<<<\nX1234567<7GBR8001014M3001019<<<<<<<<<<<<<<<8"
)


def staff_context(*, purpose: str = "Processing an application", user=None) -> AccessContext:
    return AccessContext(
        kind=AccessorKind.STAFF,
        accessor_id="staff-1",
        accessor_label="officer@example.test",
        organisation="civil-registration",
        purpose=purpose,
        channel="test",
        user=user,
    )


def self_context(person: Person) -> AccessContext:
    return AccessContext(
        kind=AccessorKind.SELF,
        accessor_id="user-1",
        accessor_label="the person",
        organisation="self",
        purpose="See my own record",
        channel="test",
        self_person_id=str(person.pk),
    )


def national_id(first_twelve: str) -> str:
    return first_twelve + pin.calc_check_digit(first_twelve)


def person(
    given: str, family: str, born: dt.date, *, given_th: str = "", family_th: str = "", **extra
) -> Person:
    return Person.objects.create(
        given_name_latin=given,
        family_name_latin=family,
        given_name_th=given_th,
        family_name_th=family_th,
        given_key=name_key(given),
        family_key=name_key(family),
        date_of_birth=born,
        sex=extra.pop("sex", "M"),
        nationality=extra.pop("nationality", "THA"),
        **extra,
    )


def bangkok_sub_district() -> SubDistrict:
    province, _ = Province.objects.get_or_create(
        code="10", defaults={"name_th": "กรุงเทพมหานคร", "name_en": "Bangkok"}
    )
    district, _ = District.objects.get_or_create(
        code="1001", defaults={"province": province, "name_th": "พระนคร", "name_en": "Phra Nakhon"}
    )
    sub, _ = SubDistrict.objects.get_or_create(
        code="100101",
        defaults={
            "district": district,
            "name_th": "พระบรมมหาราชวัง",
            "name_en": "Phra Borom Maha Ratchawang",
            "postcode": "10200",
        },
    )
    return sub


@dataclass
class Family:
    parent: Person
    child: Person
    elder: Person
    link: FamilyLink
    visitor: Person


def make_family() -> Family:
    parent = person(
        "Somchai",
        "Jaidee",
        dt.date(1980, 5, 1),
        given_th="สมชาย",
        family_th="ใจดี",
        national_id=national_id("110170012345"),
    )
    elder = person(
        "Malee",
        "Jaidee",
        dt.date(2008, 2, 3),
        given_th="มาลี",
        family_th="ใจดี",
        sex="F",
        national_id=national_id("110170012346"),
    )
    child = person(
        "Niran",
        "Jaidee",
        dt.date(2016, 7, 9),
        given_th="นิรันดร์",
        family_th="ใจดี",
        national_id=national_id("110170012347"),
    )
    link = FamilyLink.objects.create(
        adult=parent,
        child=elder,
        kind="parent",
        source="birth_registration",
        valid_from=elder.date_of_birth,
    )
    FamilyLink.objects.create(
        adult=parent,
        child=child,
        kind="parent",
        source="birth_registration",
        valid_from=child.date_of_birth,
    )
    for member in (parent, elder, child):
        ResidenceStatus.objects.create(
            person=member, kind="citizen", valid_from=member.date_of_birth
        )
    NationalIdCard.objects.create(
        person=parent,
        laser_code="JT0123456789",
        issued_on=dt.date(2020, 1, 1),
        expires_on=timezone.localdate() + dt.timedelta(days=365),
    )
    Address.objects.create(
        person=parent,
        kind="thai",
        house_number="99/1",
        road="Na Phra Lan",
        sub_district=bangkok_sub_district(),
        postcode="10200",
        country="THA",
        valid_from=dt.date(2015, 1, 1),
    )
    visitor = person("John", "Smith", dt.date(1980, 1, 1), nationality="GBR")
    TravelDocument.objects.create(
        person=visitor,
        document_type="P",
        number="X1234567",
        issuing_state="GBR",
        nationality="GBR",
        family_name="SMITH",
        given_names="JOHN",
        date_of_birth=visitor.date_of_birth,
        sex="M",
        expires_on=timezone.localdate() + dt.timedelta(days=900),
        mrz=TD3_SPECIMEN,
    )
    ResidenceStatus.objects.create(
        person=visitor,
        kind="visitor",
        valid_from=timezone.localdate() - dt.timedelta(days=3),
        valid_until=timezone.localdate() + dt.timedelta(days=27),
    )
    return Family(parent=parent, child=child, elder=elder, link=link, visitor=visitor)
