"""Registry facts in an application: the child's own facts for a parent's application, with where
they came from, on the child's access log, shown on prefilled fields, and read by the rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from onegate.audit.constants import RunnerAction
from onegate.identity.tests.acting_fixtures import make_household
from onegate.registries.models import AccessRecord, ResidenceStatus
from onegate.runner.constants import FACTS_FRESH_HOURS
from onegate.runner.facts import application_inputs, facts_of, prefilled_value
from onegate.runner.models import Application
from onegate.runner.selectors import application_compiled
from onegate.runner.services import application_facts_refresh
from onegate.runner.tests.test_services import (
    LICENCE,
    actions,
    driver,
    published,  # noqa: F401  (fixture)
    start_for,
)

pytestmark = pytest.mark.usefixtures("published")


def _field(application: Application, field_id: str):
    compiled = application_compiled(application)
    return next(f for _page, f in compiled.model.all_fields() if f.id == field_id)


def test_the_facts_are_the_childs_own_with_their_source():
    household = make_household()
    child = household.child
    ResidenceStatus.objects.create(person=child, kind="citizen", valid_from=child.date_of_birth)

    application = start_for(household.parent_user, child)

    stored = application.facts[str(child.pk)]
    assert set(stored) == {"name", "date_of_birth", "nationality", "residence"}
    born = stored["date_of_birth"]
    assert born["value"] == {"$date": child.date_of_birth.isoformat()}
    assert born["source"] == "person.date_of_birth"
    assert born["registers"] == ["population"]
    assert born["agency"] == "civil-registration"
    assert dt.datetime.fromisoformat(born["as_of"]) <= timezone.now()
    assert stored["residence"]["registers"] == ["residence"]
    assert stored["residence"]["agency"] == "immigration"
    # read back as Python values, dates as dates
    facts = facts_of(application, str(child.pk))
    assert facts["date_of_birth"] == child.date_of_birth
    assert facts["residence"]["valid_from"] == child.date_of_birth
    assert facts["residence"]["resident"] is True
    assert facts["name"]["given_th"] == "นิรันดร์"


def test_the_read_is_on_the_childs_access_log_naming_the_parent():
    household = make_household()
    child = household.child

    start_for(household.parent_user, child)

    records = AccessRecord.objects.filter(person=child, purpose__startswith="Apply for")
    assert records.exists()
    record = records.first()
    assert record is not None
    assert record.purpose == "Apply for Get a health card for your child"
    assert "your parent" in record.accessor_label
    assert record.organisation == "health"
    assert record.accessor_id == str(household.parent_user.pk)
    assert "person.date_of_birth" in {fact for r in records for fact in r.facts}


def test_a_prefilled_field_shows_the_fact_at_its_path():
    household = make_household()
    child = household.child
    application = start_for(household.parent_user, child)

    given = prefilled_value(application, _field(application, "child_given_name"), str(child.pk))
    born = prefilled_value(application, _field(application, "child_date_of_birth"), str(child.pk))

    assert given is not None and born is not None
    assert given.value == "นิรันดร์"  # name.given_th
    assert born.value == child.date_of_birth
    assert str(given.register) == "the population register"
    assert given.agency == "civil-registration"
    assert given.as_of is not None
    assert prefilled_value(application, _field(application, "parent_phone"), str(child.pk)) is None


def test_each_child_on_an_application_has_their_own_values():
    household = make_household()
    application = start_for(
        household.parent_user, household.child, household.ward, applies_as="child"
    )
    field = _field(application, "child_given_name")

    shown = [
        prefilled_value(application, field, str(person.pk))
        for person in (household.child, household.ward)
    ]
    names = [fact.value for fact in shown if fact is not None]

    assert names == ["นิรันดร์", ""]  # the ward has no Thai name on the register


def test_the_rules_read_the_answers_the_prefilled_values_and_the_facts():
    household = make_household()
    child = household.child
    application = start_for(household.parent_user, child)
    application.answers = {"health_centre_choice": "nearest", "allergies": ["none"]}

    inputs = application_inputs(application)

    assert inputs.applicant == "child"
    assert inputs.answers["health_centre_choice"] == "nearest"
    assert inputs.answers["child_date_of_birth"] == child.date_of_birth
    assert inputs.answers["child_family_name"] == "ใจดี"
    assert inputs.facts["date_of_birth"] == child.date_of_birth
    assert inputs.facts["residence"] is None  # no residence record: known to be none


def test_a_person_applying_for_themselves_is_self_to_the_rules():
    user, person = driver()
    application = start_for(user, service=LICENCE)

    inputs = application_inputs(application)

    assert inputs.applicant == "self"
    assert inputs.answers["national_id"] == person.national_id
    assert inputs.facts["address"] is None


def test_facts_are_read_again_only_when_stale():
    household = make_household()
    parent, child = household.parent_user, household.child
    application = start_for(parent, child)
    first_read = application.facts_read_at

    same = application_facts_refresh(actor=parent, application=application)
    assert same.facts_read_at == first_read
    assert len(actions(RunnerAction.FACTS_READ, application)) == 1

    # a day later the register has changed: the draft shows today's name
    stale = timezone.now() - dt.timedelta(hours=FACTS_FRESH_HOURS + 1)
    Application.objects.filter(pk=application.pk).update(facts_read_at=stale)
    application.refresh_from_db()
    child.given_name_th = "นิรันดร์ใหม่"
    child.save(update_fields=["given_name_th"])

    fresh = application_facts_refresh(actor=parent, application=application)

    assert fresh.facts_read_at is not None and fresh.facts_read_at > stale
    assert facts_of(fresh, str(child.pk))["name"]["given_th"] == "นิรันดร์ใหม่"
    assert len(actions(RunnerAction.FACTS_READ, application)) == 2
