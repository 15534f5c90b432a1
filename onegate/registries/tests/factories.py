"""Factories for registry records, with a trait per state a test may need.

* ``PersonFactory()`` is a Thai citizen with a valid national ID number and Thai and Latin names;
  ``(foreigner=True)`` has no Thai ID or Thai-script name, ``(child=True)`` is eight years old,
  ``(deceased=True)`` died last month.
* ``NationalIdCardFactory(expired=True | replaced=True | lost=True | cancelled=True |
  lifelong=True)``.
* ``FamilyLinkFactory()`` is a parent and a child linked by birth registration;
  ``(guardian=True)`` by court order, ``(adoption=True)``, ``(ended=True)``.
* ``ResidenceStatusFactory()`` is citizenship; ``(permanent_resident=True)``,
  ``(visa_holder=True)``, ``(visitor=True)`` (the last two for a foreigner), ``(expired=True)``.
* ``TravelDocumentFactory()`` is a valid passport of the person's nationality whose MRZ is
  composed from the row by ``onegate.registries.mrz`` (so it parses and agrees with the row);
  ``(identity_card=True)`` is a TD1 card, ``(expired=True)``, ``(lost=True)``,
  ``(cancelled=True)``, ``(damaged_mrz=True)`` has a wrong final check digit.
* ``ArrivalRecordFactory()`` is a visitor who arrived ten days ago on their passport;
  ``(departed=True)``, ``(overstayed=True)``.

Dates are relative to today, so an expired document stays expired whenever the tests run.
Addresses have their own factories, beside the address tests.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory
from stdnum.th import pin

from onegate.registries.constants import (
    CardStatus,
    DocumentStatus,
    DocumentType,
    LinkKind,
    LinkSource,
    ResidenceKind,
    Sex,
)
from onegate.registries.models import (
    ArrivalRecord,
    FamilyLink,
    NationalIdCard,
    Person,
    ResidenceStatus,
    TravelDocument,
)
from onegate.registries.mrz import compose_td1, compose_td3, mrz_name
from onegate.registries.search import name_key

# (given Thai, family Thai, given Latin, family Latin, sex): Latin names in RTGS romanisation.
THAI_NAMES = (
    ("สมชาย", "ใจดี", "Somchai", "Jaidee", Sex.MALE),
    ("สุดา", "แสงทอง", "Suda", "Saengthong", Sex.FEMALE),
    ("วิชัย", "ศรีสุข", "Wichai", "Sisuk", Sex.MALE),
    ("มาลี", "บุญมา", "Mali", "Bunma", Sex.FEMALE),
    ("ประเสริฐ", "วงศ์ใหญ่", "Prasoet", "Wongyai", Sex.MALE),
    ("อรุณี", "ทองดี", "Aruni", "Thongdi", Sex.FEMALE),
)
# (given, family, nationality, sex)
FOREIGN_NAMES = (
    ("John", "Smith", "GBR", Sex.MALE),
    ("Anna", "Müller", "DEU", Sex.FEMALE),
    ("Kenji", "Tanaka", "JPN", Sex.MALE),
    ("Marie", "Dubois", "FRA", Sex.FEMALE),
    ("Liam", "O'Connor", "IRL", Sex.MALE),
    ("Linh", "Nguyen", "VNM", Sex.FEMALE),
)


def today() -> dt.date:
    return timezone.localdate()


def days_ago(days: int) -> dt.date:
    return today() - dt.timedelta(days=days)


def years_ago(years: int) -> dt.date:
    return today() - dt.timedelta(days=round(years * 365.25))


def national_id_for(n: int) -> str:
    """A valid national ID number; category 1, and an office code no real district uses."""
    first_twelve = f"1999{n:08d}"
    return first_twelve + pin.calc_check_digit(first_twelve)


class PersonFactory(DjangoModelFactory[Person]):
    class Meta:
        model = Person

    class Params:
        thai_name = factory.Iterator(THAI_NAMES)
        foreign_name = factory.Iterator(FOREIGN_NAMES)
        foreigner = factory.Trait(
            national_id=None,
            given_name_th="",
            family_name_th="",
            given_name_latin=factory.LazyAttribute(lambda o: o.foreign_name[0]),
            family_name_latin=factory.LazyAttribute(lambda o: o.foreign_name[1]),
            nationality=factory.LazyAttribute(lambda o: o.foreign_name[2]),
            sex=factory.LazyAttribute(lambda o: o.foreign_name[3]),
        )
        child = factory.Trait(date_of_birth=factory.LazyFunction(lambda: years_ago(8)))
        deceased = factory.Trait(date_of_death=factory.LazyFunction(lambda: days_ago(30)))

    national_id = factory.Sequence(national_id_for)
    given_name_th = factory.LazyAttribute(lambda o: o.thai_name[0])
    family_name_th = factory.LazyAttribute(lambda o: o.thai_name[1])
    given_name_latin = factory.LazyAttribute(lambda o: o.thai_name[2])
    family_name_latin = factory.LazyAttribute(lambda o: o.thai_name[3])
    given_key = factory.LazyAttribute(lambda o: name_key(o.given_name_latin))
    family_key = factory.LazyAttribute(lambda o: name_key(o.family_name_latin))
    date_of_birth = factory.Sequence(lambda n: dt.date(1960 + n % 40, 1 + n % 12, 1 + n % 28))
    sex = factory.LazyAttribute(lambda o: o.thai_name[4])
    nationality = "THA"
    date_of_death = None


class NationalIdCardFactory(DjangoModelFactory[NationalIdCard]):
    class Meta:
        model = NationalIdCard

    class Params:
        expired = factory.Trait(
            issued_on=factory.LazyFunction(lambda: years_ago(10)),
            expires_on=factory.LazyFunction(lambda: years_ago(2)),
        )
        replaced = factory.Trait(status=CardStatus.REPLACED)
        lost = factory.Trait(status=CardStatus.LOST)
        cancelled = factory.Trait(status=CardStatus.CANCELLED)
        lifelong = factory.Trait(expires_on=None)

    person = factory.SubFactory(PersonFactory)
    laser_code = factory.Sequence(lambda n: f"JT{n:010d}")
    issued_on = factory.LazyFunction(lambda: years_ago(2))
    # Thai ID cards are valid for eight years from issue.
    expires_on = factory.LazyAttribute(lambda o: o.issued_on + dt.timedelta(days=8 * 365))
    status = CardStatus.VALID


class FamilyLinkFactory(DjangoModelFactory[FamilyLink]):
    class Meta:
        model = FamilyLink

    class Params:
        guardian = factory.Trait(
            kind=LinkKind.GUARDIAN,
            source=LinkSource.COURT_ORDER,
            source_reference=factory.Sequence(lambda n: f"CO-{n:06d}"),
            valid_from=factory.LazyFunction(lambda: days_ago(365)),
        )
        adoption = factory.Trait(
            source=LinkSource.ADOPTION,
            source_reference=factory.Sequence(lambda n: f"AD-{n:06d}"),
            valid_from=factory.LazyFunction(lambda: days_ago(365)),
        )
        ended = factory.Trait(valid_until=factory.LazyFunction(lambda: days_ago(1)))

    adult = factory.SubFactory(PersonFactory)
    child = factory.SubFactory(PersonFactory, child=True)
    kind = LinkKind.PARENT
    source = LinkSource.BIRTH_REGISTRATION
    source_reference = factory.Sequence(lambda n: f"BR-{n:06d}")
    valid_from = factory.LazyAttribute(lambda o: o.child.date_of_birth)
    valid_until = None


class ResidenceStatusFactory(DjangoModelFactory[ResidenceStatus]):
    class Meta:
        model = ResidenceStatus

    class Params:
        permanent_resident = factory.Trait(
            kind=ResidenceKind.PERMANENT_RESIDENT,
            person__foreigner=True,
            valid_from=factory.LazyFunction(lambda: years_ago(5)),
        )
        visa_holder = factory.Trait(
            kind=ResidenceKind.VISA_HOLDER,
            visa_type="Non-Immigrant B (work)",
            person__foreigner=True,
            valid_from=factory.LazyFunction(lambda: days_ago(100)),
            valid_until=factory.LazyFunction(lambda: days_ago(-265)),
        )
        visitor = factory.Trait(
            kind=ResidenceKind.VISITOR,
            person__foreigner=True,
            valid_from=factory.LazyFunction(lambda: days_ago(10)),
            valid_until=factory.LazyFunction(lambda: days_ago(-20)),
        )
        expired = factory.Trait(
            valid_from=factory.LazyFunction(lambda: days_ago(400)),
            valid_until=factory.LazyFunction(lambda: days_ago(35)),
        )

    person = factory.SubFactory(PersonFactory)
    kind = ResidenceKind.CITIZEN
    visa_type = ""
    valid_from = factory.LazyAttribute(lambda o: o.person.date_of_birth)
    valid_until = None
    source_reference = factory.Sequence(lambda n: f"RS-{n:06d}")


def _mrz_words(name: str) -> str:
    """A name as an MRZ reader gives it back: upper case, transliterated, words spaced."""
    return mrz_name(name).replace("<", " ")


def _mrz_of(document: Any) -> str:
    """The MRZ the issuing state would print for the factory's fields (see ``damaged_mrz``)."""
    fields = {
        "document_number": document.number,
        "issuing_state": document.issuing_state,
        "nationality": document.nationality,
        "family_name": document.family_name,
        "given_names": document.given_names,
        "birth_date": document.date_of_birth,
        "sex": document.sex,
        "expiry_date": document.expires_on,
    }
    if document.document_type == DocumentType.IDENTITY_CARD:
        text = compose_td1(**fields)
    else:
        text = compose_td3(**fields)
    if document.damaged_mrz:  # change the final (composite) check digit, as a misprint would
        last = str((int(text[-1]) + 1) % 10) if text[-1].isdigit() else "0"
        text = text[:-1] + last
    return text


class TravelDocumentFactory(DjangoModelFactory[TravelDocument]):
    class Meta:
        model = TravelDocument

    class Params:
        damaged_mrz = False
        identity_card = factory.Trait(
            document_type=DocumentType.IDENTITY_CARD,
            number=factory.Sequence(lambda n: f"C{n:08d}"),
        )
        expired = factory.Trait(
            issued_on=factory.LazyFunction(lambda: years_ago(11)),
            expires_on=factory.LazyFunction(lambda: years_ago(1)),
        )
        lost = factory.Trait(status=DocumentStatus.LOST)
        cancelled = factory.Trait(status=DocumentStatus.CANCELLED)

    person = factory.SubFactory(PersonFactory)
    document_type = DocumentType.PASSPORT
    number = factory.Sequence(lambda n: f"A{n:08d}")
    issuing_state = factory.LazyAttribute(lambda o: o.person.nationality)
    nationality = factory.LazyAttribute(lambda o: o.person.nationality)
    family_name = factory.LazyAttribute(lambda o: _mrz_words(o.person.family_name_latin))
    given_names = factory.LazyAttribute(lambda o: _mrz_words(o.person.given_name_latin))
    date_of_birth = factory.LazyAttribute(lambda o: o.person.date_of_birth)
    sex = factory.LazyAttribute(lambda o: o.person.sex)
    issued_on = factory.LazyFunction(lambda: years_ago(1))
    expires_on = factory.LazyAttribute(lambda o: o.issued_on + dt.timedelta(days=3652))
    mrz = factory.LazyAttribute(_mrz_of)
    status = DocumentStatus.VALID


class ArrivalRecordFactory(DjangoModelFactory[ArrivalRecord]):
    class Meta:
        model = ArrivalRecord

    class Params:
        departed = factory.Trait(
            departed_on=factory.LazyAttribute(lambda o: o.arrived_on + dt.timedelta(days=7))
        )
        overstayed = factory.Trait(arrived_on=factory.LazyFunction(lambda: days_ago(60)))

    person = factory.SubFactory(PersonFactory, foreigner=True)
    travel_document = factory.SubFactory(
        TravelDocumentFactory, person=factory.SelfAttribute("..person")
    )
    arrived_on = factory.LazyFunction(lambda: days_ago(10))
    port_of_entry = "Suvarnabhumi Airport (BKK)"
    permitted_until = factory.LazyAttribute(lambda o: o.arrived_on + dt.timedelta(days=30))
    departed_on = None
