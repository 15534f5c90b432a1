"""The named demo people README lists, loaded by ``make run`` beside the generated population.

Each has a fixed UUID and fixed identifiers (valid national ID numbers, passport numbers and laser
codes), so a demo script can name them. Dates that make a story (the visitor arrived a few days
ago, the passport expires within a month, the family arrived two weeks ago) are set relative to
the day of loading, so the stories stay true; loading again on another day moves them along.
``load_demo_people`` is idempotent: it creates what is missing, updates what changed and writes
one audit record when anything did.

Their identifiers cannot collide with generated ones: the serial part of every demo identifier
starts with 9, which the generator never uses (``generator.numbering``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from onegate.audit.constants import RegistryAction
from onegate.audit.services import audit_record
from onegate.registries.constants import (
    AddressKind,
    CardStatus,
    DocumentStatus,
    DocumentType,
    LinkKind,
    LinkSource,
    ResidenceKind,
    Sex,
)
from onegate.registries.generator.names import romanise
from onegate.registries.models import (
    Address,
    ArrivalRecord,
    FamilyLink,
    NationalIdCard,
    Person,
    ResidenceStatus,
    SubDistrict,
    TravelDocument,
)
from onegate.registries.mrz import compose_td3
from onegate.registries.search import name_key

# Row ids of the demo people's records are derived from this namespace (uuid5), so they are fixed.
_NAMESPACE = uuid.UUID("5c0d1f4e-7a43-4b52-9b8e-0d6f2a61c9e3")

EMILY = uuid.UUID("aa9c8d77-06f3-4706-af54-79ba94926281")
KENJI = uuid.UUID("b55a5c7c-502e-4b7b-adf7-bcf1c9f22e0a")
YUI = uuid.UUID("2d788194-8ab5-442f-bf88-4ea26e614422")
HARUTO = uuid.UUID("667b8e01-61b7-44c9-bef9-51425a12c718")
SOMSAK = uuid.UUID("9b019b6c-92e2-4445-8dcf-8f3eda8e6b34")
WICHAI = uuid.UUID("fcab5ed2-1be8-44d8-bc7c-52666414da98")
MALI = uuid.UUID("32b54f32-2513-41f7-81ea-2446d2e1d386")
PHAKHIN = uuid.UUID("bc3f7f35-899c-4f52-8e85-2de94e2beebf")
NICHA = uuid.UUID("a9e49b3c-8dd1-4feb-9865-1336f15f42d6")
TAWAN = uuid.UUID("b1332525-b7d2-4e98-aa85-3ce95b70ee47")
SUDARAT = uuid.UUID("96fe5df3-4542-49b5-8a0c-6145f1259c3a")
OLIVIA = uuid.UUID("3f6e0b52-9d1a-4c7e-8b25-71d4a0c8e936")

DEMO_PERSON_IDS = (
    EMILY,
    KENJI,
    YUI,
    HARUTO,
    SOMSAK,
    WICHAI,
    MALI,
    PHAKHIN,
    NICHA,
    TAWAN,
    SUDARAT,
    OLIVIA,
)


@dataclass(frozen=True)
class DemoPerson:
    """A line of README's table: who, what they can show, and how to find them."""

    name: str
    shows: str
    identifiers: str


DEMO_PEOPLE = (
    DemoPerson(
        "Emily Clarke",
        "British visitor arrived a few days ago (visa exempt, 60 days): passport valid 9+ years, "
        "arrival record, home address in London",
        f"passport GBR 927184536; person {EMILY}",
    ),
    DemoPerson(
        "Kenji Watanabe, with Yui and Haruto",
        "Japanese parent who moved to Bangkok two weeks ago with two children: passports, "
        "Non-Immigrant B visa (children: Non-Immigrant O), arrival records, parent-child links "
        "from foreign birth certificates, Thai address and previous address in Tokyo",
        f"passports JPN TK9420518, TK9420526, TK9420534; person {KENJI}",
    ),
    DemoPerson(
        "Somsak Saengthong (สมศักดิ์ แสงทอง)",
        "Thai citizen and driver due to renew his licence: valid ID card, address in Chiang Mai",
        f"national ID 3500194801233, laser code JT9480112356; person {SOMSAK}",
    ),
    DemoPerson(
        "Wichai and Mali Bunma, with Phakhin, Nicha and Tawan (บุญมา)",
        "Thai family in Bangkok: two parents, three children aged about 16, 11 and 5 (birth "
        "registrations), ID cards for all but the youngest",
        f"national IDs 3103095120463 (Wichai), 1103095120530 (Mali), 1103095120611, "
        f"1103095120793, 1103095120874; person {WICHAI}",
    ),
    DemoPerson(
        "Sudarat Srisuk (สุดารัตน์ ศรีสุข)",
        "Thai citizen whose passport expires in three weeks: passport, ID card, address in "
        "Nonthaburi",
        f"national ID 1120197330158, passport THA AC9187324; person {SUDARAT}",
    ),
    DemoPerson(
        "Olivia Hughes",
        "Australian planning a holiday, with no OneGate account yet: she creates one, proves "
        "her identity with her passport (born 3 March 1990) and applies for a travel authority",
        f"passport AUS PA9731548; person {OLIVIA}",
    ),
)


def load_demo_people(*, today: dt.date | None = None) -> tuple[DemoPerson, ...]:
    """Create or refresh the named demo people; returns README's lines about them."""
    today = today or timezone.localdate()
    loader = _Loader(today)
    with transaction.atomic():
        for load in (_emily, _watanabe_family, _somsak, _bunma_family, _sudarat, _olivia):
            load(loader)
        if loader.changed:
            audit_record(
                actor=None,
                action=RegistryAction.DEMO_PEOPLE_LOADED,
                subject_type="registries.demo_people",
                subject_id="demo",
                purpose="Named demo people for demonstrations",
                payload={"rows_changed": loader.changed, "as_of": today.isoformat()},
            )
    return DEMO_PEOPLE


# --- the people -------------------------------------------------------------------------------


def _emily(load: _Loader) -> None:
    today = load.today
    arrived = today - dt.timedelta(days=4)
    emily = load.person(EMILY, "Emily", "Clarke", dt.date(1994, 8, 12), Sex.FEMALE, "GBR")
    passport = load.passport(emily, "927184536", issued=today - dt.timedelta(days=400), years=10)
    load.residence(emily, ResidenceKind.VISITOR, arrived, arrived + dt.timedelta(days=60))
    load.arrival(emily, passport, arrived, "Suvarnabhumi Airport", arrived + dt.timedelta(days=60))
    load.abroad(emily, "GBR", "27 Elgin Crescent", "London", "", "W11 2JD", dt.date(2019, 5, 1))


def _watanabe_family(load: _Loader) -> None:
    today = load.today
    arrived = today - dt.timedelta(days=12)
    visa_end = arrived + dt.timedelta(days=364)
    kenji = load.person(KENJI, "Kenji", "Watanabe", dt.date(1984, 2, 11), Sex.MALE, "JPN")
    children = [
        load.person(YUI, "Yui", "Watanabe", dt.date(2016, 4, 3), Sex.FEMALE, "JPN"),
        load.person(HARUTO, "Haruto", "Watanabe", dt.date(2019, 10, 21), Sex.MALE, "JPN"),
    ]
    numbers = {KENJI: "TK9420518", YUI: "TK9420526", HARUTO: "TK9420534"}
    issued = today - dt.timedelta(days=700)
    for person in (kenji, *children):
        years = 10 if person is kenji else 5
        passport = load.passport(person, numbers[person.id], issued=issued, years=years)
        visa = "Non-Immigrant B" if person is kenji else "Non-Immigrant O"
        load.residence(person, ResidenceKind.VISA_HOLDER, arrived, visa_end, visa_type=visa)
        load.arrival(person, passport, arrived, "Suvarnabhumi Airport", visa_end)
        load.abroad(
            person,
            "JPN",
            "2-14-5 Minato",
            "Tokyo",
            "Tokyo",
            "106-0032",
            max(person.date_of_birth, dt.date(2015, 9, 1)),
            until=arrived - dt.timedelta(days=1),
        )
        load.thai_address(
            person,
            "103901",
            "88/12",
            soi="สุขุมวิท 31",
            road="สุขุมวิท",
            since=arrived + dt.timedelta(days=2),
        )
    for child in children:
        load.link(kenji, child, LinkSource.FOREIGN_BIRTH_CERTIFICATE, "Japanese family register")


def _somsak(load: _Loader) -> None:
    born = dt.date(1978, 3, 14)
    somsak = load.thai(SOMSAK, "สมศักดิ์", "แสงทอง", born, Sex.MALE, "3500194801233")
    issued = dt.date(load.today.year - 5, 3, 2)
    load.card(somsak, "JT9480112356", issued, dt.date(issued.year + 8, 3, 14))
    load.residence(somsak, ResidenceKind.CITIZEN, born, None)
    load.thai_address(somsak, "500101", "45/3", road="ราชดำเนิน", since=dt.date(2008, 6, 1))


def _bunma_family(load: _Loader) -> None:
    wichai = load.thai(WICHAI, "วิชัย", "บุญมา", dt.date(1982, 11, 3), Sex.MALE, "3103095120463")
    mali = load.thai(MALI, "มาลี", "บุญมา", dt.date(1986, 6, 21), Sex.FEMALE, "1103095120530")
    children = [
        load.thai(PHAKHIN, "ภาคิน", "บุญมา", dt.date(2010, 5, 2), Sex.MALE, "1103095120611"),
        load.thai(NICHA, "ณิชา", "บุญมา", dt.date(2015, 9, 18), Sex.FEMALE, "1103095120793"),
        load.thai(TAWAN, "ตะวัน", "บุญมา", dt.date(2021, 1, 30), Sex.MALE, "1103095120874"),
    ]
    lasers = {
        WICHAI: "ME9512040071",
        MALI: "ME9512053314",
        PHAKHIN: "JC9512061140",
        NICHA: "JC9512079025",
    }
    for person in (wichai, mali, *children):
        born = person.date_of_birth
        if person.id in lasers:  # the youngest is under 7: no card yet
            issued = max(born.replace(year=born.year + 7), dt.date(load.today.year - 3, 1, 15))
            load.card(person, lasers[person.id], issued, _birthday(born, issued.year + 8))
        load.residence(person, ResidenceKind.CITIZEN, born, None)
        load.thai_address(
            person,
            "103001",
            "123/45",
            soi="พหลโยธิน 32",
            road="พหลโยธิน",
            since=max(born, dt.date(2009, 2, 1)),
        )
    for parent in (wichai, mali):
        for child in children:
            load.link(parent, child, LinkSource.BIRTH_REGISTRATION, "")


def _sudarat(load: _Loader) -> None:
    born = dt.date(1991, 7, 7)
    sudarat = load.thai(SUDARAT, "สุดารัตน์", "ศรีสุข", born, Sex.FEMALE, "1120197330158")
    expires = load.today + dt.timedelta(days=21)
    issued = _birthday(expires, expires.year - 5) + dt.timedelta(days=1)
    load.passport(sudarat, "AC9187324", issued=issued, years=5)
    card_issued = dt.date(load.today.year - 2, 8, 20)
    load.card(sudarat, "ID9733015568", card_issued, _birthday(born, card_issued.year + 8))
    load.residence(sudarat, ResidenceKind.CITIZEN, born, None)
    load.thai_address(
        sudarat,
        "120101",
        "9/88",
        building="หมู่บ้านร่มเย็น",
        road="รัตนาธิเบศร์",
        since=dt.date(2017, 4, 10),
    )


def _olivia(load: _Loader) -> None:
    # Not in Thailand yet (no arrival, no residence status): she applies before she travels.
    olivia = load.person(OLIVIA, "Olivia", "Hughes", dt.date(1990, 3, 3), Sex.FEMALE, "AUS")
    load.passport(olivia, "PA9731548", issued=load.today - dt.timedelta(days=900), years=10)
    load.abroad(olivia, "AUS", "14 Brunswick Street", "Fitzroy", "VIC", "3065", dt.date(2018, 2, 1))


def _birthday(born: dt.date, year: int) -> dt.date:
    if born.month == 2 and born.day == 29:
        return dt.date(year, 2, 28)
    return born.replace(year=year)


# --- writing the records ----------------------------------------------------------------------


class _Loader:
    """Upserts demo records by fixed ids and counts the rows it created or changed."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.changed = 0

    def _upsert(self, model: type[models.Model], pk: uuid.UUID, **values: Any) -> Any:
        record = model._default_manager.filter(pk=pk).first()
        if record is None:
            self.changed += 1
            return model._default_manager.create(pk=pk, **values)
        if any(getattr(record, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(record, name, value)
            record.save()
            self.changed += 1
        return record

    def _id(self, owner: Person, what: str) -> uuid.UUID:
        return uuid.uuid5(_NAMESPACE, f"{owner.id}/{what}")

    def person(
        self, pk: uuid.UUID, given: str, family: str, born: dt.date, sex: str, nationality: str
    ) -> Person:
        return self._person(
            pk,
            born=born,
            sex=sex,
            nationality=nationality,
            national_id=None,
            given_latin=given,
            family_latin=family,
        )

    def thai(
        self, pk: uuid.UUID, given: str, family: str, born: dt.date, sex: str, national_id: str
    ) -> Person:
        return self._person(
            pk,
            born=born,
            sex=sex,
            nationality="THA",
            national_id=national_id,
            given_name_th=given,
            family_name_th=family,
            given_latin=romanise(given),
            family_latin=romanise(family),
        )

    def _person(
        self, pk: uuid.UUID, *, born: dt.date, given_latin: str, family_latin: str, **values: Any
    ) -> Person:
        return self._upsert(
            Person,
            pk,
            date_of_birth=born,
            given_name_latin=given_latin,
            family_name_latin=family_latin,
            given_key=name_key(given_latin),
            family_key=name_key(family_latin),
            **values,
        )

    def card(self, person: Person, laser: str, issued: dt.date, expires: dt.date | None) -> None:
        self._upsert(
            NationalIdCard,
            self._id(person, "card"),
            person=person,
            laser_code=laser,
            issued_on=issued,
            expires_on=expires,
            status=CardStatus.VALID,
        )

    def passport(
        self, person: Person, number: str, *, issued: dt.date, years: int
    ) -> TravelDocument:
        expires = _birthday(issued, issued.year + years) - dt.timedelta(days=1)
        mrz = compose_td3(
            document_number=number,
            issuing_state=person.nationality,
            nationality=person.nationality,
            family_name=person.family_name_latin,
            given_names=person.given_name_latin,
            birth_date=person.date_of_birth,
            sex=person.sex,
            expiry_date=expires,
            personal_number=person.national_id or "",
        )
        return self._upsert(
            TravelDocument,
            self._id(person, "passport"),
            person=person,
            document_type=DocumentType.PASSPORT,
            number=number,
            issuing_state=person.nationality,
            nationality=person.nationality,
            family_name=person.family_name_latin,
            given_names=person.given_name_latin,
            date_of_birth=person.date_of_birth,
            sex=person.sex,
            issued_on=issued,
            expires_on=expires,
            mrz=mrz,
            status=DocumentStatus.VALID,
        )

    def residence(
        self,
        person: Person,
        kind: str,
        since: dt.date,
        until: dt.date | None,
        *,
        visa_type: str = "",
    ) -> None:
        self._upsert(
            ResidenceStatus,
            self._id(person, "residence"),
            person=person,
            kind=kind,
            visa_type=visa_type,
            valid_from=since,
            valid_until=until,
        )

    def arrival(
        self,
        person: Person,
        document: TravelDocument,
        arrived: dt.date,
        port: str,
        permitted: dt.date,
    ) -> None:
        self._upsert(
            ArrivalRecord,
            self._id(person, "arrival"),
            person=person,
            travel_document=document,
            arrived_on=arrived,
            port_of_entry=port,
            permitted_until=permitted,
        )

    def thai_address(
        self,
        person: Person,
        sub_district: str,
        house: str,
        *,
        since: dt.date,
        soi: str = "",
        road: str = "",
        building: str = "",
    ) -> None:
        self._upsert(
            Address,
            self._id(person, "address"),
            person=person,
            kind=AddressKind.THAI,
            house_number=house,
            building=building,
            soi=soi,
            road=road,
            sub_district_id=sub_district,
            postcode=_postcode(sub_district),
            country="THA",
            valid_from=since,
            valid_until=None,
        )

    def abroad(
        self,
        person: Person,
        country: str,
        line: str,
        city: str,
        region: str,
        postcode: str,
        since: dt.date,
        *,
        until: dt.date | None = None,
    ) -> None:
        what = "address" if until is None else "address/previous"
        self._upsert(
            Address,
            self._id(person, what),
            person=person,
            kind=AddressKind.INTERNATIONAL,
            lines=line,
            city=city,
            region=region,
            postcode=postcode,
            country=country,
            valid_from=since,
            valid_until=until,
        )

    def link(self, adult: Person, child: Person, source: str, reference: str) -> None:
        self._upsert(
            FamilyLink,
            self._id(adult, f"child/{child.id}"),
            adult=adult,
            child=child,
            kind=LinkKind.PARENT,
            source=source,
            source_reference=reference,
            valid_from=child.date_of_birth,
            valid_until=None,
        )


def _postcode(sub_district: str) -> str:
    return SubDistrict.objects.values_list("postcode", flat=True).get(code=sub_district)
