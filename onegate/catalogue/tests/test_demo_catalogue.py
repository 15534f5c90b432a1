"""The demo catalogue: the services PRODUCT.md promises, written well in both languages."""

from __future__ import annotations

import re

import pytest

from onegate.catalogue.constants import ServiceStatus
from onegate.catalogue.models import Agency, LifeEvent, Service
from onegate.catalogue.services import LoadReport

pytestmark = pytest.mark.django_db

THAI = re.compile(r"[\u0e00-\u0e7f]")

PROMISED_SERVICES = {
    "electronic-travel-authority",
    "child-health-card",
    "renew-driving-licence",
    "tell-us-you-have-moved",
    "book-service-centre-appointment",
    "register-a-birth",
    "apply-for-a-passport",
    "national-id-card",
    "family-residence-permit",
    "school-enrolment",
    "vehicle-tax",
}
PROMISED_LIFE_EVENTS = {
    "having-a-baby",
    "moving-to-the-country",
    "travelling",
    "moving-house",
    "driving",
}


def test_the_promised_services_and_life_events_are_there(demo_catalogue: LoadReport) -> None:
    assert Agency.objects.count() >= 5
    assert Service.objects.count() >= 12
    assert set(Service.objects.values_list("slug", flat=True)) >= PROMISED_SERVICES
    assert set(LifeEvent.objects.values_list("slug", flat=True)) >= PROMISED_LIFE_EVENTS


def test_no_demo_service_is_live_before_its_definition_is_published(
    demo_catalogue: LoadReport,
) -> None:
    assert not Service.objects.filter(status=ServiceStatus.LIVE).exists()
    assert not Service.objects.filter(has_definition=True).exists()


def test_the_demo_journeys_are_the_popular_services(demo_catalogue: LoadReport) -> None:
    popular = Service.objects.filter(popular_rank__isnull=False).order_by("popular_rank")
    assert list(popular.values_list("slug", flat=True)[:5]) == [
        "electronic-travel-authority",
        "renew-driving-licence",
        "tell-us-you-have-moved",
        "child-health-card",
        "book-service-centre-appointment",
    ]


def test_every_text_is_written_in_thai(demo_catalogue: LoadReport) -> None:
    for service in Service.objects.all():
        for field in ("title", "summary"):
            assert THAI.search(getattr(service, field)["th"]), (service.slug, field)
            assert not THAI.search(getattr(service, field)["en"]), (service.slug, field)
        assert service.keywords["th"], service.slug
    for event in LifeEvent.objects.all():
        assert THAI.search(event.title["th"]) and THAI.search(event.summary["th"]), event.slug
    for agency in Agency.objects.all():
        assert THAI.search(agency.name["th"]) and THAI.search(agency.description["th"]), agency.slug


def test_every_life_event_and_agency_has_services(demo_catalogue: LoadReport) -> None:
    for event in LifeEvent.objects.all():
        assert event.services.exists(), event.slug
    for agency in Agency.objects.all():
        assert agency.services.exists(), agency.slug
