"""The account journeys in a real browser (Debian Chromium, live server): create an account and
confirm it with the emailed code, add an authenticator app (the test computes the codes from the
secret the page shows), sign out and back in with it; add a passkey and sign in with it through
Chromium's virtual authenticator (DevTools WebAuthn domain); the session-timeout dialog; the
pages without JavaScript; and axe-core finding nothing on the account pages in English and Thai
at 320 and 1280 px (screenshots under test-artifacts/screenshots/ for people to look at).
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from django.core import mail

from onegate.identity.tests.account_fixtures import (
    PASSWORD,
    make_account,
    totp_code,
)
from onegate.notify.tests.outbox import deliver_outbox
from tests.browser.conftest import LANGUAGE_PREFIX, WIDTHS, Visit, format_violations, screenshot

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CODE = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # Rate limits and used authenticator codes live in the (in-process) cache.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def new_page(browser: Any, demo_site: str):
    """``new_page(width=1280, javascript=True, axe=False)``: a fresh browser context and page."""
    contexts = []

    def _new(*, width: int = 1280, javascript: bool = True, axe: bool = False) -> Any:
        context = browser.new_context(
            viewport={"width": width, "height": 900},
            java_script_enabled=javascript,
            bypass_csp=axe,
        )
        contexts.append(context)
        return context.new_page()

    yield _new
    for context in contexts:
        context.close()


def emailed_code() -> str:
    match = CODE.search(mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def sign_in_with_password(page: Any, site: str, email: str, prefix: str = "") -> None:
    page.goto(f"{site}{prefix}/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", PASSWORD)
    page.locator("form[action$='/accounts/login/'] button[type=submit]").first.click()
    page.wait_for_load_state()


def confirm_password(page: Any) -> None:
    """The "confirm it's you" step allauth puts before changes to sign-in methods."""
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


TOTP_STEP_SECONDS = 30
TOTP_SAFE_SECONDS = 8  # enough for the browser to type, click and the server to answer


def fresh_code(secret: str, used: set[str]) -> str:
    """A code the server has not seen and will still accept when the form arrives.

    A used code is refused until its 30 seconds pass, and the server accepts only the current
    step (no tolerance, so a code cannot be replayed in the next one): a code read in the last
    seconds of its step would expire on the way, as it would for a person, who waits for the next.
    """
    while TOTP_STEP_SECONDS - time.time() % TOTP_STEP_SECONDS < TOTP_SAFE_SECONDS:
        time.sleep(0.5)
    code = totp_code(secret)
    while code in used:
        time.sleep(1)
        code = totp_code(secret)
    used.add(code)
    return code


def test_sign_up_confirm_add_an_authenticator_app_and_sign_in_with_it(new_page, demo_site):
    page = new_page()
    # sign up with an email address and a password
    page.goto(f"{demo_site}/accounts/signup/")
    page.fill("#id_email", "new.person@example.test")
    page.fill("#id_password1", PASSWORD)
    page.get_by_role("button", name="Continue").click()
    assert page.locator("h1").inner_text() == "Check your email"
    # confirm with the code from the email (the live server shares this process's outbox)
    page.fill("#id_code", emailed_code())
    page.get_by_role("button", name="Continue").click()
    assert "new.person@example.test" in page.locator(".og-header__account-name").inner_text()
    # add an authenticator app from "Your account"
    page.get_by_role("link", name="Your account").click()
    page.get_by_role("link", name="Sign-in methods").first.click()
    page.get_by_role("link", name="Set up (authenticator app)").click()
    assert page.locator("h1").inner_text() == "Confirm it's you"
    confirm_password(page)
    assert page.locator("h1").inner_text() == "Set up an authenticator app"
    assert page.locator("img.og-qr").get_attribute("alt")
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    used: set[str] = set()
    page.fill("#id_code", fresh_code(secret, used))
    page.get_by_role("button", name="Turn on").click()
    assert page.locator("h1").inner_text() == "Recovery codes"
    assert page.locator("#recovery-codes li").count() >= 10
    # sign out (a form in the header), then sign in: now a code from the app is asked for
    page.locator(".og-header__button").click()
    sign_in_with_password(page, demo_site, "new.person@example.test")
    assert page.locator("h1").inner_text() == "Confirm it's you"
    page.fill("#id_code", fresh_code(secret, used))
    page.get_by_role("button", name="Continue").click()
    assert "new.person@example.test" in page.locator(".og-header__account-name").inner_text()
    deliver_outbox()  # the notice goes through notify's outbox
    subjects = [message.subject for message in mail.outbox]
    assert "OneGate: An authenticator app was set up for your OneGate account" in subjects


def add_virtual_authenticator(page: Any) -> tuple[Any, str]:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def test_add_a_passkey_then_sign_in_with_it_alone(new_page, demo_site, transactional_db):
    make_account("passkey.person@example.test")
    page = new_page()
    # the passkey lives in Chromium's virtual authenticator for this page
    cdp, authenticator_id = add_virtual_authenticator(page)
    sign_in_with_password(page, demo_site, "passkey.person@example.test")
    page.goto(f"{demo_site}/accounts/2fa/webauthn/add/")
    confirm_password(page)
    assert page.locator("h1").inner_text() == "Add a passkey"
    assert page.locator(".og-passkey-fallback").is_hidden()
    page.fill("#id_name", "Virtual phone")
    assert page.locator("#id_passwordless").is_checked()
    page.get_by_role("button", name="Add passkey").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert len(credentials["credentials"]) == 1
    assert credentials["credentials"][0]["isResidentCredential"] is True
    deliver_outbox()
    subjects = [message.subject for message in mail.outbox]
    assert "OneGate: A passkey was added to your OneGate account" in subjects
    page.goto(f"{demo_site}/accounts/2fa/webauthn/")
    assert "Virtual phone" in page.locator("main table").inner_text()
    # sign out, then sign in with the passkey alone: no email, no password
    page.locator(".og-header__button").click()
    page.goto(f"{demo_site}/accounts/login/")
    page.get_by_role("button", name="Sign in with a passkey").click()
    page.wait_for_selector(".og-header__account-name")
    assert "passkey.person@example.test" in page.locator(".og-header__account-name").inner_text()


def test_passkey_pages_say_they_need_javascript_and_the_rest_works_without(new_page, demo_site):
    make_account("nojs@example.test")
    page = new_page(javascript=False)
    page.goto(f"{demo_site}/accounts/login/")
    assert page.locator("#passkey_login").is_hidden()
    assert "Passkeys need JavaScript" in page.locator(".og-passkey-fallback").inner_text()
    sign_in_with_password(page, demo_site, "nojs@example.test")
    assert "nojs@example.test" in page.locator(".og-header__account-name").inner_text()
    # the session page keeps a person signed in without the script
    page.goto(f"{demo_site}/account/session/")
    page.get_by_role("button", name="Stay signed in").click()
    assert "still signed in" in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator("#og-timeout").is_hidden()


def test_the_timeout_warning_opens_and_keeps_the_session(new_page, demo_site, settings):
    settings.IDENTITY_SESSION_IDLE_SECONDS = 125
    settings.IDENTITY_SESSION_WARNING_SECONDS = 120
    make_account("slow.reader@example.test")
    page = new_page(axe=True)
    sign_in_with_password(page, demo_site, "slow.reader@example.test")
    page.goto(f"{demo_site}/account/")
    dialog = page.locator("#og-timeout")
    dialog.wait_for(state="visible", timeout=15000)
    assert "You're about to be signed out" in dialog.inner_text()
    assert re.search(r"\d+ (seconds|minutes?)", dialog.locator("[data-countdown]").inner_text())
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot(page, ARTIFACTS / "account-timeout-dialog-en-1280.png", full_page=False)
    violations = Visit(page=page, url=page.url).axe_violations()
    assert not violations, format_violations(violations)
    page.get_by_role("button", name="Stay signed in").click()
    dialog.wait_for(state="hidden")
    status = page.evaluate(
        "async () => (await fetch('/account/session/status', "
        "{headers: {Accept: 'application/json'}})).json()"
    )
    assert status["signed_in"] is True
    assert status["seconds_left"] > 120


SIGNED_OUT = {
    "sign-in": "/accounts/login/",
    "create-account": "/accounts/signup/",
    "reset-password": "/accounts/password/reset/",
    "sign-in-code": "/accounts/login/code/",
}
SIGNED_IN = {
    "account-hub": "/account/",
    "sign-in-methods": "/accounts/2fa/",
    "devices-and-sessions": "/accounts/sessions/",
    "session": "/account/session/",
    "email-addresses": "/accounts/email/",
    "change-password": "/accounts/password/change/",
}
AFTER_CONFIRMING = {
    "authenticator-app": "/accounts/2fa/totp/activate/",
    "add-passkey": "/accounts/2fa/webauthn/add/",
}


def check(page: Any, name: str, language: str, width: int) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot(page, ARTIFACTS / f"account-{name}-{language}-{width}.png")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} ({language}) scrolls sideways by {overflow}px at {width}px"
    assert page.locator("html").get_attribute("lang") == language
    violations = Visit(page=page, url=page.url).axe_violations()
    assert not violations, f"{name} ({language}, {width}px):\n{format_violations(violations)}"


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("language", LANGUAGE_PREFIX)
def test_account_pages_have_no_axe_violations(new_page, demo_site, language, width):
    prefix = LANGUAGE_PREFIX[language]
    page = new_page(width=width, axe=True)
    for name, path in SIGNED_OUT.items():
        page.goto(f"{demo_site}{prefix}{path}")
        check(page, name, language, width)
    # an error state: the summary and the inline message
    page.goto(f"{demo_site}{prefix}/accounts/login/")
    page.fill("#id_login", "somebody@example.test")
    page.fill("#id_password", "wrong")
    with page.expect_navigation():
        page.locator("form[action$='/accounts/login/'] button[type=submit]").first.click()
    assert page.locator(".govuk-error-summary:not([hidden])").is_visible()
    check(page, "sign-in-error", language, width)
    # the code page of a sign-up
    page.goto(f"{demo_site}{prefix}/accounts/signup/")
    page.fill("#id_email", f"axe.{language}.{width}@example.test")
    page.fill("#id_password1", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    check(page, "check-your-email", language, width)
    page.fill("#id_code", emailed_code())
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    for name, path in SIGNED_IN.items():
        page.goto(f"{demo_site}{prefix}{path}")
        check(page, name, language, width)
    page.goto(f"{demo_site}{prefix}{AFTER_CONFIRMING['authenticator-app']}")
    check(page, "confirm-its-you", language, width)
    confirm_password(page)
    for name, path in AFTER_CONFIRMING.items():
        page.goto(f"{demo_site}{prefix}{path}")
        check(page, name, language, width)
