"""Writing the catalogue: loading is idempotent and all or nothing; publishing opens a service.

Every write tells every process to refresh, and is audited.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml
from django.core.exceptions import ValidationError

from onegate.audit.models import AuditEvent
from onegate.catalogue.constants import LevelOfAssurance, ServiceStatus
from onegate.catalogue.models import Agency, LifeEvent, Service
from onegate.catalogue.selectors import catalogue_current, catalogue_revision_token
from onegate.catalogue.services import (
    DEMO_CATALOGUE,
    CatalogueDataError,
    LoadReport,
    catalogue_load,
    catalogue_revision_bump,
    catalogue_service_publish,
)
from onegate.catalogue.tests.factories import AgencyFactory, LifeEventFactory, ServiceFactory
from onegate.identity.models import User

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


def test_a_file_that_makes_a_service_live_loads_nothing(demo_document: dict[str, Any]) -> None:
    broken = copy.deepcopy(demo_document)
    service_entry(broken, "vehicle-tax")["status"] = "live"

    with pytest.raises(CatalogueDataError) as raised:
        catalogue_load(data=broken)

    [problem] = raised.value.problems
    assert problem.endswith(
        "\"vehicle-tax\": status: 'live' cannot be set in a catalogue file: a service goes live "
        "when its definition is published; use coming_soon"
    )
    assert not Service.objects.exists()


# Publishing a service definition: the one way a service goes live.

RENEWAL: dict[str, Any] = {
    "slug": "renew-driving-licence",
    "title": {"en": "Renew your driving licence online", "th": "ต่ออายุใบขับขี่ออนไลน์"},
    "summary": {"en": "Renew it in 10 minutes.", "th": "ต่ออายุได้ใน 10 นาที"},
    "agency_slug": "land-transport",
    "level_of_assurance": LevelOfAssurance.SUBSTANTIAL,
}


@pytest.fixture
def publisher() -> User:
    return User.objects.create_user("editor@example.gov", "password")


def test_publishing_creates_a_live_entry(publisher: User) -> None:
    agency = AgencyFactory.create(slug="courts")
    token = catalogue_revision_token()

    service = catalogue_service_publish(
        actor=publisher,
        slug="pay-a-court-fine",
        title={"en": "Pay a court fine", "th": "ชำระค่าปรับศาล"},
        summary={"en": "Pay online by card.", "th": "ชำระออนไลน์ด้วยบัตร"},
        agency_slug="courts",
        level_of_assurance=LevelOfAssurance.LOW,
    )

    stored = Service.objects.get(slug="pay-a-court-fine")
    assert stored.pk == service.pk
    assert (stored.status, stored.has_definition) == (ServiceStatus.LIVE, True)
    assert stored.title == {"en": "Pay a court fine", "th": "ชำระค่าปรับศาล"}
    assert (stored.agency_id, stored.level_of_assurance) == (agency.pk, "low")
    assert stored.keywords == {"en": [], "th": []}
    assert catalogue_revision_token() != token
    entry = catalogue_current().service("pay-a-court-fine")
    assert entry is not None and entry.is_live


def test_publishing_updates_the_entry_and_keeps_what_the_catalogue_owns(
    demo_catalogue: LoadReport, publisher: User
) -> None:
    before = Service.objects.get(slug="renew-driving-licence")
    token = catalogue_revision_token()

    catalogue_service_publish(actor=publisher, **RENEWAL)

    service = Service.objects.get(slug="renew-driving-licence")
    assert service.pk == before.pk
    assert (service.status, service.has_definition) == (ServiceStatus.LIVE, True)
    assert service.title == RENEWAL["title"]
    assert service.summary == RENEWAL["summary"]
    assert service.keywords == before.keywords
    assert service.popular_rank == before.popular_rank == 2
    assert set(service.life_events.values_list("slug", flat=True)) == {"driving"}
    assert catalogue_revision_token() != token
    entry = catalogue_current().service("renew-driving-licence")
    assert entry is not None and entry.is_live


def test_publishing_is_audited(demo_catalogue: LoadReport, publisher: User) -> None:
    service = catalogue_service_publish(actor=publisher, **RENEWAL)

    event = AuditEvent.objects.get(subject_id=str(service.pk))
    assert event.action == "catalogue.record_saved"
    assert event.purpose == "publish service definition"
    assert (event.actor_type, event.actor_id) == ("user", str(publisher.pk))
    assert event.subject_type == "catalogue.service"
    assert event.payload == {
        "slug": "renew-driving-licence",
        "created": False,
        "changed_fields": ["has_definition", "status", "summary", "title"],
    }


def test_publishing_the_same_definition_again_changes_nothing_but_is_recorded(
    demo_catalogue: LoadReport, publisher: User
) -> None:
    catalogue_service_publish(actor=publisher, **RENEWAL)
    token = catalogue_revision_token()

    catalogue_service_publish(actor=publisher, **RENEWAL)

    assert catalogue_revision_token() == token, "nothing changed: no process need refresh"
    events = AuditEvent.objects.filter(purpose="publish service definition")
    assert [event.payload["changed_fields"] for event in events.order_by("created_at")] == [
        ["has_definition", "status", "summary", "title"],
        [],
    ]


def test_a_published_service_stays_live_when_the_file_is_loaded_again(
    demo_document: dict[str, Any], publisher: User
) -> None:
    catalogue_load(data=demo_document)
    catalogue_service_publish(actor=publisher, **RENEWAL)

    catalogue_load(data=demo_document)  # the file still says coming_soon

    service = Service.objects.get(slug="renew-driving-licence")
    assert service.status == ServiceStatus.LIVE
    assert service.title == RENEWAL["title"]


def test_publishing_a_retired_service_opens_it_again(publisher: User) -> None:
    ServiceFactory(
        slug="renew-driving-licence", agency=AgencyFactory(slug="land-transport"), retired=True
    )

    catalogue_service_publish(actor=publisher, **RENEWAL)

    assert Service.objects.get(slug="renew-driving-licence").status == ServiceStatus.LIVE


def test_publishing_for_an_unknown_agency_is_refused(
    demo_catalogue: LoadReport, publisher: User
) -> None:
    with pytest.raises(ValidationError) as raised:
        catalogue_service_publish(
            actor=publisher, **(RENEWAL | {"agency_slug": "ministry-of-magic"})
        )

    assert raised.value.message_dict == {
        "agency": [
            "No agency has the slug “ministry-of-magic”. Add the agency to the catalogue "
            "before publishing the service."
        ]
    }
    assert Service.objects.get(slug="renew-driving-licence").status == ServiceStatus.COMING_SOON
    assert not AuditEvent.objects.filter(purpose="publish service definition").exists()


def test_publishing_cannot_move_a_service_to_another_agency(
    demo_catalogue: LoadReport, publisher: User
) -> None:
    AgencyFactory.create(slug="health")
    before = Service.objects.get(slug="renew-driving-licence")
    token = catalogue_revision_token()

    with pytest.raises(ValidationError) as raised:
        catalogue_service_publish(actor=publisher, **(RENEWAL | {"agency_slug": "health"}))

    assert raised.value.message_dict == {
        "agency": [
            "The service “renew-driving-licence” belongs to the agency “land-transport”. "
            "Publishing cannot move it to “health”."
        ]
    }
    after = Service.objects.select_related("agency").get(slug="renew-driving-licence")
    assert (after.agency.slug, after.title, after.status) == (
        "land-transport",
        before.title,
        ServiceStatus.COMING_SOON,
    )
    assert catalogue_revision_token() == token
    assert not AuditEvent.objects.filter(purpose="publish service definition").exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": {"en": "Renew your driving licence"}}, "title"),
        ({"summary": {"en": "Renew it.", "th": " "}}, "summary"),
        ({"level_of_assurance": "medium"}, "level_of_assurance"),
        ({"slug": "Renew Licence"}, "slug"),
    ],
)
def test_publishing_invalid_values_writes_nothing(
    demo_catalogue: LoadReport, publisher: User, change: dict[str, Any], field: str
) -> None:
    before = Service.objects.get(slug="renew-driving-licence")

    with pytest.raises(ValidationError) as raised:
        catalogue_service_publish(actor=publisher, **(RENEWAL | change))

    assert list(raised.value.message_dict) == [field]
    after = Service.objects.get(slug="renew-driving-licence")
    assert (after.title, after.status, after.has_definition) == (before.title, "coming_soon", False)
    assert Service.objects.count() == demo_catalogue.services.created
    assert not AuditEvent.objects.filter(purpose="publish service definition").exists()
