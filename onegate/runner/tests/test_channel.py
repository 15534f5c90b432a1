"""How an application reached the service (``Application.channel``), as the performance measures
count it: online when the person applies themselves; assisted digital when a centre officer
starts it with the person there; paper when the officer says they are keying in a paper form."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from onegate.audit.constants import RunnerAction
from onegate.identity.constants import StaffRole
from onegate.identity.models import ServiceCentre, User
from onegate.identity.tests.acting_fixtures import citizen, make_household, years_ago
from onegate.identity.tests.organisation_fixtures import service_centre, staff_member
from onegate.insights.models import Event
from onegate.registries.models import Person
from onegate.runner.models import Application
from onegate.runner.services import application_assisted_start
from onegate.runner.tests.test_assisted import SERVICE, _checked, _found
from onegate.runner.tests.test_services import (
    LICENCE,
    actions,
    published,  # noqa: F401  (fixture)
    start_for,
)

pytestmark = pytest.mark.usefixtures("published")


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
def desk(client: Client, officer: User) -> Client:
    client.force_login(officer)
    return client


def _at_the_service_step(desk: Client, person: Person) -> None:
    _found(desk, person)
    assert _checked(desk)["Location"] == SERVICE


def test_the_officer_is_asked_how_the_application_reached_them(desk: Client, person: Person):
    _at_the_service_step(desk, person)

    page = desk.get(SERVICE).text

    assert "How did this application reach you?" in page
    assert "The person is here with me" in page and "On a paper form" in page
    # the usual case, the person at the counter, is chosen until the officer says otherwise
    assert 'name="channel" type="radio" value="assisted" checked' in page


def test_an_application_keyed_in_from_a_paper_form_is_counted_as_paper(
    desk: Client, officer: User, person: Person
):
    _at_the_service_step(desk, person)

    started = desk.post(SERVICE, {"service": LICENCE, "channel": "paper"})

    application = Application.objects.get()
    assert started.status_code == 302
    assert application.channel == "paper"
    assert application.assisted_by == officer
    [record] = actions(RunnerAction.ASSISTED_STARTED, application)
    assert record.payload["channel"] == "paper"
    assert list(Event.objects.values_list("kind", "channel")) == [("started", "paper")]


@pytest.mark.parametrize("given", [{"channel": "assisted"}, {}])
def test_with_the_person_there_it_is_assisted_digital(
    desk: Client, person: Person, given: dict[str, str]
):
    _at_the_service_step(desk, person)

    desk.post(SERVICE, {"service": LICENCE, **given})

    assert Application.objects.get().channel == "assisted"
    assert list(Event.objects.values_list("kind", "channel")) == [("started", "assisted")]


def test_an_unknown_answer_is_refused_with_a_message(desk: Client, person: Person):
    _at_the_service_step(desk, person)

    refused = desk.post(SERVICE, {"service": LICENCE, "channel": "online"})

    assert refused.status_code == 400
    assert "Select how this application reached you" in refused.text
    assert not Application.objects.exists()


def test_a_person_applying_themselves_is_online():
    application = start_for(make_household().parent_user, service=LICENCE)

    assert application.channel == "online"
    assert list(Event.objects.values_list("kind", "channel")) == [("started", "online")]


def test_an_officer_cannot_start_an_application_as_online(
    officer: User, centre: Any, person: Person
):
    with pytest.raises(ValueError, match="assisted or a paper application"):
        application_assisted_start(
            staff=officer,
            centre_id=str(centre.pk),
            person_id=str(person.pk),
            names={"en": "Boonmee Srisuk", "th": "บุญมี ศรีสุข"},
            document="id_card",
            number_last4="1234",
            photo_compared=True,
            service_slug=LICENCE,
            language="en",
            channel="online",
        )
    assert not Application.objects.exists()
