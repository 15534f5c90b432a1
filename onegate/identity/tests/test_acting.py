"""Whom a person may act for: children until 18 (29 February included), wards while the link is in
force, delegations while active and in date; never a parent from a child, never someone else's
family. And the header switch that stores the choice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from onegate.audit.constants import IdentityAction
from onegate.audit.models import AuditEvent
from onegate.identity.acting import (
    ACCESS_LOG_SCOPE,
    ADDRESS_CHANGE_SERVICE,
    Relationship,
    adulthood_on,
    family_forget,
    may_act_for,
    people_i_act_for,
)
from onegate.identity.constants import DelegationStatus
from onegate.identity.tests.account_fixtures import make_account
from onegate.identity.tests.acting_fixtures import (
    active_delegation,
    citizen,
    family_link,
    link_account,
    make_household,
    strong_session,
    years_ago,
)
from onegate.registries.adapters import RegistryUnavailable, adapter_override
from onegate.registries.adapters.local import LocalAdapter
from onegate.registries.models import AccessRecord

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Start in English whatever language an earlier test left active in this thread."""
    with translation.override("en"):
        yield


def today() -> dt.date:
    """Today where the code under test looks (asked each time: a run may pass midnight)."""
    return timezone.localdate()


def ids(options):
    return [option.person_id for option in options]


# --- coming of age ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "of_age"),
    [
        (dt.date(2008, 2, 3), dt.date(2026, 2, 3)),
        (dt.date(2008, 2, 29), dt.date(2026, 3, 1)),  # 2026 has no 29 February
        (dt.date(2012, 2, 29), dt.date(2030, 3, 1)),
        (dt.date(2007, 12, 31), dt.date(2025, 12, 31)),
    ],
)
def test_a_person_comes_of_age_on_their_18th_birthday(born, of_age):
    assert adulthood_on(born) == of_age


def test_a_child_is_listed_until_the_day_before_their_18th_birthday_and_not_on_it():
    household = make_household()
    user, nearly = household.parent_user, str(household.nearly_adult.pk)
    birthday = today() + dt.timedelta(days=1)

    assert nearly in ids(people_i_act_for(user, on=today()))
    assert may_act_for(user, nearly, on=today())
    # Nobody does anything: on the birthday itself the child is no longer someone to act for.
    assert nearly not in ids(people_i_act_for(user, on=birthday))
    assert not may_act_for(user, nearly, on=birthday)
    option = next(o for o in people_i_act_for(user) if o.person_id == nearly)
    assert option.relationship == Relationship.CHILD
    assert option.until == today()


def test_a_29_february_child_is_a_child_on_28_february_and_of_age_on_1_march():
    parent = citizen("Prasert", "Wongyai", dt.date(1980, 1, 1))
    child = citizen("Leap", "Wongyai", dt.date(2008, 2, 29))
    family_link(parent, child)
    user = link_account(make_account("prasert@example.test"), parent)

    assert may_act_for(user, str(child.pk), on=dt.date(2026, 2, 28))
    assert not may_act_for(user, str(child.pk), on=dt.date(2026, 3, 1))


def test_a_child_cannot_act_for_their_parent():
    household = make_household()
    child_user = link_account(make_account("niran@example.test"), household.child)

    assert ids(people_i_act_for(child_user)) == [str(household.child.pk)]
    assert not may_act_for(child_user, str(household.parent.pk))


def test_a_ward_is_listed_while_the_guardianship_is_in_force():
    household = make_household()
    user, ward = household.parent_user, str(household.ward.pk)
    option = next(o for o in people_i_act_for(user) if o.person_id == ward)
    assert option.relationship == Relationship.WARD

    # The court order ends: from the next day the guardian no longer acts for them.
    link = household.ward.links_to_adults.get()
    link.valid_until = today() + dt.timedelta(days=5)
    link.save()
    family_forget(str(household.parent.pk))
    assert may_act_for(user, ward, on=today() + dt.timedelta(days=5))
    assert not may_act_for(user, ward, on=today() + dt.timedelta(days=6))


def test_a_guardianship_of_an_adult_lasts_as_long_as_the_link():
    guardian = citizen("Chai", "Dee", dt.date(1970, 1, 1))
    adult_ward = citizen("Boon", "Dee", years_ago(30))
    family_link(guardian, adult_ward, kind="guardian", valid_from=today() - dt.timedelta(days=1))
    user = link_account(make_account("chai@example.test"), guardian)
    assert may_act_for(user, str(adult_ward.pk))


def test_someone_elses_children_are_not_yours():
    household = make_household()
    stranger = link_account(make_account("b@example.test"), citizen("Bee", "Other", years_ago(35)))
    assert not may_act_for(stranger, str(household.child.pk))
    assert len(people_i_act_for(stranger)) == 1


def test_an_account_without_a_linked_person_acts_for_nobody():
    user = make_account("unproved@example.test")
    assert people_i_act_for(user) == []
    assert not may_act_for(user, str(citizen("X", "Y", years_ago(5)).pk))


def test_listing_the_children_is_on_each_childs_access_log():
    household = make_household()
    people_i_act_for(household.parent_user)
    record = AccessRecord.objects.get(person=household.child)
    assert record.accessor_kind == "self"
    assert record.accessor_label == "Somchai Jaidee (your parent or guardian)"
    assert record.purpose == "See the people I can act for"
    assert not AccessRecord.objects.filter(person=household.parent).exists()


def test_the_family_is_read_once_then_kept_for_a_while():
    household = make_household()
    for _ in range(3):
        people_i_act_for(household.parent_user)
    assert AccessRecord.objects.filter(person=household.child).count() == 1


class SilentRegistry(LocalAdapter):
    def children_of(self, **kwargs):
        raise RegistryUnavailable()


def test_when_the_registry_cannot_answer_no_child_is_allowed():
    household = make_household()
    family_forget(str(household.parent.pk))
    with adapter_override(SilentRegistry()):
        assert ids(people_i_act_for(household.parent_user)) == [str(household.parent.pk)]
        assert not may_act_for(household.parent_user, str(household.child.pk))


# --- delegations ------------------------------------------------------------------------------


@pytest.fixture
def pair():
    grantor = citizen("Grace", "Giver", years_ago(70))
    delegate = citizen("Dan", "Helper", years_ago(40))
    grantor_user = link_account(make_account("grace@example.test"), grantor)
    delegate_user = link_account(make_account("dan@example.test"), delegate)
    return grantor, grantor_user, delegate, delegate_user


def test_an_active_delegation_in_date_lets_the_delegate_act(pair):
    grantor, grantor_user, delegate, delegate_user = pair
    active_delegation(grantor, grantor_user, delegate_user, delegate)
    option = next(o for o in people_i_act_for(delegate_user) if o.person_id == str(grantor.pk))
    assert option.relationship == Relationship.DELEGATION
    assert may_act_for(delegate_user, str(grantor.pk), service_slug=ACCESS_LOG_SCOPE)
    # It goes one way: the grantor cannot act for the delegate.
    assert not may_act_for(grantor_user, str(delegate.pk))


@pytest.mark.parametrize(
    ("status", "starts", "ends"),
    [
        (DelegationStatus.OFFERED, 0, 30),
        (DelegationStatus.REVOKED, 0, 30),
        (DelegationStatus.DECLINED, 0, 30),
        (DelegationStatus.ACTIVE, 1, 30),  # not started yet
        (DelegationStatus.ACTIVE, -30, -1),  # past its last day, before the job marks it
    ],
)
def test_a_delegation_not_in_force_lets_nobody_act(pair, status, starts, ends):
    grantor, grantor_user, delegate, delegate_user = pair
    active_delegation(
        grantor,
        grantor_user,
        delegate_user,
        delegate,
        status=status,
        valid_from=today() + dt.timedelta(days=starts),
        valid_until=today() + dt.timedelta(days=ends),
    )
    assert not may_act_for(delegate_user, str(grantor.pk))


def test_a_delegation_stops_the_day_after_its_last_day(pair):
    grantor, grantor_user, delegate, delegate_user = pair
    active_delegation(grantor, grantor_user, delegate_user, delegate, valid_until=today())
    assert may_act_for(delegate_user, str(grantor.pk), on=today())
    assert not may_act_for(delegate_user, str(grantor.pk), on=today() + dt.timedelta(days=1))


def test_a_delegation_for_named_services_covers_only_those(pair):
    grantor, grantor_user, delegate, delegate_user = pair
    active_delegation(
        grantor, grantor_user, delegate_user, delegate, services=[ADDRESS_CHANGE_SERVICE]
    )
    grantor_id = str(grantor.pk)
    assert may_act_for(delegate_user, grantor_id, service_slug=ADDRESS_CHANGE_SERVICE)
    assert not may_act_for(delegate_user, grantor_id, service_slug="apply-for-a-passport")
    assert not may_act_for(delegate_user, grantor_id, service_slug=ACCESS_LOG_SCOPE)


# --- the switch -------------------------------------------------------------------------------


def test_choosing_a_child_in_the_switch_keeps_the_choice_and_the_header_says_so(client):
    household = make_household()
    strong_session(client, household.parent_user)

    page = client.get(reverse("identity:acting"))
    assert page.status_code == 200
    assert "Niran Jaidee" in page.content.decode()
    assert "Anong Sukjai" in page.content.decode()

    chosen = client.post(
        reverse("identity:acting"), {"person": str(household.child.pk)}, follow=True
    )
    text = chosen.content.decode()
    assert "You are now acting for Niran Jaidee." in text
    assert "Acting for:" in text and "Niran Jaidee" in text
    event = AuditEvent.objects.get(action=IdentityAction.ACTING_FOR_CHOSEN)
    assert event.payload["on_behalf_of_person"] == str(household.child.pk)
    assert event.payload["relationship"] == Relationship.CHILD


def test_the_switch_is_in_thai_under_th(client):
    household = make_household()
    strong_session(client, household.parent_user)
    page = client.get("/th" + reverse("identity:acting"))
    assert page.status_code == 200
    assert "นิรันดร์ ใจดี" in page.content.decode()


def test_a_child_asking_to_act_for_their_parent_is_refused_and_audited(client):
    household = make_household()
    child_user = link_account(make_account("niran@example.test"), household.child)
    strong_session(client, child_user)

    refused = client.post(reverse("identity:acting"), {"person": str(household.parent.pk)})
    assert refused.status_code == 400
    assert "You cannot act for this person" in refused.content.decode()
    event = AuditEvent.objects.get(action=IdentityAction.ACTING_REFUSED)
    assert event.subject_id == str(household.parent.pk)
    assert client.session.get("identity.acting_for") is None


def test_citizen_b_cannot_act_for_a_s_children(client):
    household = make_household()
    stranger = link_account(make_account("b@example.test"), citizen("Bee", "Other", years_ago(35)))
    strong_session(client, stranger)
    refused = client.post(reverse("identity:acting"), {"person": str(household.child.pk)})
    assert refused.status_code == 400
    assert "Niran" not in refused.content.decode()


def test_a_stale_choice_in_the_session_falls_back_to_yourself(client, pair):
    grantor, grantor_user, delegate, delegate_user = pair
    delegation = active_delegation(grantor, grantor_user, delegate_user, delegate)
    strong_session(client, delegate_user)
    client.post(reverse("identity:acting"), {"person": str(grantor.pk)})
    assert "Grace Giver" in client.get(reverse("identity:acting")).content.decode()

    # The delegation passes its last day; the expiry job has not run yet.
    delegation.valid_from = today() - dt.timedelta(days=10)
    delegation.valid_until = today() - dt.timedelta(days=1)
    delegation.save()
    page = client.get(reverse("identity:home")).content.decode()
    assert "Acting for:" not in page
    assert "You can no longer act for the person you chose" in page
    assert client.session.get("identity.acting_for") is None
    event = AuditEvent.objects.get(action=IdentityAction.ACTING_REFUSED)
    assert (event.subject_id, event.payload["reason"]) == (str(grantor.pk), "ended")


def test_an_unlinked_account_is_told_to_prove_who_they_are(client):
    strong_session(client, make_account("new@example.test"))
    page = client.get(reverse("identity:acting"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Prove who you are first" in text
    assert reverse("identity:proof") in text
