"""Assisted digital: a centre officer finds the person at the counter, records the identity check,
chooses the service with them and starts their application, which the person then sees as theirs.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onegate.audit.constants import CaseAction, RunnerAction
from onegate.core.languages import format_date
from onegate.identity.constants import StaffRole
from onegate.identity.models import ServiceCentre, User
from onegate.identity.tests.account_fixtures import make_account
from onegate.identity.tests.acting_fixtures import citizen, link_account, strong_session, years_ago
from onegate.identity.tests.organisation_fixtures import service_centre, staff_member
from onegate.notify.constants import Channel
from onegate.notify.models import Message
from onegate.registries.models import AccessRecord, Person
from onegate.registries.tests.registry_fixtures import national_id
from onegate.runner.models import Application
from onegate.runner.selectors import answers_checksum, application_for, applications_of
from onegate.runner.services import (
    ApplicationRefused,
    application_assisted_start,
    application_submit,
)
from onegate.runner.tests.journey_support import pages_saved
from onegate.runner.tests.test_services import (
    LICENCE,
    actions,
    publish_edited,
    published,  # noqa: F401  (fixture)
)

ASSIST = reverse("runner:assist")
IDENTITY = reverse("runner:assist_identity")
SERVICE = reverse("runner:assist_service")


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


def _found(desk: Client, person: Person) -> None:
    response = desk.post(ASSIST, {"national_id": person.national_id})
    assert response.status_code == 302 and response["Location"] == IDENTITY


def _checked(desk: Client, **extra: str) -> Any:
    data = {"document": "id_card", "number_last4": "1234", "photo_compared": "on", **extra}
    return desk.post(IDENTITY, data)


def test_the_officer_starts_an_application_with_the_person(desk: Client, officer, person, centre):
    # given the person has an account of their own
    account = link_account(make_account("boonmee@example.test"), person)

    _found(desk, person)
    page = desk.get(IDENTITY)
    assert "บุญมี ศรีสุข" in page.text and "Boonmee Srisuk" in page.text
    assert _checked(desk)["Location"] == SERVICE
    choices = desk.get(SERVICE)
    assert "Renew your driving licence" in choices.text
    assert "Get a health card for your child" not in choices.text  # children only
    started = desk.post(SERVICE, {"service": LICENCE})

    application = Application.objects.get()
    assert started.status_code == 302
    assert started["Location"] == reverse(
        "runner:page", kwargs={"application_id": application.pk, "page_id": "your_licence"}
    )
    assert application.user == account  # the person's, not the officer's
    assert application.applicant_person_id == str(person.pk)
    assert application.assisted_by == officer
    assert str(application.assisted_centre_id) == str(centre.pk)
    check = application.identity_check
    assert (check["document"], check["number_last4"], check["photo_compared"]) == (
        "id_card",
        "1234",
        True,
    )
    assert check["checked_by"] == str(officer.pk)
    assisted = actions(RunnerAction.ASSISTED_STARTED, application)
    assert len(assisted) == 1
    assert assisted[0].actor_id == str(officer.pk)
    assert assisted[0].on_behalf_of_id == str(account.pk)
    # the person sees it in their account; the officer may carry on filling it in
    assert [a.pk for a in applications_of(user=account)] == [application.pk]
    assert application_for(user=officer, application_id=application.pk) == application
    first_page = desk.get(started["Location"])
    assert first_page.status_code == 200 and "Your driving licence" in first_page.text
    # and the officer's list of the day has it, with a way back in
    listed = desk.get(ASSIST)
    assert "Boonmee Srisuk" in listed.text and "Continue" in listed.text


def test_the_person_sees_where_and_how_it_was_started_with_them(desk: Client, person, centre):
    account = link_account(make_account("boonmee@example.test"), person)
    _found(desk, person)
    _checked(desk, document="passport")
    desk.post(SERVICE, {"service": LICENCE})

    mine = strong_session(Client(), account).get(reverse("runner:applications")).text

    on = format_date(timezone.localdate(), "en")
    assert (
        f"Started with you at {centre.name_en} on {on}, identity checked with your passport" in mine
    )


def test_the_same_start_twice_the_same_day_gives_the_same_draft(officer, person, centre):
    first, second = (
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
        )
        for _ in range(2)
    )

    assert first.pk == second.pk
    assert len(actions(RunnerAction.ASSISTED_STARTED)) == 1


def test_every_read_is_on_the_persons_access_log(desk: Client, person):
    _found(desk, person)
    _checked(desk)
    desk.post(SERVICE, {"service": LICENCE})

    purposes = set(AccessRecord.objects.filter(person=person).values_list("purpose", flat=True))
    assert "Checking a person's identity at a service centre" in purposes
    assert f"Processing an application ({LICENCE})" in purposes
    assert set(
        AccessRecord.objects.filter(person=person).values_list("accessor_kind", flat=True)
    ) == {"staff"}


def test_a_person_without_an_account_finds_it_once_they_have_one(desk: Client, person):
    _found(desk, person)
    _checked(desk)
    desk.post(SERVICE, {"service": LICENCE})
    application = Application.objects.get()
    assert application.user is None

    later = link_account(make_account("boonmee@example.test"), person)

    assert [a.pk for a in applications_of(user=later)] == [application.pk]
    assert application_for(user=later, application_id=application.pk) == application


def test_a_wrong_or_unknown_national_id_number_is_said_so(desk: Client, person):
    wrong = desk.post(ASSIST, {"national_id": "1234"})
    assert wrong.status_code == 400
    assert "A Thai national ID number has 13 digits; this one has 4." in wrong.text
    mistyped = person.national_id[:-1] + str((int(person.national_id[-1]) + 1) % 10)
    assert "the check digit" in desk.post(ASSIST, {"national_id": mistyped}).text

    unknown = desk.post(ASSIST, {"national_id": national_id("110170023067")})
    assert unknown.status_code == 400
    assert "Nobody with this national ID number is on the population register" in unknown.text

    empty = desk.post(ASSIST, {"national_id": ""})
    assert "Enter the person&#39;s 13-digit national ID number" in empty.text


def test_the_identity_check_must_be_complete(desk: Client, person):
    _found(desk, person)

    unchecked = _checked(desk, photo_compared="")
    assert unchecked.status_code == 400
    assert "Confirm that you have compared the person with the photo" in unchecked.text
    short = _checked(desk, number_last4="12")
    assert "Enter exactly 4 letters or numbers" in short.text
    # and the service cannot be chosen before it is
    assert desk.get(SERVICE)["Location"] == IDENTITY


def test_the_steps_need_the_person_found_first(desk: Client):
    assert desk.get(IDENTITY)["Location"] == ASSIST
    assert desk.get(SERVICE)["Location"] == ASSIST


def test_a_citizen_cannot_open_the_centre_pages(client: Client, person):
    account = link_account(make_account("boonmee@example.test"), person)
    client.force_login(account)

    assert client.get(ASSIST).status_code == 403


def test_another_officer_cannot_open_the_draft(desk: Client, person, centre):
    _found(desk, person)
    _checked(desk)
    desk.post(SERVICE, {"service": LICENCE})
    application = Application.objects.get()
    other_centre = service_centre("bang-rak")
    colleague = staff_member(
        "other@example.test", StaffRole.CENTRE_OFFICER, centre.agency_slug, centre=other_centre
    )

    with pytest.raises(Http404):
        application_for(user=colleague, application_id=application.pk)
    assert actions(RunnerAction.ACCESS_REFUSED, application)[0].actor_id == str(colleague.pk)


def test_an_officer_may_not_assist_at_a_centre_that_is_not_theirs(officer, person, centre):
    elsewhere = service_centre("bang-rak")

    with pytest.raises(ApplicationRefused) as refused:
        application_assisted_start(
            staff=officer,
            centre_id=str(elsewhere.pk),
            person_id=str(person.pk),
            names={"en": "Boonmee Srisuk", "th": "บุญมี ศรีสุข"},
            document="id_card",
            number_last4="1234",
            photo_compared=True,
            service_slug=LICENCE,
            language="en",
        )
    assert refused.value.code == "not_allowed"
    assert not Application.objects.exists()


def test_no_application_without_the_photo_compared(officer, person, centre):
    with pytest.raises(ApplicationRefused):
        application_assisted_start(
            staff=officer,
            centre_id=str(centre.pk),
            person_id=str(person.pk),
            names={"en": "Boonmee Srisuk", "th": "บุญมี ศรีสุข"},
            document="id_card",
            number_last4="1234",
            photo_compared=False,
            service_slug=LICENCE,
            language="en",
        )
    assert not Application.objects.exists()
    assert actions(RunnerAction.ACCESS_REFUSED)[0].actor_id == str(officer.pk)


def test_the_officer_sees_the_confirmation_but_not_the_application_later(
    desk: Client, officer, person
):
    _found(desk, person)
    _checked(desk)
    desk.post(SERVICE, {"service": LICENCE})
    application = Application.objects.get()
    sent_at = timezone.now()
    Application.objects.filter(pk=application.pk).update(
        status="submitted", reference="7KQ2-M9XD-4TR8", submitted_at=sent_at
    )

    assert application_for(user=officer, application_id=application.pk).pk == application.pk

    Application.objects.filter(pk=application.pk).update(
        submitted_at=sent_at - dt.timedelta(hours=2)
    )
    with pytest.raises(Http404):
        application_for(user=officer, application_id=application.pk)


LICENCE_PAGES: dict[str, dict[str, Any]] = {
    "your_licence": {"licence_number": "63001234", "licence_class": "car"},
    "medical": {"medical_condition": False},
    "photo": {"photo_source": "id_card"},
    "delivery": {"collect_or_post": "collect"},
}


def test_the_officer_fills_it_in_and_sends_it_and_the_person_is_told(desk: Client, officer, person):
    account = link_account(make_account("boonmee@example.test"), person)
    _found(desk, person)
    _checked(desk)
    desk.post(SERVICE, {"service": LICENCE})
    application = Application.objects.get()
    today = timezone.localdate()
    answers = dict(LICENCE_PAGES)
    answers["your_licence"] = {
        **answers["your_licence"],
        "licence_expires_on": (today + dt.timedelta(days=20)).isoformat(),
    }
    certificate = {
        "id": str(uuid.uuid4()),
        "name": "c.pdf",
        "size": 9000,
        "content_type": "application/pdf",
    }
    answers["medical"] = {
        **answers["medical"],
        "medical_certificate": [certificate],
        "certificate_date": today.isoformat(),
    }
    application = pages_saved(officer, application, answers)

    sent = application_submit(
        actor=officer,
        application_id=application.pk,
        submit_token=application.submit_token,
        answers_checksum=answers_checksum(application),
        declarations={"declaration": True},
        language="en",
    )

    assert sent.reference
    assert sent.submission["acting"]["assisted_by"] == str(officer.pk)
    submitted = actions(CaseAction.APPLICATION_SUBMITTED, sent)[0]
    assert submitted.actor_id == str(officer.pk)
    assert submitted.on_behalf_of_id == str(account.pk)
    told = Message.objects.filter(user=account, channel=Channel.INBOX)
    assert [m.reference for m in told] == [sent.reference]


HELPING = "You are helping Boonmee Srisuk (identity checked with their Thai national ID card)"


def test_every_page_tells_the_officer_whom_they_are_helping(desk: Client, person):
    account = link_account(make_account("boonmee@example.test"), person)
    _found(desk, person)
    _checked(desk)
    started = desk.post(SERVICE, {"service": LICENCE})
    application = Application.objects.get()
    pages = [
        started["Location"],
        reverse("runner:saved", kwargs={"application_id": application.pk}),
        reverse("runner:delete", kwargs={"application_id": application.pk}),
    ]

    for path in pages:
        assert HELPING in desk.get(path).text, path

    # the person, on their own account, is not told they are being helped
    own = Client()
    own.force_login(account)
    assert "You are helping" not in own.get(started["Location"]).text


def test_the_services_offered_are_the_newest_published_versions(desk: Client, person):
    publish_edited(LICENCE, "en: Renew your driving licence", "en: Renew a driving licence")
    _found(desk, person)
    _checked(desk)

    choices = desk.get(SERVICE).text

    assert "Renew a driving licence" in choices
    assert "Renew your driving licence" not in choices


def test_check_answers_names_the_person_helped_not_yourself(desk: Client, officer, person):
    """At the counter, "Applying for" on check your answers is the person, not "Yourself" (which
    would be the officer)."""
    _found(desk, person)
    _checked(desk)
    desk.post(SERVICE, {"service": LICENCE})
    application = Application.objects.get()
    answers = dict(LICENCE_PAGES)
    answers["your_licence"] = {
        **answers["your_licence"],
        "licence_expires_on": (timezone.localdate() + dt.timedelta(days=20)).isoformat(),
    }
    application = pages_saved(officer, application, answers)
    check = reverse("runner:check", kwargs={"application_id": application.pk})

    page = desk.get(check).text

    applying_for = page.split("Applying for", 1)[1].split("</dl>", 1)[0]
    assert "Boonmee Srisuk" in applying_for
    assert "Yourself" not in applying_for
