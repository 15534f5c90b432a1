"""A session that ends half-way through an application, and the way back.

Kenji Watanabe starts a health card for Yui, answers the health centre and health questions,
types his phone number on the contact page, and is called away. When he comes back the session
has ended (more than 15 minutes without a request: the server signs him out, as the idle limit
does; here the session's "last seen" is set back 16 minutes on the server). He presses Continue:
OneGate asks him to sign in again, saying why and that his answers are kept. After signing in
he is back on the contact page with the number he had typed still there (the page he sent while
signed out was kept for him, not saved), and every earlier answer is on "check your answers";
he sends the application.
"""

from __future__ import annotations

import time

from django.contrib.sessions.backends.db import SessionStore

from onegate.identity.middleware import LAST_SEEN_KEY
from onegate.registries.demo_people import YUI
from onegate.runner.constants import ApplicationStatus
from onegate.runner.models import Application
from tests.browser.journeys.support import (
    Account,
    Walker,
    citizen_account,
    fresh_code,
    session_cookie_name,
)
from tests.browser.test_runner_journey import CONTINUE, SEND, START_NOW, WHOM_CONTINUE

SERVICE = "child-health-card"
PHONE = "081 234 5678"
IDLE_SECONDS = 16 * 60
SIGNED_OUT = "You were signed out because you did nothing for 15 minutes."
KEPT = "We kept what you typed on this page before you were signed out."


def idle_for(person: Walker, seconds: int) -> None:
    """Make the server's record of this browser's session say its last request was ``seconds``
    ago, as if the person had left the page open that long."""
    cookie = next(c for c in person.context.cookies() if c["name"] == session_cookie_name())
    session = SessionStore(session_key=cookie["value"])
    assert session.get(LAST_SEEN_KEY), "not a signed-in session"
    session[LAST_SEEN_KEY] = time.time() - seconds
    session.save()


def test_signed_out_mid_form_signs_in_again_and_finishes(browsers):
    account = citizen_account("kenji.watanabe")
    kenji = browsers.person(story="expired-session")
    kenji.sign_in(account)

    # Half-way through a health card for Yui.
    kenji.open(f"/services/{SERVICE}/")
    kenji.press(START_NOW)
    kenji.page.locator(f"input[name=subjects][value='{YUI}']").check()
    kenji.press(WHOM_CONTINUE)
    kenji.page.locator("input[name=health_centre_choice][value=nearest]").check()
    kenji.press(CONTINUE)
    kenji.page.locator("input[name=long_term_condition][value=no]").check()
    kenji.page.locator("input[name=allergies][value=peanuts]").check()
    kenji.press(CONTINUE)
    contact_page = kenji.path()
    assert contact_page.endswith("/page/contact/"), contact_page
    kenji.type("input[name=parent_phone]", PHONE)
    kenji.shot("typed-before-leaving")

    # He is away for 16 minutes; then he presses Continue.
    idle_for(kenji, IDLE_SECONDS)
    kenji.press(CONTINUE)

    # Asked to sign in again, told why, and that nothing is lost.
    assert "/accounts/login/" in kenji.path(), kenji.path()
    assert SIGNED_OUT in kenji.main()
    assert Application.objects.get().answers.get("parent_phone") in (None, "")  # not saved
    kenji.shot("asked-to-sign-in-again")
    sign_in_here(kenji, account)

    # Back on the contact page, with the number he typed, told to check it and continue.
    assert kenji.path() == contact_page, kenji.path()
    assert KEPT in kenji.main()
    assert kenji.page.locator("input[name=parent_phone]").input_value() == PHONE
    kenji.shot("back-with-answers-kept")
    kenji.press(CONTINUE)

    # Every answer is there to check; he sends it.
    assert kenji.path().endswith("/check-answers/"), kenji.path()
    rows = kenji.page.locator("main .govuk-summary-list__row").all_inner_texts()
    answers = "\n".join(rows)
    assert any("Yui" in row for row in rows), answers  # whom it is for
    assert any("Peanuts" in row for row in rows), answers  # the allergy he named before
    assert any(PHONE in row for row in rows), answers  # what he typed as the session ended
    kenji.page.locator("input[name=declaration]").check()
    kenji.press(SEND)
    assert kenji.path().endswith("/sent/")
    application = Application.objects.get()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.answers["parent_phone"] == "+66812345678"  # the number he typed
    assert application.reference in kenji.page.locator(".govuk-panel").inner_text()


def sign_in_here(person: Walker, account: Account) -> None:
    """Sign in on the sign-in page the person was sent to (it knows where they were going)."""
    person.page.fill("#id_login", account.email)
    person.page.fill("#id_password", account.password)
    person.press("main form:has(#id_password) button[type=submit]")
    if person.page.locator("#id_code").count():
        person.page.fill("#id_code", fresh_code(account))
        person.press("main form:has(#id_code) button[type=submit]")
    assert person.page.locator(".og-header__account-name").count(), person.path()
