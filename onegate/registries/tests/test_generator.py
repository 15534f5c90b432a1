"""The synthetic population generator and the named demo people.

What an operator or a demo relies on: the same seed gives the same people (down to UUIDs), every
identifier and MRZ is valid, families make sense, every province is populated, a second run does
not silently pile onto the first, and the demo people load the same way twice.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from stdnum.th import pin

from onegate.audit.constants import RegistryAction
from onegate.audit.models import AuditEvent
from onegate.registries import demo_people
from onegate.registries.constants import (
    AddressKind,
    DocumentStatus,
    LinkKind,
    LinkSource,
    ResidenceKind,
)
from onegate.registries.generator import service
from onegate.registries.generator.rows import COLUMNS
from onegate.registries.generator.service import PopulationError, population_generate
from onegate.registries.identifiers import country_code_normalise
from onegate.registries.models import (
    Address,
    ArrivalRecord,
    FamilyLink,
    NationalIdCard,
    Person,
    Province,
    ResidenceStatus,
    TravelDocument,
)
from onegate.registries.mrz import parse_mrz

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 25)
YEAR = 365.2425


def generate(people: int, *, seed: int = 11, append: bool = False) -> service.PopulationReport:
    return population_generate(people=people, seed=seed, start_date=TODAY, workers=0, append=append)


def snapshot() -> dict[str, list[tuple[object, ...]]]:
    """Every generated row, without the time it was written."""
    tables = {}
    for model, columns in COLUMNS.items():
        fields = [column for column in columns if column not in ("created_at", "updated_at")]
        rows = model._default_manager.order_by("id").values_list(*fields)
        tables[model.__name__] = list(rows)
    return tables


def forget_population() -> None:
    ArrivalRecord.objects.all().delete()
    Person.objects.all().delete()


# --- determinism ------------------------------------------------------------------------------


def test_the_same_seed_makes_the_same_people_with_the_same_ids() -> None:
    generate(400, seed=5)
    first = snapshot()
    forget_population()

    generate(400, seed=5)

    assert snapshot() == first
    assert len(first["Person"]) == 400


def test_another_seed_makes_other_people() -> None:
    generate(200, seed=5)
    first = snapshot()
    forget_population()

    generate(200, seed=6)

    second = snapshot()
    assert {row[0] for row in second["Person"]}.isdisjoint({row[0] for row in first["Person"]})
    assert names(second["Person"]) != names(first["Person"])


def names(people: list[tuple[object, ...]]) -> Counter[tuple[object, ...]]:
    return Counter(row[2:6] for row in people)  # names in Thai and Latin script


def test_drafting_in_worker_processes_makes_the_same_people(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(service, "CHUNK_PEOPLE", 100)
    generate(350, seed=9)
    alone = snapshot()
    forget_population()

    population_generate(people=350, seed=9, start_date=TODAY, workers=1)

    assert snapshot() == alone


# --- validity ---------------------------------------------------------------------------------


def test_every_province_has_residents_in_ten_thousand_people() -> None:
    generate(10_000)

    provinces = set(
        Address.objects.filter(kind=AddressKind.THAI, valid_until__isnull=True).values_list(
            "sub_district__district__province", flat=True
        )
    )
    assert provinces == set(Province.objects.values_list("code", flat=True))
    assert len(provinces) == 77
    bangkok = Address.objects.filter(sub_district__district__province="10").count()
    assert bangkok / Address.objects.filter(kind=AddressKind.THAI).count() > 0.1


def test_identifiers_are_valid_and_unique() -> None:
    generate(3_000)

    holders = Person.objects.exclude(national_id=None).values_list("national_id", flat=True)
    national_ids = [str(number) for number in holders]
    assert national_ids and all(pin.is_valid(number) for number in national_ids)
    assert len(set(national_ids)) == len(national_ids)
    lasers = list(NationalIdCard.objects.values_list("laser_code", flat=True))
    assert all(re.fullmatch(r"[A-Z]{2}\d{10}", code) for code in lasers)
    assert len(set(lasers)) == len(lasers)
    # Category by birth: 1 (or 2, registered late) from 1984, 3 before; 8 for permanent residents.
    for number, born, nationality in Person.objects.exclude(national_id=None).values_list(
        "national_id", "date_of_birth", "nationality"
    ):
        expected = {"8"} if nationality != "THA" else {"1", "2"} if born.year >= 1984 else {"3"}
        assert str(number)[0] in expected, (number, born, nationality)


def test_id_cards_go_to_citizens_aged_seven_and_over() -> None:
    generate(2_000)

    holders = NationalIdCard.objects.values_list(
        "person__date_of_birth", "issued_on", "person__nationality"
    )
    assert holders
    for born, issued, nationality in holders:
        assert nationality == "THA"
        assert (issued - born).days >= 7 * 365
    children = Person.objects.filter(date_of_birth__gt=TODAY - dt.timedelta(days=7 * 365))
    assert children.exists() and not NationalIdCard.objects.filter(person__in=children).exists()


def test_every_passport_has_a_valid_mrz_matching_its_record() -> None:
    generate(3_000)

    documents = TravelDocument.objects.select_related("person")
    assert documents.count() > 300
    for document in documents:
        zone = parse_mrz(document.mrz, today=TODAY)
        assert zone.document_number == document.number
        assert country_code_normalise(zone.issuing_state) == document.issuing_state
        assert zone.birth_date == document.date_of_birth
        assert zone.expiry_date == document.expires_on
        if document.issuing_state == "THA":  # Thai passports carry the national ID number
            assert zone.personal_number == document.person.national_id
    numbers = Counter(documents.values_list("issuing_state", "number"))
    assert max(numbers.values()) == 1


def test_passports_include_expired_and_reported_ones_for_demos() -> None:
    generate(10_000)

    passports = TravelDocument.objects
    thai = passports.filter(issuing_state="THA")
    citizens = Person.objects.filter(nationality="THA").count()
    assert 0.10 < thai.count() / citizens < 0.20
    assert passports.filter(expires_on__lt=TODAY).exists()
    assert passports.filter(status=DocumentStatus.LOST).exists()
    foreigners = Person.objects.exclude(nationality="THA")
    assert not foreigners.filter(travel_documents=None).exists()


def test_children_are_at_least_fifteen_years_younger_than_their_parents() -> None:
    generate(3_000)

    links = FamilyLink.objects.values_list(
        "adult__date_of_birth", "child__date_of_birth", "kind", "source"
    )
    parents = [(adult, child) for adult, child, kind, _source in links if kind == LinkKind.PARENT]
    assert len(parents) > 1_000
    assert all((child - adult).days >= 15 * YEAR for adult, child in parents)
    sources = Counter((kind, source) for *_dates, kind, source in links)
    assert sources[(LinkKind.PARENT, LinkSource.BIRTH_REGISTRATION)] > 0
    assert sources[(LinkKind.PARENT, LinkSource.FOREIGN_BIRTH_CERTIFICATE)] > 0
    assert sources[(LinkKind.GUARDIAN, LinkSource.COURT_ORDER)] > 0
    ages = [(TODAY - child).days / YEAR for _adult, child in parents]
    assert min(ages) < 5 and max(ages) > 30  # children of all ages


def test_the_population_is_mostly_thai_with_residents_and_visitors() -> None:
    generate(5_000)

    citizens = Person.objects.filter(nationality="THA").count()
    assert 0.85 < citizens / 5_000 < 0.95
    visas = set(ResidenceStatus.objects.exclude(visa_type="").values_list("visa_type", flat=True))
    assert {"Non-Immigrant B", "Non-Immigrant O", "Non-Immigrant ED"} <= visas
    kinds = set(ResidenceStatus.objects.values_list("kind", flat=True))
    assert kinds == set(ResidenceKind.values)
    visitors = Person.objects.filter(residence_statuses__kind=ResidenceKind.VISITOR)
    assert visitors.exists()
    assert not visitors.exclude(addresses__kind=AddressKind.INTERNATIONAL).exists()
    assert not Person.objects.exclude(nationality="THA").filter(arrivals=None).exists()
    assert Address.objects.exclude(valid_until=None).exists()  # some have lived elsewhere
    assert Person.objects.filter(family_name_latin="").exclude(nationality="THA").exists()
    thai = Person.objects.filter(nationality="THA").first()
    assert thai is not None and thai.given_name_th and thai.given_name_latin[0].isupper()
    assert thai.given_key == thai.given_name_latin.upper()


# --- running it -------------------------------------------------------------------------------


def test_it_refuses_to_add_to_a_population_unless_asked() -> None:
    generate(50)

    with pytest.raises(PopulationError, match="already hold 50 people"):
        generate(50)

    generate(50, seed=12, append=True)
    assert Person.objects.count() == 100
    national_ids = list(
        Person.objects.exclude(national_id=None).values_list("national_id", flat=True)
    )
    assert len(set(national_ids)) == len(national_ids)


def test_the_named_demo_people_do_not_count_as_a_population() -> None:
    demo_people.load_demo_people(today=TODAY)

    generate(30)

    assert Person.objects.count() == 30 + len(demo_people.DEMO_PERSON_IDS)


def test_a_run_writes_one_audit_record() -> None:
    generate(25_000, seed=3)

    events = AuditEvent.objects.filter(action=RegistryAction.POPULATION_GENERATED)
    assert events.count() == 1
    assert events.get().payload["people"] == 25_000
    assert AuditEvent.objects.count() == 1


def test_the_command_reports_progress_and_rate() -> None:
    out = StringIO()

    call_command("registry_generate", people=120, seed=4, start_date=TODAY, workers=0, stdout=out)

    assert "120 / 120 people" in out.getvalue()
    assert re.search(
        r"Generated 120 people \(seed 4, as of 2026-11-25\) .* people/s", out.getvalue()
    )
    with pytest.raises(CommandError, match="--append"):
        call_command("registry_generate", people=10, seed=4, workers=0, stdout=StringIO())


def test_the_demo_population_is_generated_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "DEMO_POPULATION", 40)

    assert service.population_load_demo() is not None
    assert service.population_load_demo() is None
    assert Person.objects.count() == 40


# --- the named demo people --------------------------------------------------------------------


def test_loading_the_demo_people_twice_changes_nothing() -> None:
    demo_people.load_demo_people(today=TODAY)
    first = snapshot()
    audits = AuditEvent.objects.filter(action=RegistryAction.DEMO_PEOPLE_LOADED).count()

    lines = demo_people.load_demo_people(today=TODAY)

    assert snapshot() == first
    assert (
        AuditEvent.objects.filter(action=RegistryAction.DEMO_PEOPLE_LOADED).count() == audits == 1
    )
    assert len(first["Person"]) == len(demo_people.DEMO_PERSON_IDS)
    assert lines[0].name == "Emily Clarke"


def test_the_demo_people_tell_their_stories() -> None:
    demo_people.load_demo_people(today=TODAY)

    emily = TravelDocument.objects.get(number="927184536", issuing_state="GBR")
    assert (emily.expires_on - TODAY).days > 5 * 365
    sudarat = TravelDocument.objects.get(number="AC9187324", issuing_state="THA")
    assert 0 < (sudarat.expires_on - TODAY).days <= 31
    olivia = TravelDocument.objects.get(number="PA9731548", issuing_state="AUS")
    assert olivia.person_id == demo_people.OLIVIA
    assert (olivia.expires_on - TODAY).days > 5 * 365  # long enough for a travel authority
    assert not ArrivalRecord.objects.filter(person=demo_people.OLIVIA).exists()  # not here yet
    for document in TravelDocument.objects.all():
        assert parse_mrz(document.mrz, today=TODAY).document_number == document.number
    kenji = Person.objects.get(id=demo_people.KENJI)
    children = FamilyLink.objects.filter(adult=kenji)
    assert set(children.values_list("source", flat=True)) == {LinkSource.FOREIGN_BIRTH_CERTIFICATE}
    assert children.count() == 2
    newcomers = [demo_people.KENJI, demo_people.YUI]
    visas = ResidenceStatus.objects.filter(person__in=newcomers).values_list("visa_type", flat=True)
    assert set(visas) == {"Non-Immigrant B", "Non-Immigrant O"}
    assert ArrivalRecord.objects.filter(person__in=newcomers).count() == 2
    somsak = Address.objects.select_related("sub_district__district__province").get(
        person=demo_people.SOMSAK, valid_until=None
    )
    assert somsak.sub_district is not None
    assert somsak.sub_district.district.province.name_en == "Chiang Mai"
    births = FamilyLink.objects.filter(
        adult=demo_people.WICHAI, source=LinkSource.BIRTH_REGISTRATION
    )
    assert births.count() == 3
    national_ids = Person.objects.exclude(national_id=None).values_list("national_id", flat=True)
    assert all(pin.is_valid(str(number)) for number in national_ids)


def test_the_demo_people_and_a_generated_population_never_share_identifiers() -> None:
    demo_people.load_demo_people(today=TODAY)
    generate(3_000)

    for model, field in ((Person, "national_id"), (NationalIdCard, "laser_code")):
        values = list(model.objects.exclude(**{field: None}).values_list(field, flat=True))
        assert len(values) == len(set(values))
