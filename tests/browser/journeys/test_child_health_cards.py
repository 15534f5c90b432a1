"""The children's health cards story: a parent who moved here two weeks ago gets a card for each
of his two children without typing anything the population register knows, and a clinic checks
one of them.

Kenji Watanabe (a demo citizen, proved by his passport) opens "Get a health card for your
child" signed out and chooses Start now: the service needs level Substantial, so OneGate asks him
to sign in, with his password and then his authenticator app's code, and brings him back to the
application. He picks both Yui and Haruto from the register, skips the long-term illness question
by mistake (the error summary names it, his other answer is kept), answers, checks his answers
and sends once. The worker (run in this process) decides both cases by the rules, with no
officer and no visit, and issues two child health cards. Kenji finds both under "Your
entitlements", grouped by child (and so in Thai); the children's clinic photographs the QR code
on his phone and the public verifier (/verify/, no sign-in) says Valid, with Yui's name.

Measured (README's outcome table): the screens from signed in to the confirmation (the question
page shown again with its error is the same screen), the fields typed, the characters typed into
fields the register fills (none) and the scripted seconds of that part.
"""

from __future__ import annotations

import re
import time

from onegate.cases.constants import CaseStatus, DecidedBy
from onegate.cases.models import Case
from onegate.credentials.constants import EntitlementStatus
from onegate.credentials.models import Entitlement
from onegate.registries.demo_people import HARUTO, KENJI, YUI
from onegate.runner.constants import ApplicationStatus
from onegate.runner.models import Application
from tests.browser.cases_support import error_summary, run_tasks
from tests.browser.journeys.support import (
    Account,
    Browsers,
    Outcome,
    Walker,
    citizen_account,
    fresh_code,
    outcome_record,
)
from tests.browser.test_runner_journey import (
    CONTINUE,
    SEND,
    START_NOW,
    WHOM_CONTINUE,
    prefilled_fields,
)

STORY = "child-health-cards"
SERVICE = "child-health-card"
CHILDREN = {YUI: "Yui", HARUTO: "Haruto"}
SKIPPED = "Does your child have a long-term illness or disability?"
PHONE = "081 234 5678"
# A generous ceiling on the parent's scripted part, from signed in to the confirmation.
CEILING_SECONDS = 90


def signs_in_when_asked(kenji: Walker, account: Account) -> None:
    """Start now, signed out: the sign-in form (which keeps where he was going), his password,
    then his authenticator app's code; he is brought back to the application's first page."""
    kenji.open(f"/services/{SERVICE}/")
    assert kenji.h1() == "Get a health card for your child"
    kenji.press(START_NOW)
    assert "/accounts/login/" in kenji.path(), kenji.path()
    kenji.page.fill("#id_login", account.email)
    kenji.page.fill("#id_password", account.password)
    kenji.press("main form:has(#id_password) button[type=submit]")
    assert kenji.page.locator("#id_code").count(), kenji.main()
    kenji.page.fill("#id_code", fresh_code(account))
    kenji.press("main form:has(#id_code) button[type=submit]")
    assert kenji.page.locator(".og-header__account-name").count(), kenji.path()
    assert f"/apply/new/{SERVICE}/" in kenji.path(), kenji.path()


def picks_both_children(kenji: Walker) -> None:
    """The register's children, to tick: nothing about them is typed."""
    shown = kenji.main()
    for person_id, name in CHILDREN.items():
        assert name in shown, shown
        kenji.page.locator(f"input[name=subjects][value='{person_id}']").check()
    assert KENJI.hex not in kenji.page.content().replace("-", "")  # he applies for them only
    kenji.shot("pick-children")
    kenji.press(WHOM_CONTINUE)


def answers_with_one_mistake(kenji: Walker) -> None:
    """The nearest health centre; then "No known allergies" ticked but the long-term illness
    question skipped: the error summary names it and the tick is kept; then a phone number."""
    kenji.page.locator("input[name=health_centre_choice][value=nearest]").check()
    kenji.press(CONTINUE)
    page = kenji.path()
    kenji.page.locator("input[name=allergies][value=none]").check()
    kenji.press(CONTINUE)
    summary = error_summary(kenji)
    assert "There is a problem" in summary, summary
    assert f"Select an answer to “{SKIPPED}”" in summary, summary
    assert kenji.path() == page  # the same question page, shown again with the error
    assert kenji.page.locator("input[name=allergies][value=none]").is_checked()
    kenji.page.locator("input[name=long_term_condition][value=no]").check()
    kenji.press(CONTINUE)
    assert not error_summary(kenji), error_summary(kenji)
    kenji.type("input[name=parent_phone]", PHONE)
    kenji.press(CONTINUE)


def summary_rows(person: Walker) -> list[tuple[str, str]]:
    """Each row of the page's summary lists: its key and its value, as a person reads them."""
    found = person.page.eval_on_selector_all(
        ".govuk-summary-list__row",
        """rows => rows.map(row => [
            row.querySelector('.govuk-summary-list__key')?.innerText.trim() ?? '',
            row.querySelector('.govuk-summary-list__value')?.innerText.trim() ?? ''])""",
    )
    return [(str(key), str(value)) for key, value in found]


def checks_and_sends(kenji: Walker) -> str:
    """Check answers shows both children's names and dates of birth from the register (the
    names as in their passports: they have no Thai names); the declaration; sent once."""
    assert kenji.path().endswith("/check-answers/"), kenji.path()
    rows = summary_rows(kenji)
    for name, born in (("Yui Watanabe", "3 April 2016"), ("Haruto Watanabe", "21 October 2019")):
        assert any(key == "Name" and value.startswith(name) for key, value in rows), rows
        assert any(key == "Date of birth" and value.startswith(born) for key, value in rows), rows
    shown = kenji.main()
    assert "Not on record" not in shown, shown
    assert "The health centre nearest our home" in shown, shown
    kenji.page.locator("input[name=declaration]").check()
    kenji.shot("check-answers")
    kenji.press(SEND)
    assert kenji.path().endswith("/sent/"), kenji.path()
    panel = kenji.page.locator(".govuk-panel").inner_text()
    kenji.shot("confirmation")
    return panel


def both_cards_issued() -> list[Entitlement]:
    """What the worker beside the live server does: open a case per child, decide it by the
    rules (no officer), then issue each card."""
    run_tasks()
    cases = list(Case.objects.filter(service_slug=SERVICE))
    assert len(cases) == len(CHILDREN)
    assert {case.status for case in cases} == {CaseStatus.APPROVED}, [c.rules for c in cases]
    assert {case.decided_how for case in cases} == {DecidedBy.RULES}  # no officer looked
    run_tasks()  # the cards, queued when the decisions committed
    cards = list(Entitlement.objects.filter(entitlement_type=SERVICE))
    assert {card.holder_id for card in cards} == set(CHILDREN)
    assert {card.status for card in cards} == {EntitlementStatus.ACTIVE}
    return cards


def sees_both_cards(kenji: Walker, cards: list[Entitlement]) -> Entitlement:
    """Your entitlements: a group per child, each with an active child health card; Yui's card
    opens with its QR code."""
    kenji.open("/account/")
    kenji.press("main a[href$='/account/entitlements/']")
    assert kenji.h1() == "Your entitlements"
    groups = kenji.page.locator("main h2").all_inner_texts()
    for name in CHILDREN.values():
        assert any(name in heading for heading in groups), groups
    listed = kenji.main()
    assert listed.count("Child health card") == len(CHILDREN), listed
    assert listed.count("Active") >= len(CHILDREN), listed
    for card in cards:
        assert card.reference in listed, listed
    kenji.go("/th/account/entitlements/")  # the same list in Thai, by a switch of language
    assert kenji.main().count("บัตรสุขภาพเด็ก") == len(CHILDREN), kenji.main()
    kenji.go("/account/entitlements/")
    yui = next(card for card in cards if card.holder_id == YUI)
    kenji.press(f"main a[href$='/account/entitlements/{yui.pk}/']")
    assert kenji.page.locator("#status").inner_text() == "Active"
    assert "Yui" in kenji.main()
    kenji.page.locator("img#qr").wait_for(state="visible")
    kenji.shot("card-issued")
    return yui


def clinic_checks_the_qr(browsers: Browsers, kenji: Walker) -> str:
    """The clinic photographs the QR code on Kenji's phone and uploads it to the verifier."""
    photo = kenji.page.locator("img#qr").screenshot(type="png")
    clinic = browsers.person(story=STORY)
    clinic.shots = list(kenji.shots)  # the tour's pictures of this story go on in order
    clinic.open("/verify/")
    assert clinic.h1() == "Check a OneGate credential"
    clinic.page.locator("#id_photo").set_input_files(
        {"name": "qr.png", "mimeType": "image/png", "buffer": photo}
    )
    clinic.press("#check-credential")
    assert not error_summary(clinic), error_summary(clinic)
    answer = str(clinic.page.locator("#answer").inner_text())
    claims = str(clinic.page.locator("#claims").inner_text())
    clinic.shot("clinic-says-valid")
    return f"{answer}\n{claims}"


def test_a_parent_gets_both_childrens_health_cards_and_a_clinic_checks_one(browsers):
    account = citizen_account("kenji.watanabe")
    facts = prefilled_fields(SERVICE)
    assert {"child_name", "child_date_of_birth"} <= facts
    kenji = browsers.person(story=STORY)

    # given Kenji, signed out, at the service's page: Start now asks him to sign in
    signs_in_when_asked(kenji, account)
    mark = len(kenji.screens) - 1  # the application's first page, where sign-in brought him
    started = time.perf_counter()

    # when he picks both children, answers (with one mistake), checks and sends once
    picks_both_children(kenji)
    answers_with_one_mistake(kenji)
    panel = checks_and_sends(kenji)
    seconds = time.perf_counter() - started
    screens = kenji.screens_since(mark)

    # then one application for both children, its reference on the confirmation
    [application] = Application.objects.filter(user__email=account.email)
    assert application.status == ApplicationStatus.SUBMITTED
    assert {s["person_id"] for s in application.subjects} == {str(one) for one in CHILDREN}
    assert application.reference in panel, panel

    # and both cards are issued by the rules, with no officer and no visit; he sees them
    cards = both_cards_issued()
    yui = sees_both_cards(kenji, cards)

    # and the clinic's verifier says Yui's card is valid
    said = clinic_checks_the_qr(browsers, kenji)
    assert said.startswith("Valid"), said
    assert "Child health card" in said and "Yui" in said, said
    assert yui.reference in said, said

    registry_facts_typed = kenji.keystrokes(facts)
    outcome_record(
        Outcome(
            story=STORY,
            language="en",
            screens=len(screens),
            typed_fields=len({one.field for one in kenji.typed}),
            registry_facts_typed=registry_facts_typed,
            seconds=round(seconds, 1),
            paper=False,
            visit=False,
            notes="two children in one application; both cards issued by the rules",
            extra={
                "screen_paths": [re.sub(r"[0-9a-f-]{36}", "<id>", path) for path in screens],
                "children": len(CHILDREN),
            },
        )
    )
    assert len(screens) <= 6, screens
    assert registry_facts_typed == 0
    typed = " ".join(one.text for one in kenji.typed)
    assert not any(name in typed for name in (*CHILDREN.values(), "Watanabe")), typed
    assert seconds < CEILING_SECONDS
