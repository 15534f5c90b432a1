"""Every demo service, end to end, in a browser with JavaScript switched off, in English and in
Thai (under /th/): from "Start now" on the service page to the confirmation with its reference.

On the way: files uploaded (a PDF, a photo), "add another" groups with two items, questions
revealed under an option (shown without JavaScript), Thai addresses, dates (Buddhist Era years
on the Thai pages), the check-answers page showing what was given, and the application stored as
sent. The national ID card needs a high-assurance session (an in-person proofing and a
device-bound passkey); the electronic travel authority a visitor with a passport.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from django.test import Client
from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter

from onegate.identity.constants import LevelOfAssurance
from onegate.identity.models import IdentityLink, User
from onegate.identity.tests.account_fixtures import make_account
from onegate.identity.tests.acting_fixtures import Household, citizen, link_account, years_ago
from onegate.registries.models import Person as RegistryPerson
from onegate.registries.models import ResidenceStatus, TravelDocument
from onegate.runner.constants import ApplicationStatus
from onegate.runner.models import Application
from tests.browser.conftest import LANGUAGE_PREFIX
from tests.browser.test_runner_journey import (  # noqa: F401 (fixtures)
    CONTINUE,
    SAVE,
    SEND,
    START_NOW,
    WHOM_CONTINUE,
    Person,
    household_fixture,
    person_at_fixture,
    registered_address,
    runner_site_fixture,
    session_cookie,
)

PASSKEY_VECTORS = (
    Path(__file__).resolve().parents[2]
    / "onegate"
    / "identity"
    / "tests"
    / "data"
    / "proofing"
    / "webauthn_vectors.json"
)


# --- files, people and sessions ----------------------------------------------------------------


def pdf_file(folder: Path, name: str = "document.pdf") -> Path:
    """A one-page PDF."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    path = folder / name
    path.write_bytes(out.getvalue())
    return path


def png_file(folder: Path, name: str = "photo.png", *, side: int = 160) -> Path:
    """A PNG of coloured noise, which does not compress: about ``3 * side²`` bytes (a 160-pixel
    square is over 20 KB, the smallest photo the licence prints)."""
    noise = random.Random(side)
    image = Image.new("RGB", (side, side))
    image.putdata(
        [
            (noise.randrange(256), noise.randrange(256), noise.randrange(256))
            for _ in range(side * side)
        ]
    )
    path = folder / name
    image.save(path, format="PNG")
    return path


def device_bound_passkey(user: User) -> Authenticator:
    """A passkey of ``user``'s from a real registration (py_webauthn's 'none' attestation test
    vector), whose credential is not backup eligible: a key kept on one device."""
    cases = json.loads(PASSKEY_VECTORS.read_text())["cases"]
    case = next(c for c in cases if c["name"] == "test_verifies_none_attestation_response")
    return Authenticator.objects.create(
        user=user,
        type=Authenticator.Type.WEBAUTHN,
        data={"name": "Security key", "credential": case["credential"]},
    )


def high_session(user: User) -> str:
    """A new session of ``user`` signed in with a password and a device-bound passkey: with an
    in-person proofing, the session is at level high."""
    key = device_bound_passkey(user)
    client = Client()
    client.force_login(user)
    now = time.time()
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "type": "webauthn", "id": key.pk},
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return session.session_key or ""


def thai_adult_proved_in_person() -> User:
    """A Thai citizen of 40 with an address, proved at a service centre (level high)."""
    who = citizen("Kanya", "Srisuk", years_ago(40), given_th="กัญญา", family_th="ศรีสุข", sex="F")
    registered_address(who)
    ResidenceStatus.objects.create(person=who, kind="citizen", valid_from=who.date_of_birth)
    account = make_account("kanya@example.test")
    return link_account(account, who, level=LevelOfAssurance.HIGH)


def visitor_with_passport() -> User:
    """A British visitor whose passport is on the travel-document register for years yet."""
    who = RegistryPerson.objects.create(
        given_name_latin="Olivia",
        family_name_latin="Clarke",
        date_of_birth=dt.date(1990, 4, 12),
        sex="F",
        nationality="GBR",
    )
    TravelDocument.objects.create(
        person=who,
        document_type="P",
        number="533184920",
        issuing_state="GBR",
        nationality="GBR",
        family_name="CLARKE",
        given_names="OLIVIA",
        date_of_birth=who.date_of_birth,
        sex="F",
        expires_on=timezone.localdate() + dt.timedelta(days=1500),
    )
    return link_account(make_account("olivia@example.test"), who)


# --- typing and choosing ------------------------------------------------------------------------


def year_in(language: str, day: dt.date) -> str:
    """The year as a person types it: Buddhist Era on the Thai pages."""
    return str(day.year + 543 if language == "th" else day.year)


def type_date(person: Person, name: str, day: dt.date, language: str) -> None:
    person.type(f"input[name='{name}-day']", str(day.day))
    person.type(f"input[name='{name}-month']", str(day.month))
    person.type(f"input[name='{name}-year']", year_in(language, day))


def type_thai_address(person: Person, name: str, house_number: str = "12/3") -> None:
    """An address in Phra Nakhon, Bangkok, as the Thai names are written."""
    person.type(f"input[name='{name}-house_number']", house_number)
    person.type(f"input[name='{name}-road']", "ราชดำเนินกลาง")
    person.type(f"input[name='{name}-sub_district']", "พระบรมมหาราชวัง")
    person.type(f"input[name='{name}-district']", "พระนคร")
    person.page.locator(f"select[name='{name}-province']").select_option("10")
    person.type(f"input[name='{name}-postcode']", "10200")


def choose(person: Person, name: str, value: str) -> None:
    person.page.locator(f"input[name='{name}'][value='{value}']").check()


def on_page(person: Person, page_id: str, language: str) -> None:
    """The browser shows the question page ``page_id``, in ``language``, without errors."""
    path = person.path()
    problems = person.page.locator(".govuk-error-summary")
    shown = problems.inner_text() if problems.count() else ""
    assert f"/page/{page_id}/" in path, f"expected {page_id}, at {path}: {shown}"
    assert not shown, shown
    assert person.page.locator("html").get_attribute("lang") == language
    if language == "th":
        assert path.startswith("/th/")


def press_continue(person: Person) -> None:
    person.press(CONTINUE)


def add_item(person: Person, group: str) -> None:
    """Press "Add another …" (or "Add …") of a group: the page comes back with one more item."""
    before = person.page.locator(f"input[name='{group}-items']").get_attribute("value")
    person.press(f"button[name=action][value='add:{group}']")
    after = person.page.locator(f"input[name='{group}-items']").get_attribute("value")
    problems = person.page.locator(".govuk-error-summary")
    assert int(after or 0) == int(before or 0) + 1, (
        problems.inner_text() if problems.count() else person.page.content()[:3000]
    )


def send_from_check_answers(person: Person, language: str, expect: list[str]) -> Application:
    """On check your answers: what was given is there; tick the declaration and send."""
    assert person.path().endswith("/check-answers/"), person.path()
    shown = person.page.locator("main").inner_text()
    for text in expect:
        assert text in shown, f"{text!r} missing from check your answers"
    assert person.page.locator("html").get_attribute("lang") == language
    declaration = person.page.locator("input[name=declaration]")
    if declaration.count():
        declaration.check()
    person.press(SEND)
    assert person.path().endswith("/sent/"), person.path()
    application = Application.objects.get()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.reference in person.page.locator(".govuk-panel").inner_text()
    return application


# --- the services -------------------------------------------------------------------------------

TODAY = timezone.localdate
MOVED = "tell-us-you-have-moved"


def child_health_card(person: Person, household: Household, language: str, folder: Path) -> None:
    for child in (household.child, household.nearly_adult):
        person.page.locator(f"input[name=subjects][value='{child.pk}']").check()
    person.press(WHOM_CONTINUE)
    on_page(person, "health_centre", language)
    # the revealed question is on the page without JavaScript
    choose(person, "health_centre_choice", "chosen")
    person.type("input[name=health_centre_name]", "Bangkok Hospital Sukhumvit")
    press_continue(person)
    on_page(person, "health_needs", language)
    choose(person, "long_term_condition", "yes")
    person.type("textarea[name=condition_details]", "Asthma, uses an inhaler.")
    choose(person, "allergies", "peanuts")
    choose(person, "allergies", "eggs")
    press_continue(person)
    on_page(person, "contact", language)
    person.type("input[name=parent_phone]", "081 234 5678")
    person.type("input[name=parent_email]", "somchai@example.test")
    press_continue(person)
    application = send_from_check_answers(
        person,
        language,
        ["Bangkok Hospital Sukhumvit", "Asthma, uses an inhaler.", "081 234 5678"],
    )
    assert len(application.subjects) == 2
    assert application.answers["health_centre_name"] == "Bangkok Hospital Sukhumvit"
    assert sorted(application.answers["allergies"]) == ["eggs", "peanuts"]


def renew_driving_licence(
    person: Person, household: Household, language: str, folder: Path
) -> None:
    on_page(person, "your_licence", language)  # only for themselves: nobody else to choose
    person.type("input[name=licence_number]", "63001234")
    choose(person, "licence_class", "car")
    type_date(person, "licence_expires_on", TODAY() + dt.timedelta(days=40), language)
    press_continue(person)
    on_page(person, "medical", language)
    choose(person, "medical_condition", "yes")
    choose(person, "medical_conditions", "diabetes_insulin")  # revealed under "Yes"
    person.page.locator("input[name=medical_certificate]").set_input_files(
        str(pdf_file(folder, "certificate.pdf"))
    )
    type_date(person, "certificate_date", TODAY() - dt.timedelta(days=5), language)
    press_continue(person)
    on_page(person, "photo", language)
    choose(person, "photo_source", "upload")
    person.page.locator("input[name=new_photo]").set_input_files(str(png_file(folder, "me.png")))
    press_continue(person)
    on_page(person, "delivery", language)
    choose(person, "collect_or_post", "post")
    person.type("input[name=postage]", "60")
    press_continue(person)
    application = send_from_check_answers(person, language, ["63001234", "certificate.pdf"])
    assert application.answers["medical_conditions"] == ["diabetes_insulin"]
    assert [f["name"] for f in application.answers["new_photo"]] == ["me.png"]
    assert application.uploads.count() == 2
    assert application.answers["postage"] in ("60", "60.00")


def tell_us_you_have_moved(
    person: Person, household: Household, language: str, folder: Path
) -> None:
    # the old address comes from the house register: its page is not a screen
    on_page(person, "new_address_page", language)
    type_thai_address(person, "new_address")
    type_date(person, "moved_on", TODAY() - dt.timedelta(days=3), language)
    person.page.locator("select[name=home_status]").select_option("rent")
    person.page.locator("input[name=tenancy_agreement]").set_input_files(
        str(pdf_file(folder, "lease.pdf"))
    )
    press_continue(person)
    on_page(person, "who_is_moving", language)
    # someone not on the house register, then two from the household ("add another")
    choose(person, "others_moving", "yes")
    person.type("input[name='other_people-0-full_name']", "Somsak Dee")
    type_date(person, "other_people-0-person_date_of_birth", dt.date(1999, 4, 1), language)
    person.page.locator("select[name='other_people-0-relationship']").select_option("lodger")
    add_item(person, "household_moving")
    choose(person, "household_moving-0-member", str(household.child.pk))
    add_item(person, "household_moving")
    choose(person, "household_moving-1-member", str(household.ward.pk))
    add_item(person, "other_people")
    person.type("input[name='other_people-1-full_name']", "Ratana Dee")
    type_date(person, "other_people-1-person_date_of_birth", dt.date(2001, 9, 20), language)
    person.page.locator("select[name='other_people-1-relationship']").select_option("partner")
    press_continue(person)
    on_page(person, "who_to_tell", language)
    choose(person, "agencies_to_tell", "land_transport")
    choose(person, "agencies_to_tell", "health")
    person.type("input[name=contact_email]", "somchai@example.test")
    press_continue(person)
    application = send_from_check_answers(
        person, language, ["12/3", "10200", "lease.pdf", "Somsak Dee", "Ratana Dee"]
    )
    answers = application.answers
    assert answers["new_address"]["sub_district_code"] == "100101"
    assert [item["member"] for item in answers["household_moving"]] == [
        str(household.child.pk),
        str(household.ward.pk),
    ]
    assert [item["full_name"] for item in answers["other_people"]] == ["Somsak Dee", "Ratana Dee"]
    assert [f["name"] for f in answers["tenancy_agreement"]] == ["lease.pdf"]


def electronic_travel_authority(
    person: Person, household: Household, language: str, folder: Path
) -> None:
    # the passport and date of birth come from the travel-document register: not a screen
    on_page(person, "your_trip", language)
    arrival = TODAY() + dt.timedelta(days=30)
    type_date(person, "arrival_date", arrival, language)
    type_date(person, "departure_date", arrival + dt.timedelta(days=14), language)
    press_continue(person)
    on_page(person, "purpose_of_visit", language)
    choose(person, "purpose", "business")
    person.type("input[name=host_organisation]", "Siam Trading Co., Ltd.")  # revealed
    press_continue(person)
    on_page(person, "stay_in_thailand", language)
    person.page.locator("select[name=accommodation]").select_option("hotel")
    type_thai_address(person, "address_in_thailand", house_number="2")
    person.type("input[name=email]", "olivia@example.test")
    press_continue(person)
    on_page(person, "criminal_record", language)
    choose(person, "convicted", "no")
    press_continue(person)
    on_page(person, "health", language)
    choose(person, "yellow_fever_country", "yes")
    choose(person, "yellow_fever_vaccinated", "yes")  # revealed under "Yes"
    press_continue(person)
    application = send_from_check_answers(
        person, language, ["Siam Trading Co., Ltd.", "olivia@example.test", "533184920"]
    )
    assert application.answers["yellow_fever_vaccinated"] is True


def national_id_card(person: Person, household: Household, language: str, folder: Path) -> None:
    if "/apply/new/" in person.path():  # a parent, for their ten-year-old
        choose(person, "subject", str(household.child.pk))
        person.press(WHOM_CONTINUE)
    on_page(person, "why", language)
    choose(person, "reason", "changed_details")
    press_continue(person)
    on_page(person, "current_card", language)
    choose(person, "changed_what", "family_name")
    choose(person, "changed_what", "address")
    person.page.locator("input[name=name_change_certificate]").set_input_files(
        str(pdf_file(folder, "name-change.pdf"))
    )
    press_continue(person)
    on_page(person, "contact", language)
    person.type("input[name=phone]", "0898765432")
    press_continue(person)
    application = send_from_check_answers(person, language, ["name-change.pdf", "089 876 5432"])
    assert application.answers["changed_what"] == ["family_name", "address"]
    # the card needs a visit: the confirmation offers to book one
    assert person.page.locator("main a[href*='/appointments/']").count() >= 1


SERVICES: dict[str, Callable[[Person, Household, str, Path], None]] = {
    "child-health-card": child_health_card,
    "renew-driving-licence": renew_driving_licence,
    "tell-us-you-have-moved": tell_us_you_have_moved,
    "electronic-travel-authority": electronic_travel_authority,
    "national-id-card": national_id_card,
}
CASES = [
    pytest.param("child-health-card", "parent", id="child-health-card"),
    pytest.param("renew-driving-licence", "parent", id="renew-driving-licence"),
    pytest.param("tell-us-you-have-moved", "parent", id="tell-us-you-have-moved"),
    pytest.param("electronic-travel-authority", "visitor", id="electronic-travel-authority"),
    pytest.param("national-id-card", "parent-high", id="national-id-card-for-a-child"),
    pytest.param("national-id-card", "adult-high", id="national-id-card"),
]


def session_for(who: str, household: Household) -> str:
    """Who applies, signed in at the level the service needs."""
    if who == "adult-high":
        return high_session(thai_adult_proved_in_person())
    if who == "visitor":
        return session_cookie(visitor_with_passport())
    registered_address(household.parent)
    if who == "parent-high":  # proved at a service centre, signed in with a security key
        IdentityLink.objects.filter(user=household.parent_user).update(level=LevelOfAssurance.HIGH)
        return high_session(household.parent_user)
    return session_cookie(household.parent_user)


@pytest.mark.parametrize("language", LANGUAGE_PREFIX)
@pytest.mark.parametrize(("service", "who"), CASES)
def test_every_service_end_to_end_without_javascript(
    person_at: Any, household: Household, tmp_path: Path, service: str, who: str, language: str
) -> None:
    person = person_at(session_for(who, household), width=320, javascript=False)
    prefix = LANGUAGE_PREFIX[language]
    person.go(f"{prefix}/services/{service}/")
    person.press(START_NOW)
    assert "/apply/" in person.path(), f"Start now led to {person.path()}"
    person.start_if_single()
    SERVICES[service](person, household, language, tmp_path)


def _moving_with_a_child(person: Person, household: Household) -> str:
    """Tell us you have moved, up to "who is moving" with the ten-year-old chosen; the page's
    address."""
    person.go(f"/apply/new/{MOVED}/")
    type_thai_address(person, "new_address")
    type_date(person, "moved_on", TODAY() - dt.timedelta(days=3), "en")
    person.page.locator("select[name=home_status]").select_option("own")
    press_continue(person)
    on_page(person, "who_is_moving", "en")
    choose(person, "others_moving", "no")
    add_item(person, "household_moving")
    choose(person, "household_moving-0-member", str(household.child.pk))
    return person.path()


def test_coming_back_to_a_person_question_keeps_the_person_chosen(person_at, household):
    registered_address(household.parent)
    person = person_at(session_cookie(household.parent_user), javascript=False)
    where = _moving_with_a_child(person, household)
    person.press(SAVE)
    assert person.path().endswith("/saved/")

    person.go(where)

    chosen = person.page.locator(
        f"input[name='household_moving-0-member'][value='{household.child.pk}']"
    )
    assert chosen.count() == 1 and chosen.is_checked()
    press_continue(person)
    on_page(person, "who_to_tell", "en")


def test_check_answers_names_the_person_chosen(person_at, household):
    registered_address(household.parent)
    person = person_at(session_cookie(household.parent_user), javascript=False)
    _moving_with_a_child(person, household)
    press_continue(person)
    on_page(person, "who_to_tell", "en")
    press_continue(person)
    assert person.path().endswith("/check-answers/")

    shown = person.page.locator("main").inner_text()

    assert "Niran Jaidee" in shown
