"""A parent gets a child health card for two children in a real browser, measured: from "Start
now" on the service page to the confirmation in at most 6 screens, without typing a single
registry fact (the children's names and dates of birth come from the population register), in a
wall time well under a minute. The numbers go to test-artifacts/runner-journey.json.

Then the things only a browser shows: answers saved on one device and carried on from another
(a second browser context, the same account signed in again), the error summary taking the
focus and its links moving it to the question, "Change" on check your answers coming back
there, and a double click on "Accept and send" making one application.

The other runner browser tests (test_runner_nojs.py, test_runner_pages.py) use the helpers here:
the demo services published on the live server, a person's browser that records every screen it
loads and every character typed into a field.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Error as PlaywrightError

from onegate.audit.constants import CaseAction
from onegate.audit.models import AuditEvent
from onegate.catalogue.selectors import catalogue_forget
from onegate.definitions.demo import load_demo_definitions
from onegate.definitions.selectors import definition_published_version
from onegate.definitions.tests.support import released_versions_delete
from onegate.identity.models import User
from onegate.identity.tests.acting_fixtures import Household, make_household, strong_session
from onegate.registries.models import Address
from onegate.registries.models import Person as RegistryPerson
from onegate.registries.tests.registry_fixtures import bangkok_sub_district
from onegate.runner.constants import ApplicationStatus
from onegate.runner.models import Application

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
CHILD_HEALTH = "child-health-card"

# Buttons and links found by what they do, not by their words, so one script runs in both
# languages.
CONTINUE = "main form button[name=action][value=continue]:not(.govuk-visually-hidden)"
SAVE = "main form button[name=action][value=save]"
WHOM_CONTINUE = "main form button.govuk-button:not([name=restart])"
SEND = "main form[action$='/check-answers/'] button.govuk-button"
START_NOW = "main a.govuk-button--start"


# --- the site and the people --------------------------------------------------------------------


@pytest.fixture(name="runner_site")
def runner_site_fixture(demo_site: str) -> Iterator[str]:
    """The live server with the demo catalogue and the five demo services' definitions published.

    Afterwards the applications go first (they keep their definition version), then the released
    versions, which SQLite's flush could not delete."""
    load_demo_definitions(warnings=io.StringIO())
    catalogue_forget()
    yield demo_site
    Application.objects.all().delete()
    released_versions_delete()
    catalogue_forget()


@pytest.fixture(name="household")
def household_fixture(runner_site: str) -> Household:
    """A parent with an account linked to the register, two children (10, and 18 tomorrow) and a
    ward."""
    return make_household()


def registered_address(who: RegistryPerson) -> Address:
    """The person's address on the house register, in Phra Nakhon, Bangkok."""
    return Address.objects.create(
        person=who,
        kind="thai",
        house_number="99/1",
        road="Na Phra Lan",
        sub_district=bangkok_sub_district(),
        postcode="10200",
        country="THA",
        valid_from=dt.date(2015, 1, 1),
    )


def session_cookie(user: User) -> str:
    """A new substantial session (password and authenticator app) of ``user``: what signing in
    on another device gives."""
    client = strong_session(Client(), user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def prefilled_fields(service_slug: str) -> set[str]:
    """The fields of the published definition whose value comes from a register."""
    found = definition_published_version(slug=service_slug)
    assert found is not None, f"{service_slug} is not published"
    return {
        one.id
        for page in found[1].model.pages
        for one in page.fields
        if getattr(one, "prefill", None)
    }


@dataclass
class Typed:
    """One ``fill`` the script made: into which field (its name) and what."""

    field: str
    text: str


@dataclass
class Person:
    """A person at a browser: one context (one device), its page, every screen it loaded and
    everything typed into a field."""

    context: Any
    page: Any
    site: str
    screens: list[str] = field(default_factory=list)
    typed: list[Typed] = field(default_factory=list)

    def go(self, path: str) -> None:
        """Open ``path``; a start page with one person to apply for is started at once (the
        "Start your application" button: only a POST starts an application)."""
        self.page.goto(self.site + path)
        self.start_if_single()

    def start_if_single(self) -> None:
        """On a start page with one person to apply for, press "Start your application"."""
        single = "form:has(input[type=hidden][name=subject]) button"
        if "/apply/new/" in self.path() and self.page.locator(single).count():
            self.press(single)

    def type(self, selector: str, text: str) -> None:
        target = self.page.locator(selector)
        name = target.get_attribute("name") or selector
        target.fill(text)
        self.typed.append(Typed(field=name, text=text))

    def press(self, selector: str) -> None:
        """Click a button or link and wait for the page it leads to."""
        with self.page.expect_navigation():
            self.page.locator(selector).first.click()

    def path(self) -> str:
        return re.sub(r"^https?://[^/]+", "", self.page.url)

    def keystrokes(self, fields: set[str] | None = None) -> int:
        """Characters typed (into ``fields`` only, when given; a date's day, month and year
        count as its field)."""
        return sum(
            len(one.text)
            for one in self.typed
            if fields is None or re.sub(r"-(day|month|year)$", "", one.field) in fields
        )


@pytest.fixture(name="person_at")
def person_at_fixture(browser: Any, runner_site: str) -> Iterator[Any]:
    """``person_at(session, width=1280, javascript=True)``: a person at a new browser context (a
    device of their own), signed in with ``session``; every main-frame page load is recorded."""
    contexts = []

    def _open(session: str, *, width: int = 1280, javascript: bool = True) -> Person:
        context = browser.new_context(
            viewport={"width": width, "height": 900},
            java_script_enabled=javascript,
            bypass_csp=True,  # axe is injected as a script
        )
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": runner_site}]
        )
        contexts.append(context)
        page = context.new_page()
        person = Person(context=context, page=page, site=runner_site)

        def loaded(frame: Any) -> None:
            if frame == page.main_frame:
                person.screens.append(person.path())

        page.on("framenavigated", loaded)
        return person

    yield _open
    for context in contexts:
        context.close()


# --- the child health card, measured --------------------------------------------------------------


def apply_for_two_children(person: Person, household: Household, prefix: str = "") -> None:
    """From the service page to the confirmation, as a parent does it: both children, the
    nearest health centre, no long-term illness, no allergies, a mobile number, the declaration."""
    person.press(START_NOW)
    assert "/apply/new/child-health-card/" in person.path()
    for child in (household.child, household.nearly_adult):
        person.page.locator(f"input[name=subjects][value='{child.pk}']").check()
    person.press(WHOM_CONTINUE)
    person.page.locator("input[name=health_centre_choice][value=nearest]").check()
    person.press(CONTINUE)
    person.page.locator("input[name=long_term_condition][value=no]").check()
    person.page.locator("input[name=allergies][value=none]").check()
    person.press(CONTINUE)
    person.type("input[name=parent_phone]", "081 234 5678")
    person.press(CONTINUE)
    assert person.path().endswith("/check-answers/")
    person.page.locator("input[name=declaration]").check()
    person.press(SEND)
    assert person.path().endswith("/sent/")


def test_a_health_card_for_two_children_in_six_screens_without_typing_a_fact(person_at, household):
    person = person_at(session_cookie(household.parent_user))
    facts = prefilled_fields(CHILD_HEALTH)
    assert facts == {"child_given_name", "child_family_name", "child_name", "child_date_of_birth"}
    person.go(f"/services/{CHILD_HEALTH}/")
    person.screens.clear()  # the service page is where the journey starts

    started = time.perf_counter()
    apply_for_two_children(person, household)
    wall_time = time.perf_counter() - started

    application = Application.objects.get()
    assert application.status == ApplicationStatus.SUBMITTED
    assert {s["person_id"] for s in application.subjects} == {
        str(household.child.pk),
        str(household.nearly_adult.pk),
    }
    panel = person.page.locator(".govuk-panel").inner_text()
    assert application.reference in panel
    screens = list(dict.fromkeys(re.sub(r"\?.*$", "", path) for path in person.screens))
    fact_keystrokes = person.keystrokes(facts)
    result = {
        "service": CHILD_HEALTH,
        "children": 2,
        "screens": len(screens),
        "page_loads": len(person.screens),
        "registry_fact_keystrokes": fact_keystrokes,
        "wall_time_seconds": round(wall_time, 2),
        "screen_paths": [re.sub(r"[0-9a-f-]{36}", "<id>", path) for path in screens],
        "keystrokes_in_all": person.keystrokes(),
        "typed_into": [one.field for one in person.typed],
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "runner-journey.json").write_text(json.dumps(result, indent=2) + "\n")
    sys.stdout.write(
        f"\nchild health card for two children: {len(screens)} screens, "
        f"{fact_keystrokes} keystrokes into registry facts "
        f"({result['keystrokes_in_all']} in all), {wall_time:.2f} s\n"
    )

    assert len(screens) <= 6, screens
    assert fact_keystrokes == 0
    # the facts were never asked for: no input of theirs on any screen, nothing typed holds them
    typed = " ".join(one.text for one in person.typed)
    for child in (household.child, household.nearly_adult):
        for fact in (child.given_name_latin, child.given_name_th, child.family_name_th):
            assert fact not in typed
        assert str(child.date_of_birth.year) not in typed
    assert wall_time < 60


def test_no_screen_has_an_input_for_a_registry_fact(person_at, household):
    """The facts are shown, never asked: neither on the question pages nor on check answers."""
    person = person_at(session_cookie(household.parent_user))
    facts = prefilled_fields(CHILD_HEALTH)
    seen: list[str] = []

    def inputs_of_facts() -> list[str]:
        names = person.page.eval_on_selector_all(
            "input, select, textarea", "els => els.map(e => e.name)"
        )
        return [n for n in names if re.sub(r"-(day|month|year)$", "", n) in facts]

    person.go(f"/services/{CHILD_HEALTH}/")
    original = person.press

    def press_and_look(selector: str) -> None:
        original(selector)
        seen.extend(inputs_of_facts())

    person.press = press_and_look  # type: ignore[method-assign]
    apply_for_two_children(person, household)
    assert seen == []


# --- another device, errors, change, double click ----------------------------------------------


def test_saved_on_one_device_and_carried_on_from_another(person_at, household):
    laptop = person_at(session_cookie(household.parent_user))
    laptop.go(f"/services/{CHILD_HEALTH}/")
    laptop.press(START_NOW)
    for child in (household.child, household.nearly_adult):
        laptop.page.locator(f"input[name=subjects][value='{child.pk}']").check()
    laptop.press(WHOM_CONTINUE)
    laptop.page.locator("input[name=health_centre_choice][value=nearest]").check()
    laptop.press(CONTINUE)
    needs_page = laptop.path()
    assert needs_page.endswith("/page/health_needs/")
    # half the page answered (a page answered in full is done, and resumes on the next one)
    laptop.page.locator("input[name=allergies][value=peanuts]").check()
    laptop.page.locator("input[name=allergies][value=eggs]").check()
    laptop.press(SAVE)
    assert laptop.path().endswith("/saved/")
    assert "Your answers are saved" in laptop.page.locator("h1").inner_text()
    application = Application.objects.get()
    assert application.status == ApplicationStatus.DRAFT

    # another device: a new browser context, the same account signed in again
    phone = person_at(session_cookie(household.parent_user), width=320)
    phone.go("/account/applications/")
    phone.press(f"main a[href*='{application.pk}']:not([href$='/delete/'])")
    assert phone.path() == needs_page
    assert not phone.page.locator("input[name=long_term_condition]:checked").count()
    checked = phone.page.eval_on_selector_all(
        "input[name=allergies]:checked", "els => els.map(e => e.value)"
    )
    assert sorted(checked) == ["eggs", "peanuts"]
    # and "Start now" again offers the same application rather than a second one
    phone.go(f"/services/{CHILD_HEALTH}/")
    phone.press(START_NOW)
    for child in (household.child, household.nearly_adult):
        phone.page.locator(f"input[name=subjects][value='{child.pk}']").check()
    phone.press(WHOM_CONTINUE)
    assert "You have an application you have not sent yet" in phone.page.content()
    phone.press("main a.govuk-button")
    assert phone.path() == needs_page
    assert Application.objects.count() == 1


def test_the_error_summary_takes_the_focus_and_its_links_go_to_the_question(person_at, household):
    person = person_at(session_cookie(household.parent_user))
    person.go(f"/apply/new/{CHILD_HEALTH}/")
    person.page.locator(f"input[name=subjects][value='{household.child.pk}']").check()
    person.press(WHOM_CONTINUE)
    assert person.path().endswith("/page/health_centre/")

    person.press(CONTINUE)  # nothing chosen

    page = person.page
    assert page.title().startswith("Error:")
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.matches('.govuk-error-summary')"
    )
    link = summary.locator("a").first
    target = (link.get_attribute("href") or "").lstrip("#")
    assert target
    link.click()
    page.wait_for_function(f"() => document.activeElement.id === {json.dumps(target)}")
    focused = page.evaluate("document.activeElement.name")
    assert focused == "health_centre_choice"


ERROR_PAGES = {
    # service, page, what is chosen first (so revealed or conditional questions are asked)
    "radios": (CHILD_HEALTH, "health_centre", {}),
    "revealed text": (CHILD_HEALTH, "health_centre", {"health_centre_choice": "chosen"}),
    "yes or no, checkboxes": (CHILD_HEALTH, "health_needs", {}),
    "revealed long text": (CHILD_HEALTH, "health_needs", {"long_term_condition": "yes"}),
    "phone": (CHILD_HEALTH, "contact", {}),
    "address, date, select": ("tell-us-you-have-moved", "new_address_page", {}),
    "file": ("tell-us-you-have-moved", "new_address_page", {"home_status": "rent"}),
    "groups": ("tell-us-you-have-moved", "who_is_moving", {"others_moving": "yes"}),
    "text, radios, date": ("renew-driving-licence", "your_licence", {}),
    "revealed checkboxes, file": ("renew-driving-licence", "medical", {"medical_condition": "yes"}),
}


@pytest.mark.parametrize("case", ERROR_PAGES)
def test_every_error_summary_link_moves_the_focus_to_its_question(person_at, household, case):
    """Each link of the error summary leads to an answer that takes the focus."""
    service, page_id, chosen = ERROR_PAGES[case]
    registered_address(household.parent)
    person = person_at(session_cookie(household.parent_user))
    person.go(f"/apply/new/{service}/")
    if service == CHILD_HEALTH:
        person.page.locator(f"input[name=subjects][value='{household.child.pk}']").check()
        person.press(WHOM_CONTINUE)
    first = person.path()
    person.go(re.sub(r"/page/[^/]+/$", f"/page/{page_id}/", first))
    page = person.page
    for name, value in chosen.items():
        target = page.locator(f"[name='{name}']").first
        if target.evaluate("e => e.tagName") == "SELECT":
            target.select_option(value)
        else:
            page.locator(f"input[name='{name}'][value='{value}']").check()
    person.press(CONTINUE)

    links = page.locator(".govuk-error-summary a")
    assert links.count() >= 1, "no error summary"
    wrong = []
    for index in range(links.count()):
        link = links.nth(index)
        target = (link.get_attribute("href") or "").lstrip("#")
        link.click()
        focused = page.evaluate(
            "() => ({id: document.activeElement.id, tag: document.activeElement.tagName})"
        )
        if focused["id"] != target or focused["tag"] not in ("INPUT", "SELECT", "TEXTAREA"):
            wrong.append(f"{link.inner_text()!r} (#{target}) focused {focused}")
    assert not wrong, "\n".join(wrong)


def test_change_on_check_answers_comes_back_to_check_answers(person_at, household):
    person = person_at(session_cookie(household.parent_user))
    person.go(f"/apply/new/{CHILD_HEALTH}/")
    person.page.locator(f"input[name=subjects][value='{household.child.pk}']").check()
    person.press(WHOM_CONTINUE)
    person.page.locator("input[name=health_centre_choice][value=nearest]").check()
    person.press(CONTINUE)
    person.page.locator("input[name=long_term_condition][value=no]").check()
    person.page.locator("input[name=allergies][value=none]").check()
    person.press(CONTINUE)
    person.type("input[name=parent_phone]", "0812345678")
    person.press(CONTINUE)
    check_page = person.path()
    assert check_page.endswith("/check-answers/")

    person.press("main .govuk-summary-list__actions a[href*='/page/contact/']")
    assert person.path().endswith("/page/contact/?return=check")
    shown = person.page.locator("input[name=parent_phone]").input_value()
    assert re.sub(r"\D", "", shown) == "0812345678"
    person.type("input[name=parent_phone]", "0898765432")
    person.press(CONTINUE)

    assert person.path() == check_page
    assert "089 876 5432" in person.page.locator("main").inner_text()


def answer_for_one_child(person: Person, household: Household) -> None:
    """A child health card for the ten-year-old, answered up to "Accept and send" (ticked)."""
    person.go(f"/apply/new/{CHILD_HEALTH}/")
    person.page.locator(f"input[name=subjects][value='{household.child.pk}']").check()
    person.press(WHOM_CONTINUE)
    person.page.locator("input[name=health_centre_choice][value=nearest]").check()
    person.press(CONTINUE)
    person.page.locator("input[name=long_term_condition][value=no]").check()
    person.page.locator("input[name=allergies][value=none]").check()
    person.press(CONTINUE)
    person.type("input[name=parent_phone]", "0812345678")
    person.press(CONTINUE)
    assert person.path().endswith("/check-answers/")
    person.page.locator("input[name=declaration]").check()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_double_click_on_accept_and_send_makes_one_application(person_at, household, javascript):
    person = person_at(session_cookie(household.parent_user), javascript=javascript)
    answer_for_one_child(person, household)
    posts: list[str] = []
    person.page.on(
        "request",
        lambda request: posts.append(request.url) if request.method == "POST" else None,
    )

    person.page.locator(SEND).dblclick()
    person.page.wait_for_url(re.compile(r"/sent/$"))
    person.page.wait_for_load_state()

    application = Application.objects.get()
    assert application.status == ApplicationStatus.SUBMITTED
    submitted = AuditEvent.objects.filter(action=CaseAction.APPLICATION_SUBMITTED)
    assert submitted.count() == 1
    assert application.reference in person.page.locator(".govuk-panel").inner_text()
    assert len(posts) >= 1


def test_sending_again_while_the_first_is_on_its_way_makes_one_application(person_at, household):
    """The person clicks "Accept and send" a second time because the first seems slow: the
    first POST reaches the server (and is held there by this test) before the second is sent."""
    person = person_at(session_cookie(household.parent_user))
    answer_for_one_child(person, household)
    page = person.page
    held: list[Any] = []
    passed: list[Any] = []

    def hold_the_first(route: Any) -> None:
        if route.request.method != "POST":
            route.continue_()
        elif not held:
            held.append(route)
        else:
            passed.append(route.request)
            route.continue_()

    page.route(re.compile(r"/check-answers/$"), hold_the_first)
    button = page.locator(SEND)
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.click(x, y)
    for _ in range(1000):  # up to 10 s for the first POST to be held
        if held:
            break
        page.wait_for_timeout(10)
    assert held, "the first POST never left"
    first = held[0].fetch(max_redirects=0)  # the server takes the first one now
    assert first.status == 302
    assert Application.objects.get().status == ApplicationStatus.SUBMITTED
    # GOV.UK Frontend's double-click guard swallows a second click within a second: the person
    # clicks again after that, because nothing seems to happen
    page.wait_for_timeout(1100)
    page.mouse.click(x, y)  # the page still says "Accept and send": the mouse clicks it again
    for _ in range(3):  # the browser drops the first navigation for the second: say so, go on
        try:
            page.wait_for_url(re.compile(r"/sent/$"))
            break
        except PlaywrightError as error:
            if "ERR_ABORTED" not in str(error):
                raise
    with contextlib.suppress(PlaywrightError):  # the browser gave up on the first for the second
        held[0].fulfill(response=first)

    assert len(passed) == 1
    application = Application.objects.get()
    assert application.status == ApplicationStatus.SUBMITTED
    submitted = AuditEvent.objects.filter(action=CaseAction.APPLICATION_SUBMITTED)
    assert submitted.count() == 1
    assert application.reference in page.locator(".govuk-panel").inner_text()


def test_with_javascript_choosing_an_option_shows_its_question(person_at, household):
    person = person_at(session_cookie(household.parent_user))
    person.go(f"/apply/new/{CHILD_HEALTH}/")
    person.page.locator(f"input[name=subjects][value='{household.child.pk}']").check()
    person.press(WHOM_CONTINUE)
    page = person.page
    name = page.locator("input[name=health_centre_name]")
    assert not name.is_visible()  # hidden until its option is chosen

    page.locator("input[name=health_centre_choice][value=chosen]").check()

    name.wait_for(state="visible", timeout=2000)
    page.locator("input[name=health_centre_choice][value=nearest]").check()
    name.wait_for(state="hidden", timeout=2000)
