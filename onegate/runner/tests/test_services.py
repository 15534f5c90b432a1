"""Starting an application and working on a draft: who may apply for whom, what is stored, what
is dropped, and that nobody else's draft can be touched.

Also holds the runner's shared test data (``published``, ``household``, ``start_for``,
``child_card_filled``), imported by the other runner test modules: the demo services published
as their owners would (``load_demo_definitions``) and a registry family.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from onegate.audit.constants import RunnerAction
from onegate.audit.models import AuditEvent
from onegate.catalogue.selectors import catalogue_forget
from onegate.catalogue.services import DEMO_CATALOGUE, catalogue_load_file
from onegate.definitions.demo import DEMO_SERVICES_DIR, load_demo_definitions
from onegate.definitions.models import DefinitionVersion
from onegate.definitions.selectors import definition_cache_clear
from onegate.definitions.services import definition_draft_save, definition_publish
from onegate.identity.acting import ActingOption, Relationship, acting_option
from onegate.identity.models import User
from onegate.identity.tests.account_fixtures import make_account
from onegate.identity.tests.acting_fixtures import (
    Household,
    active_delegation,
    citizen,
    link_account,
    make_household,
    years_ago,
)
from onegate.registries.models import Person
from onegate.runner.constants import ApplicationStatus, AppliesAs
from onegate.runner.models import Application, Upload, uploads_storage
from onegate.runner.services import (
    ApplicationRefused,
    application_delete,
    application_page_save,
    application_start,
    application_subject_remove,
)
from onegate.runner.tests.journey_support import pages_saved

CHILD_CARD = "child-health-card"
LICENCE = "renew-driving-licence"

# The child health card's question pages, answered (JSON, as ``fields.page_form`` gives them).
CHILD_CARD_PAGES: dict[str, dict[str, Any]] = {
    "health_centre": {"health_centre_choice": "nearest"},
    "health_needs": {"long_term_condition": False, "allergies": ["none"]},
    "contact": {"parent_phone": "+66812345678"},
}


# --- shared test data -------------------------------------------------------------------------


@pytest.fixture
def published(db: Any) -> Iterator[None]:
    """The demo catalogue and the five demo services published, nothing cached from before."""
    cache.clear()
    catalogue_load_file(path=DEMO_CATALOGUE)
    catalogue_forget()
    definition_cache_clear()
    load_demo_definitions(warnings=io.StringIO())
    yield
    catalogue_forget()
    definition_cache_clear()
    cache.clear()


@pytest.fixture
def household(published: None) -> Household:
    """Somchai (an account) with a child of 10, a child of 17 and a ward of 12."""
    return make_household()


def option(user: User, person: Person) -> ActingOption:
    found = acting_option(user, str(person.pk))
    assert found is not None, "the test's person should be someone the user may act for"
    return found


def start_for(user: User, *people: Person, service: str = CHILD_CARD, **extra: Any) -> Application:
    """An application started as the views start it, for ``people`` (the user themselves when
    none are named)."""
    subjects = [option(user, person) for person in people] or [
        next(o for o in _options(user) if o.is_self)
    ]
    kind = {
        Relationship.SELF: AppliesAs.SELF,
        Relationship.CHILD: AppliesAs.CHILD,
        Relationship.WARD: AppliesAs.WARD,
        Relationship.DELEGATION: AppliesAs.DELEGATION,
    }[subjects[0].relationship]
    return application_start(
        actor=user,
        service_slug=service,
        subjects=subjects,
        applies_as=extra.pop("applies_as", kind),
        language=extra.pop("language", "en"),
        **extra,
    )


def _options(user: User) -> list[ActingOption]:
    from onegate.identity.acting import people_i_act_for

    return people_i_act_for(user)


def child_card_filled(user: User, *children: Person) -> Application:
    """A child health card application with every question page answered."""
    application = start_for(user, *children)
    return pages_saved(user, application, CHILD_CARD_PAGES)


def driver(born_years_ago: int = 45) -> tuple[User, Person]:
    """A citizen with a linked account (for the services people apply to for themselves)."""
    person = citizen("Kanya", "Saetang", years_ago(born_years_ago), given_th="กันยา")
    user = link_account(make_account(f"kanya{born_years_ago}@example.test"), person)
    return user, person


def publish_edited(service: str, old: str, new: str) -> None:
    """Publish a new version of a demo service with ``old`` replaced by ``new`` in its file."""
    source = (DEMO_SERVICES_DIR / f"{service}.yaml").read_text(encoding="utf-8")
    assert old in source
    draft = definition_draft_save(actor=None, source=source.replace(old, new, 1), note="test")
    definition_publish(actor=None, version=draft, note="test")
    definition_cache_clear()


def actions(action: str, application: Application | None = None) -> list[AuditEvent]:
    found = AuditEvent.objects.filter(action=action)
    if application is not None:
        found = found.filter(subject_id=str(application.pk))
    return list(found)


# --- starting ---------------------------------------------------------------------------------


def test_a_parent_starts_one_application_for_two_children_pinned_to_the_published_version(
    household: Household,
):
    parent = household.parent_user

    application = start_for(parent, household.child, household.ward, applies_as=AppliesAs.CHILD)

    assert application.status == ApplicationStatus.DRAFT
    assert application.user == parent
    assert application.applicant_person_id == str(household.parent.pk)
    version = DefinitionVersion.objects.get(pk=application.definition_version_id)
    assert (version.definition.slug, version.number) == (CHILD_CARD, 1)
    assert [s["person_id"] for s in application.subjects] == [
        str(household.child.pk),
        str(household.ward.pk),
    ]
    assert application.subjects[0]["names"] == {"en": "Niran Jaidee", "th": "นิรันดร์ ใจดี"}
    assert application.subjects[0]["relationship"] == Relationship.CHILD
    assert set(application.facts) == {str(household.child.pk), str(household.ward.pk)}
    # kept for the definition's 30 days
    assert application.expires_at is not None
    left = application.expires_at - timezone.now()
    assert dt.timedelta(days=29, hours=23) < left <= dt.timedelta(days=30)
    assert actions(RunnerAction.DRAFT_STARTED, application)[0].actor_id == str(parent.pk)
    assert len(actions(RunnerAction.FACTS_READ, application)) == 1


def test_a_person_starts_an_application_for_themselves(published: None):
    user, person = driver()

    application = start_for(user, service=LICENCE)

    assert application.applies_as == AppliesAs.SELF
    assert application.subjects[0]["person_id"] == str(person.pk)
    facts = application.facts[str(person.pk)]
    assert facts["national_id"]["value"] == person.national_id


def test_a_service_that_is_not_published_refuses(household: Household):
    with pytest.raises(ApplicationRefused) as refused:
        start_for(household.parent_user, household.child, service="no-such-service")
    assert refused.value.code == "not_published"
    assert not Application.objects.exists()


def test_a_service_for_children_refuses_a_parent_applying_for_themselves(household: Household):
    with pytest.raises(ApplicationRefused) as refused:
        start_for(household.parent_user)  # child-health-card: applicants.self is false
    assert refused.value.code == "not_allowed"
    assert actions(RunnerAction.ACCESS_REFUSED)


def test_a_service_for_oneself_refuses_an_application_for_a_child(household: Household):
    with pytest.raises(ApplicationRefused) as refused:
        start_for(household.parent_user, household.child, service=LICENCE)
    assert refused.value.code == "not_allowed"


def test_nobody_applies_for_someone_they_may_not_act_for(household: Household):
    stranger, _person = driver()
    child = option(household.parent_user, household.child)  # an option made for someone else

    with pytest.raises(ApplicationRefused) as refused:
        application_start(
            actor=stranger,
            service_slug=CHILD_CARD,
            subjects=[child],
            applies_as=AppliesAs.CHILD,
            language="en",
        )
    assert refused.value.code == "not_allowed"
    assert not Application.objects.exists()
    assert actions(RunnerAction.ACCESS_REFUSED)[0].actor_id == str(stranger.pk)


def test_an_option_claiming_another_relationship_is_not_believed(household: Household):
    # the child passed off as the parent themselves: the parent's own options decide
    child = option(household.parent_user, household.child)
    forged = ActingOption(
        person_id=child.person_id, names=child.names, relationship=Relationship.SELF
    )
    with pytest.raises(ApplicationRefused):
        application_start(
            actor=household.parent_user,
            service_slug=LICENCE,
            subjects=[forged],
            applies_as=AppliesAs.SELF,
            language="en",
        )


def test_a_delegate_applies_for_the_person_who_made_them_their_delegate(published: None):
    grantor_user, grantor = driver(60)
    delegate_user, delegate = driver(30)
    active_delegation(grantor, grantor_user, delegate_user, delegate, services=[LICENCE])

    application = start_for(delegate_user, grantor, service=LICENCE)

    assert application.applies_as == AppliesAs.DELEGATION
    assert application.applicant_person_id == str(delegate.pk)
    assert application.subjects[0]["person_id"] == str(grantor.pk)
    started = actions(RunnerAction.DRAFT_STARTED, application)[0]
    assert started.on_behalf_of_id == str(grantor_user.pk)


def test_a_delegation_for_another_service_does_not_reach_this_one(published: None):
    grantor_user, grantor = driver(60)
    delegate_user, delegate = driver(30)
    active_delegation(grantor, grantor_user, delegate_user, delegate, services=["other-service"])

    with pytest.raises(ApplicationRefused) as refused:
        start_for(delegate_user, grantor, service=LICENCE)
    assert refused.value.code == "not_allowed"


def test_a_childs_option_carries_their_date_of_birth_for_the_age_check(household: Household):
    user = household.parent_user

    assert option(user, household.child).date_of_birth == household.child.date_of_birth
    assert option(user, household.ward).date_of_birth == household.ward.date_of_birth


def test_a_child_older_than_the_service_allows_is_refused(household: Household):
    publish_edited(CHILD_CARD, "child_max_age: 17", "child_max_age: 11")

    with pytest.raises(ApplicationRefused) as refused:
        start_for(household.parent_user, household.child, household.nearly_adult)

    assert refused.value.code == "too_old"
    assert "Malee Jaidee" in refused.value.message
    assert not Application.objects.exists()
    # the facts were read (and the reads stay on the children's access logs)
    from onegate.registries.models import AccessRecord

    assert AccessRecord.objects.filter(person_id=household.nearly_adult.pk).exists()


def test_several_children_need_a_service_that_takes_several(household: Household):
    publish_edited(CHILD_CARD, "several_children: true", "several_children: false")

    with pytest.raises(ApplicationRefused) as refused:
        start_for(household.parent_user, household.child, household.ward, applies_as="child")
    assert refused.value.code == "not_allowed"


# --- saving pages -----------------------------------------------------------------------------


def _save(user: User, application: Application, page_id: str, answers: dict, **extra: Any):
    return application_page_save(
        actor=user,
        application=application,
        page_id=page_id,
        answers=answers,
        complete=extra.pop("complete", True),
        resume_page=extra.pop("resume_page", ""),
    )


def test_a_page_saved_replaces_its_answers_and_is_marked_done(household: Household):
    parent = household.parent_user
    application = start_for(parent, household.child)

    application = _save(
        parent,
        application,
        "contact",
        {"parent_phone": "+66811111111", "parent_email": "a@example.test"},
    )
    application = _save(
        parent, application, "contact", {"parent_phone": "+66822222222"}, resume_page="health_needs"
    )

    application.refresh_from_db()
    assert application.answers == {"parent_phone": "+66822222222"}  # the email answer went
    assert application.pages_done == ["contact"]
    assert application.resume_page == "health_needs"
    assert len(actions(RunnerAction.DRAFT_SAVED, application)) == 2


def test_a_page_not_complete_is_not_counted_done(household: Household):
    parent = household.parent_user
    application = start_for(parent, household.child)
    application = _save(parent, application, "contact", {"parent_phone": "+66811111111"})

    application = _save(parent, application, "contact", {}, complete=False)

    assert application.pages_done == []


def test_an_answer_hidden_by_a_later_answer_is_dropped(household: Household):
    parent = household.parent_user
    application = start_for(parent, household.child)
    application = _save(
        parent,
        application,
        "health_centre",
        {"health_centre_choice": "chosen", "health_centre_name": "Siriraj Hospital"},
    )
    assert application.answers["health_centre_name"] == "Siriraj Hospital"

    application = _save(
        parent,
        application,
        "health_centre",
        {"health_centre_choice": "nearest", "health_centre_name": "Siriraj Hospital"},
    )

    application.refresh_from_db()
    assert application.answers == {"health_centre_choice": "nearest"}


def test_an_answer_on_another_page_hidden_by_a_change_is_dropped(published: None):
    user, _person = driver()
    application = start_for(user, service=LICENCE)
    application = _save(
        user, application, "delivery", {"collect_or_post": "post", "postage": "60.00"}
    )
    assert application.answers["postage"] == "60.00"

    application = _save(user, application, "delivery", {"collect_or_post": "collect"})

    assert "postage" not in application.answers


def test_a_prefilled_field_takes_nothing_from_the_answers(household: Household):
    parent = household.parent_user
    application = start_for(parent, household.child)

    application = _save(
        parent,
        application,
        "about_your_child",
        {"child_given_name": "Mallory", "child_date_of_birth": "2001-01-01"},
    )

    assert application.answers == {}


def test_saving_keeps_the_draft_for_another_full_period(household: Household):
    parent = household.parent_user
    application = start_for(parent, household.child)
    Application.objects.filter(pk=application.pk).update(
        expires_at=timezone.now() + dt.timedelta(days=2), reminded_at=timezone.now()
    )
    application.refresh_from_db()

    application = _save(parent, application, "contact", {"parent_phone": "+66811111111"})

    assert application.expires_at > timezone.now() + dt.timedelta(days=29)
    assert application.reminded_at is None


def test_an_expired_draft_cannot_be_saved(household: Household):
    parent = household.parent_user
    application = start_for(parent, household.child)
    Application.objects.filter(pk=application.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    application.refresh_from_db()

    with pytest.raises(ApplicationRefused) as refused:
        _save(parent, application, "contact", {"parent_phone": "+66811111111"})
    assert refused.value.code == "expired"


def test_another_persons_draft_cannot_be_saved_and_the_attempt_is_audited(household: Household):
    application = start_for(household.parent_user, household.child)
    stranger, _person = driver()

    with pytest.raises(Http404):
        _save(stranger, application, "contact", {"parent_phone": "+66811111111"})

    application.refresh_from_db()
    assert application.answers == {}
    refused = actions(RunnerAction.ACCESS_REFUSED, application)
    assert [event.actor_id for event in refused] == [str(stranger.pk)]


# --- the people on it -------------------------------------------------------------------------


def test_a_child_can_be_taken_off_an_application_for_several(household: Household):
    parent = household.parent_user
    application = start_for(parent, household.child, household.ward, applies_as="child")

    application = application_subject_remove(
        actor=parent, application=application, person_id=str(household.ward.pk)
    )

    assert [s["person_id"] for s in application.subjects] == [str(household.child.pk)]
    assert set(application.facts) == {str(household.child.pk)}
    assert actions(RunnerAction.SUBJECT_REMOVED, application)[0].payload == {
        "person": str(household.ward.pk)
    }


def test_the_last_person_on_an_application_cannot_be_taken_off(household: Household):
    parent = household.parent_user
    application = start_for(parent, household.child)

    with pytest.raises(ApplicationRefused):
        application_subject_remove(
            actor=parent, application=application, person_id=str(household.child.pk)
        )


# --- deleting ---------------------------------------------------------------------------------


def _upload(application: Application, user: User) -> Upload:
    return Upload.objects.create(
        application=application,
        field_id="medical_certificate",
        name="certificate.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
        file=ContentFile(b"%PDF-1.4\n", name="certificate.pdf"),
        uploaded_by=user,
    )


def test_a_deleted_draft_takes_its_files_with_it_once_committed(
    published: None, django_capture_on_commit_callbacks: Any
):
    user, _person = driver()
    application = start_for(user, service=LICENCE)
    stored = str(_upload(application, user).file.name)
    assert uploads_storage().exists(stored)

    with django_capture_on_commit_callbacks(execute=True):
        application_delete(actor=user, application=application)

    assert not Application.objects.filter(pk=application.pk).exists()
    assert not Upload.objects.exists()
    assert not uploads_storage().exists(stored)
    assert actions(RunnerAction.DRAFT_DELETED, application)[0].actor_id == str(user.pk)


def test_a_rolled_back_delete_keeps_the_files(published: None):
    user, _person = driver()
    application = start_for(user, service=LICENCE)
    stored = str(_upload(application, user).file.name)

    def delete_then_fail() -> None:
        with transaction.atomic():
            application_delete(actor=user, application=application)
            raise RuntimeError("something later failed")

    with pytest.raises(RuntimeError):
        delete_then_fail()

    assert Application.objects.filter(pk=application.pk).exists()
    assert uploads_storage().exists(stored)


def test_another_persons_draft_cannot_be_deleted(household: Household):
    application = start_for(household.parent_user, household.child)
    stranger, _person = driver()

    with pytest.raises(Http404):
        application_delete(actor=stranger, application=application)

    assert Application.objects.filter(pk=application.pk).exists()


# --- the officer at the counter ---------------------------------------------------------------


def test_a_page_the_officer_saves_is_audited_for_the_person_and_dated(published: None) -> None:
    from onegate.identity.constants import StaffRole
    from onegate.identity.tests.organisation_fixtures import service_centre, staff_member
    from onegate.runner.services import application_assisted_start

    centre = service_centre("lak-si")
    officer = staff_member(
        "officer@example.test", StaffRole.CENTRE_OFFICER, centre.agency_slug, centre=centre
    )
    person = citizen("Boonmee", "Srisuk", years_ago(70), given_th="บุญมี", family_th="ศรีสุข")
    account = link_account(make_account("boonmee@example.test"), person)
    application = application_assisted_start(
        staff=officer,
        centre_id=str(centre.pk),
        person_id=str(person.pk),
        names={"en": "Boonmee Srisuk", "th": "บุญมี ศรีสุข"},
        document="id_card",
        number_last4="1234",
        photo_compared=True,
        service_slug=LICENCE,
        language="en",
    )

    saved = application_page_save(
        actor=officer,
        application=application,
        page_id="your_licence",
        answers={},
        complete=False,
        resume_page="your_licence",
    )

    (event,) = actions(RunnerAction.DRAFT_SAVED, saved)
    assert event.on_behalf_of_id == str(account.pk)
    continued = dt.datetime.fromisoformat(saved.identity_check["continued_at"])
    assert abs(timezone.now() - continued) < dt.timedelta(minutes=1)
