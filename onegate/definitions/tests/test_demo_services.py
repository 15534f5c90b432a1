"""The demo services' definition files: they are publishable, agree with the catalogue, and load.

Every file must pass ``definition_check`` (it compiles and its rules tests pass), say what the
demo catalogue says about the service (the definition becomes the source of truth on publish),
and ``load_demo_definitions`` must publish all five once: a second run publishes nothing, an
edited file publishes a new version, and the catalogue then shows the services live.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from onegate.catalogue.constants import ServiceStatus
from onegate.catalogue.selectors import catalogue_current, catalogue_forget
from onegate.catalogue.services import DEMO_CATALOGUE, catalogue_load_file
from onegate.core.management.commands.demo_setup import DEMO_LOADERS
from onegate.definitions.constants import VersionStatus
from onegate.definitions.demo import demo_definition_files, load_demo_definitions
from onegate.definitions.language.model import FIELD_TYPES, ServiceDefinition
from onegate.definitions.models import DefinitionVersion
from onegate.definitions.services import definition_draft_save, definition_publish
from onegate.definitions.tests.support import service_owner

DEMO_SLUGS = {
    "electronic-travel-authority",
    "child-health-card",
    "renew-driving-licence",
    "tell-us-you-have-moved",
    "national-id-card",
}
FILES = demo_definition_files()


def _model(path: Path) -> ServiceDefinition:
    return ServiceDefinition.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def _catalogue_services() -> dict[str, dict]:
    data = yaml.safe_load(DEMO_CATALOGUE.read_text(encoding="utf-8"))
    return {service["slug"]: service for service in data["services"]}


def _field_types(fields: list) -> set[str]:
    found = set()
    for field in fields:
        found.add(field.type)
        found |= _field_types(getattr(field, "fields", []))
    return found


def test_there_is_one_file_per_demo_service_named_after_it():
    assert {path.stem for path in FILES} == DEMO_SLUGS
    assert all(_model(path).service == path.stem for path in FILES)


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_each_file_says_what_the_catalogue_says(path):
    model, entry = _model(path), _catalogue_services()[path.stem]

    assert model.title == entry["title"]
    assert model.summary == entry["summary"]
    assert (model.agency, str(model.level_of_assurance)) == (
        entry["agency"],
        entry["level_of_assurance"],
    )
    if "visit" in entry:
        assert model.appointment is not None
        assert model.appointment.reason == entry["visit"]["reason"]


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_each_file_is_publishable(path, real_language):
    from onegate.definitions.language import definition_check

    problems = definition_check(path.read_text(encoding="utf-8"))

    assert [str(problem) for problem in problems] == []


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_each_file_tests_every_outcome_it_can_reach(path):
    model = _model(path)
    reachable = {rule.outcome for rule in model.decision.rules} | {model.decision.otherwise.outcome}
    expected = {example.expect_outcome for example in model.tests if example.expect_outcome}
    ineligible = {e.expect_ineligible_because for e in model.tests if not e.expect_eligible}

    assert expected == reachable
    assert ineligible == {rule.id for rule in model.eligibility}


def test_the_demo_files_use_every_field_type_between_them():
    used = set().union(*(_field_types([f for _, f in _model(p).all_fields()]) for p in FILES))

    assert used == set(FIELD_TYPES)


def test_the_demo_setup_loads_the_definitions_after_the_staff_and_the_catalogue():
    commands = [command for command, _ in DEMO_LOADERS]

    assert commands.index("load_demo_definitions") > commands.index("load_demo_staff")
    assert commands.index("load_demo_definitions") > commands.index("load_catalogue")


@pytest.fixture
def catalogue(db):
    catalogue_load_file(path=DEMO_CATALOGUE)
    catalogue_forget()
    yield
    catalogue_forget()


def _published() -> dict[str, list[int | None]]:
    versions = DefinitionVersion.objects.filter(status=VersionStatus.PUBLISHED)
    found: dict[str, list[int | None]] = {}
    for slug, number in versions.values_list("definition__slug", "number").order_by("number"):
        found.setdefault(slug, []).append(number)
    return found


def test_loading_publishes_all_five_as_their_owners(catalogue):
    owner = service_owner("service.owner@demo.onegate.test", "immigration")

    loaded = load_demo_definitions()

    assert {item.service for item in loaded if item.published} == DEMO_SLUGS
    assert _published() == {slug: [1] for slug in DEMO_SLUGS}
    publishers = dict(
        DefinitionVersion.objects.values_list("definition__slug", "published_by__email")
    )
    assert publishers["electronic-travel-authority"] == owner.email
    assert publishers["national-id-card"] is None  # no service owner there: the platform


def test_loading_again_publishes_nothing(catalogue):
    load_demo_definitions()

    again = load_demo_definitions()

    assert not any(item.published for item in again)
    assert [item.number for item in again] == [1] * len(DEMO_SLUGS)
    assert DefinitionVersion.objects.count() == len(DEMO_SLUGS)


def test_an_edited_file_publishes_a_new_version(catalogue, tmp_path):
    load_demo_definitions()
    for path in FILES:
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    eta = tmp_path / "electronic-travel-authority.yaml"
    eta.write_text(
        eta.read_text(encoding="utf-8").replace(
            "  en: Apply for an electronic travel authority",
            "  en: Apply for an electronic travel authority (ETA)",
            1,
        ),
        encoding="utf-8",
    )

    loaded = load_demo_definitions(directory=tmp_path)

    assert [item.service for item in loaded if item.published] == ["electronic-travel-authority"]
    assert _published()["electronic-travel-authority"] == [1, 2]
    catalogue_forget()
    entry = catalogue_current().service("electronic-travel-authority")
    assert entry is not None
    assert entry.title["en"] == "Apply for an electronic travel authority (ETA)"


def _edited_copy(tmp_path: Path, title: str) -> Path:
    """The demo files in ``tmp_path``, the travel authority's English title changed."""
    for path in FILES:
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    eta = tmp_path / "electronic-travel-authority.yaml"
    text = eta.read_text(encoding="utf-8")
    eta.write_text(
        text.replace("  en: Apply for an electronic travel authority", f"  en: {title}", 1),
        encoding="utf-8",
    )
    return tmp_path


def test_an_edited_file_does_not_overwrite_an_open_draft(catalogue, tmp_path):
    # given the demo loaded, and the service owner's draft of the travel authority
    owner = service_owner("service.owner@demo.onegate.test", "immigration")
    load_demo_definitions()
    eta = DefinitionVersion.objects.get(definition__slug="electronic-travel-authority")
    draft = definition_draft_save(actor=owner, source=eta.source + "# mine\n", note="Mine")
    warnings = io.StringIO()

    loaded = load_demo_definitions(directory=_edited_copy(tmp_path, "ETA"), warnings=warnings)

    skipped = [item for item in loaded if item.skipped]
    assert [(item.service, item.number) for item in skipped] == [("electronic-travel-authority", 1)]
    assert "electronic-travel-authority not loaded: a draft is open" in warnings.getvalue()
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT and draft.source.endswith("# mine\n")
    assert _published()["electronic-travel-authority"] == [1]


def test_an_edited_file_does_not_publish_over_a_service_owners_version(catalogue, tmp_path):
    # given the demo loaded, and version 2 published by the service owner in the designer
    owner = service_owner("service.owner@demo.onegate.test", "immigration")
    load_demo_definitions()
    eta = DefinitionVersion.objects.get(definition__slug="electronic-travel-authority")
    draft = definition_draft_save(actor=owner, source=eta.source + "# mine\n")
    definition_publish(actor=owner, version=draft, note="Ours now")
    warnings = io.StringIO()

    loaded = load_demo_definitions(directory=_edited_copy(tmp_path, "ETA"), warnings=warnings)

    assert not any(item.published for item in loaded)
    assert "version 2 in use was not loaded from the demo file" in warnings.getvalue()
    assert _published()["electronic-travel-authority"] == [1, 2]
    catalogue_forget()
    entry = catalogue_current().service("electronic-travel-authority")
    assert entry is not None and entry.title["en"] == "Apply for an electronic travel authority"


def test_the_catalogue_shows_the_demo_services_live_with_the_definitions_titles(catalogue):
    call_command("load_demo_definitions", verbosity=0)
    catalogue_forget()

    current = catalogue_current()
    for path in FILES:
        entry = current.service(path.stem)
        assert entry is not None
        assert entry.status == ServiceStatus.LIVE
        assert entry.has_definition
        assert entry.title == _model(path).title


def test_the_service_page_shows_the_published_title(catalogue, client):
    call_command("load_demo_definitions", verbosity=0)
    catalogue_forget()

    page = client.get("/services/child-health-card/")

    assert page.status_code == 200
    assert "Get a health card for your child" in page.content.decode()
