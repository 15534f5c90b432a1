"""A definition's versions: draft, publish, rollback, retire; immutability; the catalogue entry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from onegate.audit.constants import DefinitionAction
from onegate.audit.models import AuditEvent
from onegate.catalogue.constants import ServiceStatus
from onegate.catalogue.models import Service
from onegate.catalogue.tests.factories import AgencyFactory, ServiceFactory
from onegate.definitions.constants import VersionStatus
from onegate.definitions.language import DefinitionInvalid
from onegate.definitions.models import Definition, DefinitionVersion
from onegate.definitions.services import (
    DefinitionRefused,
    definition_draft_save,
    definition_publish,
    definition_retire,
    definition_rollback,
)
from onegate.definitions.tests.support import (
    FISHING,
    SLUG,
    fishing,
    retitled,
    service_owner,
    with_failing_test,
)
from onegate.identity.tests.account_fixtures import make_account

pytestmark = pytest.mark.django_db


def actions() -> list[str]:
    return list(
        AuditEvent.objects.filter(action__startswith="definitions.")
        .order_by("created_at")
        .values_list("action", flat=True)
    )


@pytest.fixture
def owner():
    return service_owner()


def published(owner, source: str = FISHING, note: str = "First version") -> DefinitionVersion:
    draft = definition_draft_save(actor=owner, source=source)
    return definition_publish(actor=owner, version=draft, note=note)


def test_the_first_save_makes_the_definition_and_its_only_draft(owner):
    draft = definition_draft_save(actor=owner, source=FISHING, note="Start")

    definition = Definition.objects.get(slug=SLUG)
    assert definition.agency_slug == "immigration"
    assert (draft.status, draft.number, draft.created_by) == (VersionStatus.DRAFT, None, owner)
    assert len(draft.checksum) == 64
    again = definition_draft_save(actor=owner, source=retitled("Fish in a park"))
    assert again.pk == draft.pk and "Fish in a park" in again.source
    assert definition.versions.count() == 1
    assert actions() == [DefinitionAction.DRAFT_SAVED] * 2
    event = AuditEvent.objects.filter(subject_id=str(draft.pk)).first()
    assert event is not None and event.actor_id


def test_text_that_does_not_compile_is_refused_and_nothing_is_written(owner):
    with pytest.raises(DefinitionInvalid) as refused:
        definition_draft_save(actor=owner, source="service: [unclosed")
    assert refused.value.problems
    assert not Definition.objects.exists() and not actions()


def test_publishing_numbers_the_version_and_opens_the_service_in_the_catalogue(owner):
    version = published(owner)

    assert (version.status, version.number, version.published_by) == ("published", 1, owner)
    assert version.change_note == "First version" and version.published_at is not None
    service = Service.objects.get(slug=SLUG)
    assert service.title == {"en": "Get a fishing permit", "th": "ขอใบอนุญาตตกปลา"}
    assert service.summary["en"] == "Fish in the waters of a national park."
    assert (service.agency.slug, service.level_of_assurance) == ("immigration", "substantial")
    assert service.status == ServiceStatus.LIVE and service.has_definition
    assert actions() == [DefinitionAction.DRAFT_SAVED, DefinitionAction.VERSION_PUBLISHED]
    event = AuditEvent.objects.get(action=DefinitionAction.VERSION_PUBLISHED)
    assert event.subject_id == str(version.pk) and event.actor_id
    assert (event.payload["number"], event.payload["note"]) == (1, "First version")


def test_the_next_publish_updates_the_catalogue_entry(owner):
    published(owner)
    draft = definition_draft_save(actor=owner, source=retitled("Get a permit to fish"))
    assert draft.based_on is not None and draft.based_on.number == 1

    second = definition_publish(actor=owner, version=draft, note="Clearer title")

    assert second.number == 2
    assert Service.objects.get(slug=SLUG).title["en"] == "Get a permit to fish"
    first = DefinitionVersion.objects.get(number=1)
    assert first.status == VersionStatus.PUBLISHED  # kept for applications pinned to it


def test_a_publish_sent_twice_publishes_once(owner):
    draft = definition_draft_save(actor=owner, source=FISHING)
    first = definition_publish(actor=owner, version=draft, note="Go")
    again = definition_publish(actor=owner, version=draft, note="Go")

    assert again.pk == first.pk and again.number == 1
    assert DefinitionVersion.objects.count() == 1
    assert actions().count(DefinitionAction.VERSION_PUBLISHED) == 1


def test_publishing_needs_a_change_note(owner):
    draft = definition_draft_save(actor=owner, source=FISHING)
    with pytest.raises(DefinitionRefused) as refused:
        definition_publish(actor=owner, version=draft, note="  ")
    assert refused.value.code == "note_required"
    assert DefinitionVersion.objects.get().status == VersionStatus.DRAFT


def test_a_failing_rules_test_saves_as_a_draft_but_blocks_publishing(owner):
    draft = definition_draft_save(actor=owner, source=with_failing_test())

    with pytest.raises(DefinitionInvalid) as refused:
        definition_publish(actor=owner, version=draft, note="Try")

    assert [p.code for p in refused.value.problems] == ["test_failed"]
    assert "tests[3]" in refused.value.problems[0].where
    draft.refresh_from_db()
    assert (draft.status, draft.number) == (VersionStatus.DRAFT, None)
    assert not Service.objects.filter(slug=SLUG).exists()
    assert actions() == [DefinitionAction.DRAFT_SAVED]


def test_published_versions_cannot_change_in_the_database(owner):
    version = published(owner)
    someone = service_owner("someone@immigration.test")
    changes = (
        {"source": "changed"},
        {"checksum": "0" * 64},
        {"status": "draft"},
        {"change_note": "What it really was"},
        {"published_by": someone},
        {"published_by": None},
        {"published_at": timezone.now() - timedelta(days=1)},
    )
    for change in changes:
        with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
            DefinitionVersion.objects.filter(pk=version.pk).update(**change)
    stored = DefinitionVersion.objects.get(pk=version.pk)
    assert (stored.source, stored.status, stored.change_note) == (
        FISHING,
        VersionStatus.PUBLISHED,
        "First version",
    )
    assert (stored.published_by, stored.published_at) == (owner, version.published_at)


def test_a_retired_version_is_never_published_again_in_the_database(owner):
    first = published(owner)
    published(owner, retitled("Second"), note="Second")
    definition_retire(actor=owner, version=first, note="Unused")

    for status in (VersionStatus.PUBLISHED, VersionStatus.DRAFT):
        with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
            DefinitionVersion.objects.filter(pk=first.pk).update(status=status)
    assert DefinitionVersion.objects.get(pk=first.pk).status == VersionStatus.RETIRED


def test_released_versions_cannot_be_deleted_but_a_draft_can(owner):
    first = published(owner)
    published(owner, retitled("Second"), note="Second")
    definition_retire(actor=owner, version=first, note="Unused")
    draft = definition_draft_save(actor=owner, source=retitled("Third"))

    for status in (VersionStatus.PUBLISHED, VersionStatus.RETIRED):
        with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
            DefinitionVersion.objects.filter(status=status).delete()
    DefinitionVersion.objects.filter(pk=draft.pk).delete()

    assert sorted(v.number or 0 for v in DefinitionVersion.objects.all()) == [1, 2]


def test_the_account_that_published_a_version_cannot_be_deleted(owner):
    published(owner)
    with pytest.raises(ProtectedError):
        owner.delete()
    assert DefinitionVersion.objects.get().published_by == owner


def test_a_definition_has_at_most_one_draft(owner):
    draft = definition_draft_save(actor=owner, source=FISHING)
    with pytest.raises(IntegrityError), transaction.atomic():
        DefinitionVersion.objects.create(
            definition=draft.definition, source=FISHING, checksum=draft.checksum
        )


def test_rollback_publishes_the_earlier_text_as_the_newest_version(owner):
    first = published(owner)
    published(owner, retitled("Get a permit to fish"), note="Clearer title")

    back = definition_rollback(
        actor=owner, definition=first.definition, to_number=1, note="People searched the old one"
    )

    assert (back.number, back.status, back.based_on) == (3, VersionStatus.PUBLISHED, first)
    assert back.source == first.source and back.change_note == "People searched the old one"
    assert Service.objects.get(slug=SLUG).title["en"] == "Get a fishing permit"
    assert actions()[-1] == DefinitionAction.VERSION_ROLLED_BACK


def test_a_rollback_to_the_text_in_use_writes_nothing(owner):
    # given version 3, which is version 1 rolled back to
    first = published(owner)
    published(owner, retitled("Get a permit to fish"), note="Clearer title")
    back = definition_rollback(actor=owner, definition=first.definition, to_number=1, note="Back")
    before = actions()

    # when the rollback is sent again, or made to version 3 itself (the one in use)
    again = definition_rollback(actor=owner, definition=first.definition, to_number=1, note="Back")
    itself = definition_rollback(actor=owner, definition=first.definition, to_number=3, note="")

    # then the version in use is the answer, and nothing is written
    assert again.pk == itself.pk == back.pk and back.number == 3
    assert DefinitionVersion.objects.count() == 3
    assert actions() == before


def test_a_draft_stays_a_draft_across_a_rollback(owner):
    first = published(owner)
    published(owner, retitled("Second"), note="Second")
    draft = definition_draft_save(actor=owner, source=retitled("Third"))

    definition_rollback(actor=owner, definition=first.definition, to_number=1, note="Back")
    third = definition_publish(actor=owner, version=draft, note="Third")

    assert third.number == 4


def test_retiring_an_older_version_keeps_the_current_one(owner):
    first = published(owner)
    published(owner, retitled("Second"), note="Second")

    retired = definition_retire(actor=owner, version=first, note="No application uses it")

    assert retired.status == VersionStatus.RETIRED and retired.retire_note
    assert Service.objects.get(slug=SLUG).title["en"] == "Second"
    assert actions()[-1] == DefinitionAction.VERSION_RETIRED


def test_retiring_the_current_version_brings_back_the_previous_one(owner):
    published(owner)
    second = published(owner, retitled("Second"), note="Second")

    definition_retire(actor=owner, version=second, note="A mistake in the title")

    assert Service.objects.get(slug=SLUG).title["en"] == "Get a fishing permit"


def test_the_last_published_version_cannot_be_retired(owner):
    version = published(owner)
    with pytest.raises(DefinitionRefused) as refused:
        definition_retire(actor=owner, version=version, note="Stop")
    assert refused.value.code == "last_published"
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED


def test_another_agencys_owner_and_a_citizen_can_change_nothing(owner):
    draft = definition_draft_save(actor=owner, source=FISHING)
    nurse = service_owner("owner@health.test", agency="health")
    citizen = make_account("somchai@example.test")

    for outsider in (nurse, citizen):
        with pytest.raises(DefinitionInvalid) as refused:
            definition_draft_save(actor=outsider, source=retitled("Mine now"))
        assert refused.value.problems[0].where == "agency"
        with pytest.raises(DefinitionRefused):
            definition_publish(actor=outsider, version=draft, note="Mine")
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT and "Mine now" not in draft.source


def test_a_file_cannot_move_a_service_to_another_agency(owner):
    definition_draft_save(actor=owner, source=FISHING)
    # a hint whose text starts with "agency:" comes before the file's own agency
    hint = "          en: |-\n            agency: any days\n"
    moved = fishing(
        ("agency: immigration", "agency: health"), ("          en: Up to 30 days.\n", hint)
    )
    with pytest.raises(DefinitionInvalid) as refused:
        definition_draft_save(actor=None, source=moved)
    assert refused.value.problems[0].code == "agency"
    assert refused.value.problems[0].line == moved.splitlines().index("agency: health") + 1


# A service the catalogue lists before anyone has written its definition.
PASSPORT = fishing(
    ("service: fishing-permit", "service: apply-for-a-passport"),
    ("agency: immigration", "agency: consular-affairs"),
)


@pytest.fixture
def passport_service():
    """Apply for a passport: in the catalogue under consular affairs, coming soon, no definition."""
    return ServiceFactory(
        slug="apply-for-a-passport", agency=AgencyFactory(slug="consular-affairs"), coming_soon=True
    )


def test_the_agency_of_a_catalogued_service_writes_its_first_definition(passport_service):
    consul = service_owner("owner@consular.test", agency="consular-affairs")

    draft = definition_draft_save(actor=consul, source=PASSPORT)
    definition_publish(actor=consul, version=draft, note="First", expected_checksum=draft.checksum)

    assert draft.definition.agency_slug == "consular-affairs"
    service = Service.objects.get(pk=passport_service.pk)
    assert service.status == ServiceStatus.LIVE and service.agency.slug == "consular-affairs"


def test_another_agency_cannot_take_over_a_catalogued_service(passport_service):
    # given health's service owner names consular affairs' service in a file for health
    nurse = service_owner("owner@health.test", agency="health")
    taken = PASSPORT.replace("agency: consular-affairs", "agency: health")

    with pytest.raises(DefinitionInvalid) as refused:
        definition_draft_save(actor=nurse, source=taken)

    # then it is refused at the file's agency line, and consular affairs can still write it
    problem = refused.value.problems[0]
    assert (problem.where, problem.code) == ("agency", "agency")
    assert problem.line == taken.splitlines().index("agency: health") + 1
    assert "consular-affairs" in problem.message
    assert not Definition.objects.exists() and not actions()
    consul = service_owner("owner@consular.test", agency="consular-affairs")
    assert definition_draft_save(actor=consul, source=PASSPORT).definition.agency_slug == (
        "consular-affairs"
    )
    assert Service.objects.get(pk=passport_service.pk).agency.slug == "consular-affairs"


def test_a_draft_changed_since_the_publisher_looked_is_not_published(owner):
    # given the publisher reviews the draft, and someone saves another text meanwhile
    draft = definition_draft_save(actor=owner, source=FISHING)
    reviewed = draft.checksum
    definition_draft_save(actor=owner, source=retitled("Not what was reviewed"))

    with pytest.raises(DefinitionRefused) as refused:
        definition_publish(actor=owner, version=draft, note="Go", expected_checksum=reviewed)

    assert refused.value.code == "draft_changed"
    assert "Review it again" in refused.value.message
    assert DefinitionVersion.objects.get().status == VersionStatus.DRAFT
    assert not Service.objects.filter(slug=SLUG).exists()
    assert actions() == [DefinitionAction.DRAFT_SAVED] * 2
    draft.refresh_from_db()
    version = definition_publish(
        actor=owner, version=draft, note="Go", expected_checksum=draft.checksum
    )
    assert version.number == 1 and "Not what was reviewed" in version.source


def test_the_designer_page_checks_the_file_is_for_its_service(owner):
    with pytest.raises(DefinitionInvalid) as refused:
        definition_draft_save(actor=owner, source=FISHING, service_slug="other-service")
    assert refused.value.problems[0].where == "service"


def test_the_visit_a_definition_books_reaches_the_catalogue_and_goes_with_it(owner):
    # given a version that books a visit to a service centre
    booking = "appointment:\n  reason:\n    en: Show your boat licence.\n    th: แสดงใบอนุญาตเรือ\n"
    visit = fishing(("retention:\n", booking + "retention:\n"))
    published(owner, source=visit)
    reason = {"en": "Show your boat licence.", "th": "แสดงใบอนุญาตเรือ"}
    assert Service.objects.get(slug=SLUG).visit == {"reason": reason}

    # when the next version books none, the catalogue stops asking for a visit
    draft = definition_draft_save(actor=owner, source=FISHING)
    definition_publish(actor=owner, version=draft, note="No visit needed any more")

    assert Service.objects.get(slug=SLUG).visit == {}
