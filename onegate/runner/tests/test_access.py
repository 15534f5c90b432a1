"""Who may open an application, checked as of today: a delegate whose delegation ended is
shut out of the draft they began; the officer assisting gets in only on the day they have the
person at the counter, and each of their reads is on the audit log as acting for the person;
a draft past its expiry is expired for its own people too."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.http import Http404
from django.test import Client
from django.utils import timezone

from onegate.audit.constants import RunnerAction
from onegate.identity.constants import StaffRole
from onegate.identity.models import ServiceCentre, User
from onegate.identity.services.delegations import delegation_revoke
from onegate.identity.tests.account_fixtures import make_account
from onegate.identity.tests.acting_fixtures import (
    active_delegation,
    citizen,
    link_account,
    strong_session,
    years_ago,
)
from onegate.identity.tests.organisation_fixtures import service_centre, staff_member
from onegate.registries.models import Person
from onegate.runner.models import Application
from onegate.runner.selectors import (
    ApplicationExpired,
    application_for,
    application_on_behalf_of,
)
from onegate.runner.services import application_assisted_start
from onegate.runner.tests.journey_support import page_url
from onegate.runner.tests.test_services import (
    LICENCE,
    actions,
    driver,
    published,  # noqa: F401  (fixture)
    start_for,
)

pytestmark = pytest.mark.usefixtures("published")

FIRST_PAGE = "your_licence"


# --- a delegate whose delegation ended --------------------------------------------------------


def test_a_delegate_loses_the_draft_when_the_delegation_is_revoked(client: Client):
    grantor_user, grantor = driver(60)
    delegate_user, delegate = driver(30)
    delegation = active_delegation(
        grantor, grantor_user, delegate_user, delegate, services=[LICENCE]
    )
    application = start_for(delegate_user, grantor, service=LICENCE)
    strong_session(client, delegate_user)
    assert client.get(page_url(application, FIRST_PAGE)).status_code == 200

    delegation_revoke(delegation_id=delegation.pk, user=grantor_user)

    assert client.get(page_url(application, FIRST_PAGE)).status_code == 404
    refused = actions(RunnerAction.ACCESS_REFUSED, application)
    assert [event.actor_id for event in refused] == [str(delegate_user.pk)]
    assert refused[0].payload["reason"] == "no longer acting"
    # the draft is still there for nobody else to see, and the grantor's own account is unaffected
    assert Application.objects.filter(pk=application.pk).exists()


def test_a_draft_for_oneself_needs_no_acting_check(client: Client):
    user, _person = driver(40)
    application = start_for(user, service=LICENCE)

    assert application_for(user=user, application_id=application.pk) == application
    assert not actions(RunnerAction.ACCESS_REFUSED)
    assert application_on_behalf_of(application, user) is None


def test_the_delegate_acts_on_behalf_of_the_grantors_account():
    grantor_user, grantor = driver(60)
    delegate_user, delegate = driver(30)
    active_delegation(grantor, grantor_user, delegate_user, delegate, services=[LICENCE])
    application = start_for(delegate_user, grantor, service=LICENCE)

    assert application_on_behalf_of(application, delegate_user) == grantor_user


# --- the officer assisting --------------------------------------------------------------------


@pytest.fixture
def centre(db: Any) -> ServiceCentre:
    return service_centre("lak-si")


@pytest.fixture
def officer(centre: ServiceCentre) -> User:
    return staff_member(
        "officer@example.test", StaffRole.CENTRE_OFFICER, centre.agency_slug, centre=centre
    )


@pytest.fixture
def person(db: Any) -> Person:
    return citizen("Boonmee", "Srisuk", years_ago(70), given_th="บุญมี", family_th="ศรีสุข")


@pytest.fixture
def account(person: Person) -> User:
    return link_account(make_account("boonmee@example.test"), person)


def _assisted(officer: User, centre: ServiceCentre, person: Person) -> Application:
    return application_assisted_start(
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


def _days_ago(application: Application, days: int) -> None:
    """Move the application's start (and the identity check) ``days`` back in time."""
    then = timezone.now() - dt.timedelta(days=days)
    check = dict(application.identity_check)
    check.update(checked_at=then.isoformat(), assisted_at=then.isoformat())
    Application.objects.filter(pk=application.pk).update(created_at=then, identity_check=check)


def test_the_officers_reads_are_on_the_audit_log_for_the_person(
    client: Client, officer, centre, person, account
):
    application = _assisted(officer, centre, person)
    client.force_login(officer)

    assert client.get(page_url(application, FIRST_PAGE)).status_code == 200

    viewed = actions(RunnerAction.ASSISTED_VIEWED, application)
    assert len(viewed) == 1
    assert viewed[0].actor_id == str(officer.pk)
    assert viewed[0].on_behalf_of_id == str(account.pk)
    assert application_on_behalf_of(application, officer) == account
    # the person's own reads are not the officer's: nothing more is recorded for them
    strong_session(Client(), account).get(page_url(application, FIRST_PAGE))
    assert len(actions(RunnerAction.ASSISTED_VIEWED, application)) == 1


def test_the_officer_cannot_open_the_draft_on_a_later_day(
    client: Client, officer, centre, person, account
):
    application = _assisted(officer, centre, person)
    _days_ago(application, 2)
    client.force_login(officer)

    assert client.get(page_url(application, FIRST_PAGE)).status_code == 404
    assert actions(RunnerAction.ACCESS_REFUSED, application)[0].actor_id == str(officer.pk)
    # the person still can
    mine = strong_session(Client(), account)
    assert mine.get(page_url(application, FIRST_PAGE)).status_code == 200


def test_the_officer_gets_in_again_when_they_continue_it_with_the_person_today(
    officer, centre, person, account
):
    application = _assisted(officer, centre, person)
    _days_ago(application, 2)
    application.refresh_from_db()
    with pytest.raises(Http404):
        application_for(user=officer, application_id=application.pk)

    check = dict(application.identity_check, continued_at=timezone.now().isoformat())
    Application.objects.filter(pk=application.pk).update(identity_check=check)

    assert application_for(user=officer, application_id=application.pk).pk == application.pk


# --- a draft past its expiry ----------------------------------------------------------------------


def test_a_draft_past_its_expiry_is_expired_for_its_person_and_a_404_for_others(rf):
    user, _person = driver(40)
    application = start_for(user, service=LICENCE)
    Application.objects.filter(pk=application.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    stranger, _other = driver(33)

    page = rf.get(page_url(application, FIRST_PAGE))

    with pytest.raises(ApplicationExpired):
        application_for(user=user, application_id=application.pk, request=page)
    with pytest.raises(Http404) as refused:
        application_for(user=stranger, application_id=application.pk, request=page)
    assert not isinstance(refused.value, ApplicationExpired)  # nothing told to a stranger


def test_the_person_opening_an_expired_draft_is_told_it_was_deleted(client: Client):
    user, _person = driver(41)
    application = start_for(user, service=LICENCE)
    Application.objects.filter(pk=application.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    strong_session(client, user)

    answer = client.get(page_url(application, FIRST_PAGE), follow=True)

    assert answer.redirect_chain[0][0] == "/account/applications/"
    assert "was deleted because it was not sent in time" in answer.content.decode()
