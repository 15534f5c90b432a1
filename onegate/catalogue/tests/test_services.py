"""Loading the catalogue: idempotent, all or nothing, and it tells every process to refresh."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from onegate.audit.models import AuditEvent
from onegate.catalogue.models import Agency, LifeEvent, Service
from onegate.catalogue.selectors import catalogue_revision_token
from onegate.catalogue.services import (
    DEMO_CATALOGUE,
    CatalogueDataError,
    LoadReport,
    catalogue_load,
    catalogue_revision_bump,
)
from onegate.catalogue.tests.factories import LifeEventFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_document() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(DEMO_CATALOGUE.read_text(encoding="utf-8"))
    return document


def service_entry(document: dict[str, Any], slug: str) -> dict[str, Any]:
    entry: dict[str, Any] = next(s for s in document["services"] if s["slug"] == slug)
    return entry


def test_first_load_creates_everything(demo_catalogue: LoadReport) -> None:
    assert demo_catalogue.agencies.created == Agency.objects.count() >= 5
    assert demo_catalogue.life_events.created == LifeEvent.objects.count() >= 5
    assert demo_catalogue.services.created == Service.objects.count() >= 12
    renew = Service.objects.get(slug="renew-driving-licence")
    assert renew.title == {"en": "Renew your driving licence", "th": "ต่ออายุใบขับขี่"}
    assert set(renew.life_events.values_list("slug", flat=True)) == {"driving"}


def test_loading_twice_changes_nothing(demo_document: dict[str, Any]) -> None:
    catalogue_load(data=demo_document)
    token = catalogue_revision_token()

    report = catalogue_load(data=demo_document)

    assert (report.services.created, report.services.updated) == (0, 0)
    assert report.services.unchanged == Service.objects.count()
    assert report.agencies.unchanged == Agency.objects.count()
    assert report.life_events.unchanged == LifeEvent.objects.count()
    assert catalogue_revision_token() == token, "an unchanged load must not refresh every process"


def test_changed_text_and_life_events_are_updated(demo_document: dict[str, Any]) -> None:
    catalogue_load(data=demo_document)
    changed = copy.deepcopy(demo_document)
    service_entry(changed, "vehicle-tax")["title"]["en"] = "Pay your vehicle tax"
    service_entry(changed, "register-a-birth")["life_events"] = ["having-a-baby", "moving-house"]

    report = catalogue_load(data=changed)

    assert report.services.updated == 2
    assert report.services.created == 0
    assert Service.objects.get(slug="vehicle-tax").title["en"] == "Pay your vehicle tax"
    birth = Service.objects.get(slug="register-a-birth")
    assert set(birth.life_events.values_list("slug", flat=True)) == {
        "having-a-baby",
        "moving-house",
    }


def test_a_published_definition_keeps_its_own_title(demo_document: dict[str, Any]) -> None:
    catalogue_load(data=demo_document)
    Service.objects.filter(slug="vehicle-tax").update(
        has_definition=True, title={"en": "Pay vehicle tax online", "th": "ชำระภาษีรถออนไลน์"}
    )
    changed = copy.deepcopy(demo_document)
    service_entry(changed, "vehicle-tax")["keywords"]["en"].append("road fund")

    catalogue_load(data=changed)

    service = Service.objects.get(slug="vehicle-tax")
    assert service.title["en"] == "Pay vehicle tax online"
    assert "road fund" in service.keywords["en"]


def test_unknown_references_load_nothing(demo_document: dict[str, Any]) -> None:
    broken = copy.deepcopy(demo_document)
    service_entry(broken, "vehicle-tax")["agency"] = "ministry-of-magic"
    service_entry(broken, "register-a-birth")["life_events"] = ["getting-married"]

    with pytest.raises(CatalogueDataError) as raised:
        catalogue_load(data=broken)

    problems = raised.value.problems
    assert len(problems) == 2
    assert any(
        "\"vehicle-tax\": agency: no agency has the slug 'ministry-of-magic'" in problem
        for problem in problems
    )
    assert any(
        "\"register-a-birth\": life_events: no life event has the slug 'getting-married'" in problem
        for problem in problems
    )
    assert not Agency.objects.exists(), "agencies written before the error must be rolled back"
    assert not Service.objects.exists()


def test_a_bad_entry_late_in_the_file_loads_nothing(demo_document: dict[str, Any]) -> None:
    broken = copy.deepcopy(demo_document)
    broken["services"][-1]["summary"] = {"en": "Sell a car."}

    with pytest.raises(CatalogueDataError, match="summary: The Thai text is missing"):
        catalogue_load(data=broken)

    assert not Service.objects.exists()


def test_references_may_point_at_entries_already_in_the_database(
    demo_document: dict[str, Any],
) -> None:
    catalogue_load(data=demo_document)
    only_one = {"services": [service_entry(copy.deepcopy(demo_document), "vehicle-tax")]}
    only_one["services"][0]["title"]["th"] = "ต่อภาษีรถประจำปี"

    report = catalogue_load(data=only_one)

    assert report.services.updated == 1
    assert Service.objects.get(slug="vehicle-tax").title["th"] == "ต่อภาษีรถประจำปี"


def test_every_kind_of_change_moves_the_revision() -> None:
    assert catalogue_revision_token() is None
    service = ServiceFactory.create()
    event = LifeEventFactory.create()
    changes = {
        "link a life event": lambda: service.life_events.add(event),
        "unlink it": lambda: service.life_events.remove(event),
        "edit a service": lambda: service.save(),
        "delete a service": lambda: service.delete(),
        "bump by hand after a bulk update": catalogue_revision_bump,
    }
    for change, make in changes.items():
        before = catalogue_revision_token()
        make()
        assert catalogue_revision_token() != before, change


def test_a_load_that_changes_the_catalogue_is_audited_once(demo_document: dict[str, Any]) -> None:
    catalogue_load(data=demo_document)
    catalogue_load(data=demo_document)  # unchanged: nothing to record

    events = AuditEvent.objects.filter(action="catalogue.loaded")
    assert events.count() == 1
    event = events.get()
    assert event.actor_type == "system"
    assert event.payload["services"]["created"] == Service.objects.count()


def test_a_refused_load_leaves_no_audit_record(demo_document: dict[str, Any]) -> None:
    broken = copy.deepcopy(demo_document)
    broken["services"][0]["title"] = {"en": "No Thai"}
    with pytest.raises(CatalogueDataError):
        catalogue_load(data=broken)
    assert not AuditEvent.objects.exists()
