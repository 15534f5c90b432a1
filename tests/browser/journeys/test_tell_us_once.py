"""Tell us once on the demo government, in English.

Kenji Watanabe, the parent who has just moved to Thailand, moves house within Bangkok: from
Sukhumvit 31 to Witthayu Road in Lumphini. He signs in (password and authenticator code), finds
"Report a change of address" from the people he acts for, gives the postcode, picks the area,
types the house number, road and the day he moved, and reports it once. The house register
has the new address, and the three agencies the demo subscribes to changes of address (the
Ministry of Public Health, the Department of Land Transport and the Ministry of Education) are
each sent it by the worker; Kenji sees, agency by agency, that each has been told.

The same move through the front door ("tell-us-once-service"): Kenji searches the home page for
"moved", opens "Tell us you have moved" and starts it. Where he lived comes from the house
register (no page asks it; check answers shows it); he gives the new address in Si Lom, the day
he moved, that he owns it and that no one else moves in, and ticks the three agencies (not the
Revenue Department). The rules approve it with no officer; the worker records the move on the
register and tells the three; his case page says so and links to the agencies told, each
Delivered. (Wrong dates and their recovery are shown in the driving licence and assisted
digital stories, so this one has no mistake.)

The measured outcomes go to test-artifacts/journeys.json.
"""

from __future__ import annotations

import datetime as dt
import re
import time

from django.utils import timezone

from onegate.cases.constants import CaseStatus, DecidedBy
from onegate.cases.models import Case
from onegate.registries.demo_people import KENJI
from onegate.registries.models import Address
from onegate.runner.models import Application
from tests.browser.cases_support import error_summary, main_text, run_tasks
from tests.browser.journeys.support import Outcome, Walker, citizen_account, outcome_record
from tests.browser.test_runner_journey import (
    CONTINUE,
    SEND,
    START_NOW,
    WHOM_CONTINUE,
    prefilled_fields,
)

STORY = "tell-us-once"
TOLD = {
    "Department of Land Transport",
    "Ministry of Education",
    "Ministry of Public Health",
}
NEW_POSTCODE = "10330"
LUMPHINI = "100704"
HOUSE_NUMBER = "17/4"
ROAD = "Witthayu"


def anonymous(path: str) -> str:
    """A screen's path with its application's id and case's reference left out."""
    path = re.sub(r"/case/[^/]+/", "/case/<reference>/", path)
    return re.sub(r"[0-9a-f-]{36}", "<id>", path)


def agencies_and_statuses(kenji: Walker) -> dict[str, str]:
    """The "Agencies told" table: each agency's name and whether it has been told."""
    rows = kenji.page.locator("main table tbody tr")
    found = {}
    for index in range(rows.count()):
        row = rows.nth(index)
        found[row.locator("th").inner_text().strip()] = row.locator("td").first.inner_text()
    return found


def kenji_reports_his_move(kenji: Walker, moved_on: dt.date) -> None:
    """From his account to the confirmation: postcode, area, house and road, the date."""
    kenji.open("/account/")
    kenji.press("main a[href$='/account/acting/']")
    kenji.press("main a[href$='/account/address/']")
    assert kenji.h1() == "Report a change of address"
    assert "88/12" in main_text(kenji)  # his current address, from the house register
    kenji.page.locator("input[name=kind][value=thai]").check()
    kenji.press("main form button.govuk-button")
    kenji.type("input[name=postcode]", NEW_POSTCODE)
    kenji.press("main form button.govuk-button")
    # 10330 covers four sub-districts: he picks his
    assert "The postcode 10330 covers these sub-districts." in main_text(kenji)
    kenji.page.locator(f"input[name=sub_district][value='{LUMPHINI}']").check()
    kenji.press("main form:has(input[name=sub_district]) button.govuk-button")
    assert "Lumphini" in kenji.page.locator("#chosen-area").inner_text()
    kenji.type("input[name=house_number]", HOUSE_NUMBER)
    kenji.type("input[name=road]", ROAD)
    kenji.type("input[name=moved_on_day]", str(moved_on.day))
    kenji.type("input[name=moved_on_month]", str(moved_on.month))
    kenji.type("input[name=moved_on_year]", str(moved_on.year))
    kenji.shot("new-address")
    kenji.press("main form[method=post] button.govuk-button")
    assert "/account/address/changes/" in kenji.path(), f"{kenji.path()}: {error_summary(kenji)}"


def test_kenji_moves_house_and_sees_three_agencies_told(browsers):
    kenji = browsers.person(story=STORY)
    kenji.sign_in(citizen_account("kenji.watanabe"))
    signed_in = len(kenji.screens)
    moved_on = timezone.localdate() - dt.timedelta(days=2)

    started = time.perf_counter()
    kenji_reports_his_move(kenji, moved_on)
    seconds = time.perf_counter() - started

    # the confirmation: the register has it, and the agencies are being told
    panel = kenji.page.locator(".govuk-panel").inner_text()
    assert "Change of address reported" in panel, panel
    waiting = agencies_and_statuses(kenji)
    assert waiting == dict.fromkeys(TOLD, "Waiting to be delivered"), waiting
    kenji.shot("reported")
    new_home = Address.objects.get(person_id=KENJI, valid_until__isnull=True)
    assert (new_home.sub_district_id, new_home.house_number) == (LUMPHINI, HOUSE_NUMBER)

    run_tasks()  # the worker delivers the move to each subscribed agency

    started = time.perf_counter()
    kenji.press("main a:text('Refresh this page')")
    told = agencies_and_statuses(kenji)
    assert told == dict.fromkeys(TOLD, "Delivered"), told
    # and later, from "Report a change of address", the list of his moves says the same
    kenji.open("/account/address/")
    kenji.press("main a[href$='/account/address/changes/']")
    assert kenji.h1() == "Changes of address"
    assert agencies_and_statuses(kenji) == dict.fromkeys(TOLD, "Delivered")
    kenji.shot("agencies-told")
    seconds += time.perf_counter() - started

    screens = kenji.screens_since(signed_in)
    outcome_record(
        Outcome(
            story=STORY,
            language="en",
            screens=len(screens),
            typed_fields=kenji.fields_typed(),
            registry_facts_typed=0,  # the new address is news to the register: nothing known
            seconds=round(seconds, 1),
            paper=False,
            visit=False,
            notes="One report; the house register and three agencies told, each seen delivered.",
            extra={"screen_paths": [anonymous(path) for path in screens]},
        )
    )


# --- the same move through the front door: the catalogue's "Tell us you have moved" -------------

SERVICE = "tell-us-you-have-moved"
SERVICE_STORY = "tell-us-once-service"
SILOM = {
    "house_number": "5/2",
    "road": "Convent",
    "sub_district": "Si Lom",
    "district": "Bang Rak",
    "province": "10",  # Bangkok, from the list
    "postcode": "10500",
}
SILOM_CODE = "100402"
# The agencies the demo subscribes to changes of address, ticked; the Revenue Department is not.
TICKED = {"health", "land_transport", "education"}


def finds_the_service_from_the_home_page(kenji: Walker) -> None:
    """The home page's search for "moved", the service's page, Start now; he applies for
    himself (the service lets him apply for the people he acts for too)."""
    kenji.open("/")
    kenji.type("#search-q", "moved")
    kenji.press("main form[role=search] button")
    kenji.press(f"main a[href$='/services/{SERVICE}/']")
    assert kenji.h1() == "Tell us you have moved"
    kenji.press(START_NOW)
    yourself = kenji.page.locator(f"input[type=radio][name=subject][value='{KENJI}']")
    if yourself.count():  # "Who is this application for?": Yourself
        yourself.check()
        kenji.press(WHOM_CONTINUE)
    kenji.start_if_single()  # "Start your application"


def answers_the_move(kenji: Walker, moved_on: dt.date) -> None:
    """The new address (where he lived comes from the house register: no page asks it), the
    day he moved, that he owns it, that no one else moves in, the three agencies."""
    assert kenji.h1() == "Your new address", kenji.h1()
    for part, text in SILOM.items():
        if part == "province":
            kenji.page.locator("select[name=new_address-province]").select_option(text)
        else:
            kenji.type(f"input[name=new_address-{part}]", text)
    kenji.type("input[name=moved_on-day]", str(moved_on.day))
    kenji.type("input[name=moved_on-month]", str(moved_on.month))
    kenji.type("input[name=moved_on-year]", str(moved_on.year))
    kenji.page.locator("select[name=home_status]").select_option("own")
    kenji.shot("new-address")
    kenji.press(CONTINUE)
    assert not error_summary(kenji), error_summary(kenji)
    kenji.page.locator("input[name=others_moving][value=no]").check()
    kenji.press(CONTINUE)
    boxes = kenji.page.locator("input[name=agencies_to_tell]")
    for index in range(boxes.count()):
        box = boxes.nth(index)
        box.set_checked(box.get_attribute("value") in TICKED)
    kenji.press(CONTINUE)


def checks_and_sends(kenji: Walker) -> str:
    """Check answers: the old address from the register, the new one, the agencies ticked (and
    not the Revenue Department); the declaration; sent once."""
    assert kenji.path().endswith("/check-answers/"), f"{kenji.path()}: {error_summary(kenji)}"
    shown = main_text(kenji)
    for said in ("88/12", "5/2", "Si Lom", "10500", *TOLD):
        assert said in shown, shown
    assert "Revenue Department" not in shown, shown
    kenji.page.locator("input[name=declaration]").check()
    kenji.press(SEND)
    assert kenji.path().endswith("/sent/"), f"{kenji.path()}: {error_summary(kenji)}"
    return str(kenji.page.locator(".govuk-panel").inner_text())


def test_kenji_tells_us_he_moved_through_the_front_door_and_three_agencies_are_told(browsers):
    kenji = browsers.person(story=SERVICE_STORY)
    kenji.sign_in(citizen_account("kenji.watanabe"))
    signed_in = len(kenji.screens)
    moved_on = timezone.localdate() - dt.timedelta(days=3)

    # when he finds the service from the home page, answers and sends it once
    started = time.perf_counter()
    finds_the_service_from_the_home_page(kenji)
    answers_the_move(kenji, moved_on)
    panel = checks_and_sends(kenji)
    seconds = time.perf_counter() - started
    [application] = Application.objects.filter(service_slug=SERVICE)
    assert application.reference in panel, panel

    # then the rules approve it, with no officer, and the register has the new address
    run_tasks()
    [case] = Case.objects.filter(service_slug=SERVICE)
    assert (case.status, case.decided_how) == (CaseStatus.APPROVED, DecidedBy.RULES)
    run_tasks()  # the move recorded on the register, then each chosen agency told
    new_home = Address.objects.get(person_id=KENJI, valid_until__isnull=True)
    assert (new_home.sub_district_id, new_home.house_number) == (SILOM_CODE, SILOM["house_number"])
    assert new_home.valid_from == moved_on

    # and his case page says so and links to the agencies told, each Delivered
    started = time.perf_counter()
    kenji.press("main a[href$='/account/applications/']")  # "See your applications"
    kenji.press(f"main a[href$='/case/{case.reference}/']")
    assert kenji.page.locator("#status").inner_text() == "Approved"
    shown = main_text(kenji)
    assert "Decided automatically by the service's rules" in shown, shown
    assert "Your new address is on the register" in shown, shown
    assert "Your new address is on the house register, and the agencies you chose" in shown, shown
    kenji.shot("approved")
    kenji.press("#agencies-told")
    assert kenji.h1() == "Changes of address"
    told = agencies_and_statuses(kenji)
    assert told == dict.fromkeys(TOLD, "Delivered"), told
    kenji.shot("agencies-told")
    seconds += time.perf_counter() - started

    screens = kenji.screens_since(signed_in)
    # an address's parts are typed as "<field>-<part>": any part of a prefilled field counts
    known = prefilled_fields(SERVICE)
    assert known == {"previous_address"}, known
    registry_facts_typed = sum(
        len(one.text) for one in kenji.typed if one.field.split("-")[0] in known
    )
    outcome_record(
        Outcome(
            story=SERVICE_STORY,
            language="en",
            screens=len(screens),
            typed_fields=kenji.fields_typed(),
            registry_facts_typed=registry_facts_typed,
            seconds=round(seconds, 1),
            paper=False,
            visit=False,
            notes=(
                "Found by searching the home page (the search counts as a typed field); "
                "approved by the rules; the three agencies ticked told, each seen delivered."
            ),
            extra={"screen_paths": [anonymous(path) for path in screens]},
        )
    )
    assert registry_facts_typed == 0  # the old address came from the house register
