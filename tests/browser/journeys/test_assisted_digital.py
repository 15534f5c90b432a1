"""Assisted digital: a service-centre officer applies with a person at the counter.

Mali Bunma has lost her ID card and has never used OneGate's services online (her account is
not proved). At the Lak Si service centre, the officer (``centre.officer``) signs in, finds her
on the population register by the national ID number she gives, records the identity check
made at the counter (her house registration book is no photo ID, so her passport: the last four
characters of its number, the photo compared), chooses "Get or replace your national ID card"
with her there, and fills it in with her: the date she lost the card is typed wrong first (a
day in the future) and put right, then the rest. The officer sends it; the rules accept it
(the worker runs in this process).

At home, Mali signs in, proves who she is with her ID card's details (as README gives them),
and "Your applications" lists the application made at the counter, with its reference.
"""

from __future__ import annotations

import datetime as dt
import time

from django.utils import timezone

from onegate.registries.demo_people import MALI
from onegate.runner.constants import ApplicationChannel, ApplicationStatus
from onegate.runner.models import Application
from tests.browser.cases_support import error_summary, run_tasks
from tests.browser.journeys.support import (
    Outcome,
    Walker,
    citizen_account,
    outcome_record,
    staff_account,
)
from tests.browser.test_runner_journey import CONTINUE, SEND

SERVICE = "national-id-card"
MALI_ID = "1103095120530"
MALI_LASER = "ME9512053314"
PASSPORT_LAST4 = "5517"
BUTTON = "main form button.govuk-button"
PHONE = "089 765 4321"


def finds_mali(officer: Walker) -> None:
    """The counter: her ID number, then the identity check made with her passport."""
    officer.open("/service-centre/assist/")
    assert officer.h1() == "Start an application with someone"
    officer.type("#id_national_id", MALI_ID)
    officer.press(BUTTON)
    assert officer.path().endswith("/service-centre/assist/identity/"), officer.path()
    assert "Mali Bunma" in officer.main()
    officer.page.locator("input[name=document][value=passport]").check()
    officer.type("input[name=number_last4]", PASSPORT_LAST4)
    officer.page.locator("input[name=photo_compared]").check()
    officer.shot("identity-checked")
    officer.press(BUTTON)
    assert officer.path().endswith("/service-centre/assist/service/"), officer.path()
    officer.page.locator(f"input[name=service][value={SERVICE}]").check()
    assert officer.page.locator("input[name=channel][value=assisted]").is_checked()
    officer.press(BUTTON)


def type_date(officer: Walker, field: str, day: dt.date) -> None:
    officer.type(f"input[name={field}-day]", str(day.day))
    officer.type(f"input[name={field}-month]", str(day.month))
    officer.type(f"input[name={field}-year]", str(day.year))


def fills_it_in_with_her(officer: Walker) -> None:
    """Why a new card (lost), when and how (a wrong date first), her phone, her declaration."""
    assert "You are helping Mali Bunma" in officer.main()
    assert officer.path().endswith("/page/why/"), officer.path()
    officer.page.locator("input[name=reason][value=lost]").check()
    officer.press(CONTINUE)
    assert officer.path().endswith("/page/lost_card/"), officer.path()
    today = timezone.localdate()
    type_date(officer, "lost_on", today + dt.timedelta(days=3))  # the month misheard
    officer.type("textarea[name=lost_how]", "Lost at the market on Saturday.")
    officer.type("input[name=lost_cards_before]", "1")
    officer.press(CONTINUE)
    assert error_summary(officer), officer.main()  # the page again, saying what is wrong
    assert officer.path().endswith("/page/lost_card/"), officer.path()
    officer.shot("a-wrong-date")
    type_date(officer, "lost_on", today - dt.timedelta(days=4))
    officer.press(CONTINUE)
    assert not error_summary(officer), error_summary(officer)
    assert officer.path().endswith("/page/contact/"), officer.path()
    officer.type("input[name=phone]", PHONE)
    officer.press(CONTINUE)
    assert officer.path().endswith("/check-answers/"), officer.path()
    assert "Lost at the market on Saturday." in officer.main()
    # "Applying for" is Mali, not "Yourself" (which would be the officer)
    applying_for = officer.page.locator("main dl.govuk-summary-list").first.inner_text()
    assert "Mali" in applying_for and "Yourself" not in applying_for, applying_for
    officer.shot("check-answers-with-her")
    officer.page.locator("input[name=declaration]").check()  # she reads it and agrees
    officer.press(SEND)
    assert officer.path().endswith("/sent/"), officer.path()


def proves_who_she_is(mali: Walker) -> None:
    """Her ID card's details, typed from the card, as a person proving themselves does."""
    mali.open("/account/identity/thai-id-card/")
    mali.type("#id_national_id", MALI_ID)
    mali.type("#id_given_name", "มาลี")
    mali.type("#id_family_name", "บุญมา")
    mali.type("#id_date_of_birth_day", "21")
    mali.type("#id_date_of_birth_month", "6")
    mali.type("#id_date_of_birth_year", "1986")
    mali.type("#id_laser_code", MALI_LASER)
    mali.press("#main-content form button.govuk-button")
    assert "Your identity is proved." in mali.main(), mali.main()


def test_an_officer_applies_with_mali_at_the_counter_and_she_sees_it(browsers):
    officer = browsers.person(story="assisted-digital")
    officer.sign_in(staff_account("centre.officer"))
    mark = len(officer.screens)
    started = time.perf_counter()

    finds_mali(officer)
    fills_it_in_with_her(officer)
    seconds = time.perf_counter() - started
    screens = officer.screens_since(mark)
    page_loads = len(officer.screens) - mark

    application = Application.objects.get(applicant_person_id=str(MALI))
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.channel == ApplicationChannel.ASSISTED
    assert application.reference in officer.page.locator(".govuk-panel").inner_text()
    officer.shot("sent-for-her")
    # Today's list at the counter names her.
    officer.open("/service-centre/assist/")
    assert "Mali Bunma" in officer.main()
    run_tasks()  # the worker: the case opens and the rules decide it

    # At home, Mali proves who she is, and finds the application made with her.
    mali = browsers.person(story="assisted-digital")
    mali.shots = list(officer.shots)  # the tour's pictures of this story go on in order
    mali.sign_in(citizen_account("mali.bunma"))
    proves_who_she_is(mali)
    mali.open("/account/applications/")
    mine = mali.main()
    assert application.reference in mine, mine
    assert "Get or replace your national ID card" in mine
    mali.shot("in-her-account")

    typed = officer.typed
    outcome_record(
        Outcome(
            story="assisted-digital",
            language="en",
            screens=len(screens),
            typed_fields=len({one.field for one in typed}),
            registry_facts_typed=0,
            seconds=round(seconds, 2),
            paper=False,
            visit=True,
            notes=(
                "the officer's part, from signed in to sent, with the person at the counter; "
                "her ID number finds her on the register (it is how she is found, not a fact "
                "retyped); one wrong date put right"
            ),
            extra={
                "page_loads": page_loads,
                "officer_characters_typed": sum(len(one.text) for one in typed),
                "screen_paths": [s.replace(str(application.pk), "<id>") for s in screens],
            },
        )
    )
    assert seconds < 120
