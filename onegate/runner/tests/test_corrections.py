""" "Is this wrong?" beside a prefilled fact: the link on the page, the page that shows the fact
and asks what is wrong, the request that reaches the agency keeping it, and the application
carrying on; only for the application's own people, only while it is a draft.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onegate.audit.constants import RegistryAction, RunnerAction
from onegate.identity.tests.acting_fixtures import Household, make_household, strong_session
from onegate.registries.models import CorrectionRequest, Person
from onegate.runner.constants import ApplicationStatus
from onegate.runner.models import Application
from onegate.runner.services.corrections import application_correction_request
from onegate.runner.services.drafts import ApplicationRefused
from onegate.runner.tests.test_services import (
    LICENCE,
    actions,
    child_card_filled,
    driver,
    published,  # noqa: F401  (fixture)
    start_for,
)

pytestmark = pytest.mark.usefixtures("published")

WRONG = "My ID number has the last two digits the wrong way round."


def page_url(application: Application, page_id: str) -> str:
    return reverse("runner:page", kwargs={"application_id": application.pk, "page_id": page_id})


def correction_url(application: Application, alias: str, person: Any, page: str) -> str:
    found = reverse("runner:correction", kwargs={"application_id": application.pk, "alias": alias})
    return f"{found}?person={person.pk}&page={page}"


def wrong_links(html: str) -> list[str]:
    """The targets of the "Is this wrong?" links on a page."""
    found = re.findall(r'<a class="govuk-link" href="([^"]+)">Is this wrong\?', html)
    return [link.replace("&amp;", "&") for link in found]


def mark_sent(application: Application) -> None:
    Application.objects.filter(pk=application.pk).update(
        status=ApplicationStatus.SUBMITTED, reference="7KQ2-M9XD-4TR8", submitted_at=timezone.now()
    )


@pytest.fixture
def licence(client: Client) -> tuple[Client, Application, Person]:
    """Kanya, signed in, with a driving licence renewal begun (her ID number is prefilled)."""
    user, person = driver()
    application = start_for(user, service=LICENCE)
    return strong_session(client, user), application, person


def test_a_prefilled_fact_links_to_say_it_is_wrong(licence) -> None:
    client, application, person = licence

    html = client.get(page_url(application, "your_licence")).content.decode()

    [link] = wrong_links(html)
    target = urlsplit(link)
    assert target.path == reverse(
        "runner:correction", kwargs={"application_id": application.pk, "alias": "national_id"}
    )
    assert parse_qs(target.query) == {"person": [str(person.pk)], "page": ["your_licence"]}


def test_the_page_shows_the_fact_and_where_it_comes_from(licence) -> None:
    client, application, person = licence

    page = client.get(correction_url(application, "national_id", person, "your_licence"))

    html = page.content.decode()
    assert page.status_code == 200
    assert "Tell Civil Registration Department a detail is wrong" in html
    digits = person.national_id
    shown = f"{digits[0]}-{digits[1:5]}-{digits[5:10]}-{digits[10:12]}-{digits[12]}"
    assert shown in html  # as the page showed it
    assert "Tell us what is wrong and what it should say" in html
    assert 'name="description"' in html
    assert f'href="{page_url(application, "your_licence")}"' in html  # back, and "Cancel"


def test_sending_it_tells_the_agency_and_goes_back_to_the_page(licence) -> None:
    client, application, person = licence
    user = application.user

    sent = client.post(
        correction_url(application, "national_id", person, "your_licence"),
        {"description": WRONG},
    )

    assert sent.status_code == 302
    assert sent["Location"] == page_url(application, "your_licence")
    [request] = CorrectionRequest.objects.all()
    assert request.person_id == person.pk
    assert request.fact == "person.national_id"
    assert request.owning_agency == "civil-registration"
    assert request.description == WRONG
    assert request.reported_by == str(user.pk)
    [asked] = actions(RunnerAction.CORRECTION_ASKED, application)
    assert asked.payload["correction_request"] == str(request.pk)
    assert actions(RegistryAction.CORRECTION_REQUESTED)
    back = client.get(sent["Location"]).content.decode()
    assert "We have told Civil Registration Department what is wrong." in back
    assert "You can carry on with your application" in back
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT  # nothing else changed
    assert application.answers == {}


def test_nothing_said_is_asked_for_and_nothing_is_sent(licence) -> None:
    client, application, person = licence
    url = correction_url(application, "national_id", person, "your_licence")

    empty = client.post(url, {"description": "   "})
    too_long = client.post(url, {"description": "x" * 2001})

    assert empty.status_code == 200
    html = empty.content.decode()
    assert "<title>Error:" in html and "govuk-error-summary" in html
    assert "Enter what is wrong and what it should say" in html
    assert "What is wrong must be 2,000 characters or fewer" in too_long.content.decode()
    assert not CorrectionRequest.objects.exists()


def test_thai_pages_ask_in_thai(licence) -> None:
    client, application, person = licence
    url = "/th" + correction_url(application, "national_id", person, "your_licence")

    html = client.get(url).content.decode()

    assert '<html lang="th"' in html
    assert "กรมการทะเบียนราษฎร" in html  # the agency by its Thai name


def test_only_the_applications_own_people_and_facts(licence, household_two) -> None:
    client, application, _person = licence
    someone = household_two.child

    assert client.get(correction_url(application, "national_id", someone, "x")).status_code == 404
    stranger = client.post(
        correction_url(application, "national_id", someone, "your_licence"),
        {"description": WRONG},
    )
    assert stranger.status_code == 404
    own = application.subjects[0]["person_id"]
    url = reverse("runner:correction", kwargs={"application_id": application.pk, "alias": "shoe"})
    assert client.get(f"{url}?person={own}").status_code == 404  # no such fact
    assert client.get(url).status_code == 404  # nobody named
    assert not CorrectionRequest.objects.exists()


def test_the_service_refuses_another_person_and_a_sent_application(licence, household_two):
    _client, application, person = licence
    user = application.user

    with pytest.raises(ApplicationRefused) as refused:
        application_correction_request(
            actor=user,
            application=application,
            person_id=str(household_two.child.pk),
            alias="national_id",
            description=WRONG,
        )
    assert refused.value.code == "not_allowed"
    mark_sent(application)
    application.refresh_from_db()
    with pytest.raises(ApplicationRefused) as refused:
        application_correction_request(
            actor=user,
            application=application,
            person_id=str(person.pk),
            alias="national_id",
            description=WRONG,
        )
    assert refused.value.code == "not_draft"
    assert not CorrectionRequest.objects.exists()


def test_a_sent_application_has_no_correction_page(licence) -> None:
    client, application, person = licence
    mark_sent(application)

    answer = client.get(correction_url(application, "national_id", person, "your_licence"))

    assert answer.status_code == 302
    assert answer["Location"] == reverse("runner:sent", kwargs={"application_id": application.pk})


@pytest.fixture
def household_two() -> Household:
    return make_household()


def test_a_parent_reports_a_childs_fact_from_check_your_answers(client: Client) -> None:
    household = make_household()
    application = child_card_filled(household.parent_user, household.child)
    client = strong_session(client, household.parent_user)
    check = reverse("runner:check", kwargs={"application_id": application.pk})

    links = wrong_links(client.get(check).content.decode())

    assert links, "the child's facts on check your answers link to say they are wrong"
    first = urlsplit(links[0])
    assert parse_qs(first.query)["person"] == [str(household.child.pk)]
    sent = client.post(links[0], {"description": "Her birthday is the 3rd, not the 8th."})
    assert sent.status_code == 302 and sent["Location"] == check
    [request] = CorrectionRequest.objects.all()
    assert request.person_id == household.child.pk


def test_a_child_without_a_thai_name_is_asked_about_the_name_in_their_passport(client: Client):
    """The child health card shows a child with no Thai name (one who came from abroad) by the
    name in their passport; "Is this wrong?" about it shows that name, not empty Thai ones."""
    household = make_household()
    Person.objects.filter(pk=household.child.pk).update(given_name_th="", family_name_th="")
    application = child_card_filled(household.parent_user, household.child)
    client = strong_session(client, household.parent_user)

    page = client.get(correction_url(application, "name", household.child, "check-answers"))

    shown = page.content.decode()
    assert page.status_code == 200
    assert "Niran Jaidee" in shown
    assert "Not on record" not in shown
