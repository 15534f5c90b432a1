"""Catalogue records: translated text in both languages, keyword lists, live only if defined."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from onegate.catalogue.constants import ServiceStatus
from onegate.catalogue.models import Service
from onegate.catalogue.tests.factories import AgencyFactory, LifeEventFactory, ServiceFactory
from onegate.catalogue.validators import validate_keyword_map, validate_text_map

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "value",
    [
        {"en": "Renew your driving licence", "th": "ต่ออายุใบขับขี่"},
        {"th": "ต่ออายุใบขับขี่", "en": "  Renew  "},
    ],
)
def test_text_map_with_both_languages_is_valid(value: dict[str, str]) -> None:
    validate_text_map(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ({"en": "Renew your driving licence"}, "missing"),
        ({"en": "Renew", "th": ""}, "empty"),
        ({"en": "   ", "th": "ต่ออายุ"}, "empty"),
        ({"en": "Renew", "th": None}, "empty"),
        ({"en": "Renew", "th": "ต่ออายุ", "tha": "ต่ออายุ"}, "unknown_language"),
        ("Renew your driving licence", "not_a_map"),
        (["Renew", "ต่ออายุ"], "not_a_map"),
    ],
)
def test_text_map_without_both_languages_is_refused(value: object, code: str) -> None:
    with pytest.raises(ValidationError) as raised:
        validate_text_map(value)
    assert raised.value.code == code


def test_missing_language_is_named_in_the_message() -> None:
    with pytest.raises(ValidationError) as raised:
        validate_text_map({"en": "Renew"})
    assert "Thai" in raised.value.messages[0]


def test_keyword_map_allows_an_empty_list_but_not_a_missing_language() -> None:
    validate_keyword_map({"en": ["licence", "license"], "th": []})
    with pytest.raises(ValidationError):
        validate_keyword_map({"en": ["licence"]})


@pytest.mark.parametrize(
    "value",
    [{"en": "licence", "th": []}, {"en": ["licence", ""], "th": []}, {"en": [3], "th": []}],
)
def test_keywords_must_be_lists_of_words(value: object) -> None:
    with pytest.raises(ValidationError):
        validate_keyword_map(value)


def test_service_full_clean_refuses_a_title_without_thai() -> None:
    service = ServiceFactory.build(
        agency=AgencyFactory(), title={"en": "Renew your driving licence", "th": ""}
    )
    with pytest.raises(ValidationError) as raised:
        service.full_clean()
    assert "title" in raised.value.message_dict


def test_records_read_as_their_english_names() -> None:
    assert (
        str(AgencyFactory(name={"en": "Immigration Bureau", "th": "ตม."})) == "Immigration Bureau"
    )
    assert str(LifeEventFactory(title={"en": "Moving house", "th": "ย้ายบ้าน"})) == "Moving house"
    assert (
        str(ServiceFactory(title={"en": "Register a birth", "th": "แจ้งเกิด"})) == "Register a birth"
    )


def test_service_primary_keys_are_uuids_and_slugs_are_unique() -> None:
    service = ServiceFactory.create(slug="register-a-birth")
    assert len(str(service.pk)) == 36
    duplicate = ServiceFactory.build(slug="register-a-birth", agency=service.agency)
    with pytest.raises(ValidationError) as raised:
        duplicate.full_clean()
    assert "slug" in raised.value.message_dict


def test_the_database_refuses_a_live_service_without_a_definition() -> None:
    agency = AgencyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceFactory(agency=agency, status=ServiceStatus.LIVE, has_definition=False)
    service = ServiceFactory.create(agency=agency, live=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Service.objects.filter(pk=service.pk).update(has_definition=False)


@pytest.mark.parametrize(
    "status", [ServiceStatus.COMING_SOON, ServiceStatus.RETIRED, ServiceStatus.LIVE]
)
def test_a_service_with_a_definition_may_have_any_status(status: ServiceStatus) -> None:
    ServiceFactory.create(status=status, has_definition=True).full_clean()


def test_full_clean_explains_why_a_service_cannot_be_live_yet() -> None:
    service = ServiceFactory.build(agency=AgencyFactory(), status=ServiceStatus.LIVE)
    with pytest.raises(ValidationError) as raised:
        service.full_clean()
    assert raised.value.message_dict == {
        "status": [
            "A service goes live when its service definition is published. "
            "Until then, choose Coming soon."
        ]
    }


def test_services_are_coming_soon_unless_made_live() -> None:
    assert ServiceFactory().status == ServiceStatus.COMING_SOON
    live = ServiceFactory.create(live=True)
    assert (live.status, live.has_definition) == (ServiceStatus.LIVE, True)


def test_the_reason_is_translated() -> None:
    service = ServiceFactory.build(agency=AgencyFactory(), status=ServiceStatus.LIVE)
    with pytest.raises(ValidationError) as raised:
        service.full_clean()
    with translation.override("th"):
        assert "เผยแพร่นิยามบริการ" in raised.value.message_dict["status"][0]
