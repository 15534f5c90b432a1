"""Issue 5's "Done when", walked as one person in a real browser (Debian Chromium, live server):
a new person signs up with an emailed code, adds a passkey (Chromium's virtual authenticator
through the DevTools WebAuthn domain), proves who they are with their ID card against the
registry, acts for their younger child (not for the elder one, who turned 18), lets a friend act
for them and takes it back, and signs in to the demo agency system (``/demo-rp/``) over OpenID
Connect at the level that system asked for, being stepped up with their passkey on the way.

The agency system is the real one the demo runs: it talks to OneGate over HTTP, checks the ID
token's signature and claims itself, and keeps its own cookie, not OneGate's session.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from onegate.audit.models import AuditEvent
from onegate.demo_rp.demo import demo_rp_register
from onegate.identity.constants import DelegationStatus
from onegate.identity.models import Delegation, IdentityLink, User
from onegate.identity.tests.account_fixtures import PASSWORD, make_account
from onegate.identity.tests.acting_fixtures import citizen, link_account, strong_session, years_ago
from onegate.identity.tests.oidc_fixtures import oidc_provider  # noqa: F401  (the fixture)
from onegate.registries.tests.registry_fixtures import make_family
from tests.browser.conftest import screenshot
from tests.browser.test_accounts import add_virtual_authenticator, confirm_password, emailed_code

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
EMAIL = "somchai.new@example.test"


@pytest.fixture
def agency_system(oidc_provider: None, settings: Any) -> None:  # noqa: F811
    """The demo agency system registered as its administrator would, plain-HTTP loopback allowed."""
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"],
        "ALLOW_LOCALHOST_LOOPBACK": True,
    }
    platform = User.objects.create_superuser("platform@example.test", "a long test password")
    platform.is_staff = True
    platform.save()
    assert demo_rp_register(actor=platform)


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot(page, ARTIFACTS / f"journey-{name}.png")


def h1(page: Any) -> str:
    return str(page.locator("h1").first.inner_text()).strip()


def test_one_person_from_sign_up_to_an_agency_system(browser, demo_site, agency_system):
    family = make_family()  # Somchai, Malee (18 since February 2026) and Niran (10)
    friend = link_account(make_account("dan@example.test"), citizen("Dan", "Helper", years_ago(40)))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    cdp, authenticator_id = add_virtual_authenticator(page)

    # 1. Sign up with an email address, confirmed by the emailed code.
    page.goto(f"{demo_site}/accounts/signup/")
    page.fill("#id_email", EMAIL)
    page.fill("#id_password1", PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.fill("#id_code", emailed_code())
    page.get_by_role("button", name="Continue").click()
    assert EMAIL in page.locator(".og-header__account-name").inner_text()

    # 2. Add a passkey (the account's password is asked for first).
    page.goto(f"{demo_site}/accounts/2fa/webauthn/add/")
    confirm_password(page)
    page.fill("#id_name", "My phone")
    page.get_by_role("button", name="Add passkey").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert len(stored["credentials"]) == 1

    # 3. Prove identity with the ID card against the registry.
    page.goto(f"{demo_site}/account/identity/")
    page.get_by_role("link", name="With your Thai ID card").click()
    parent = family.parent
    page.fill("#id_national_id", parent.national_id)
    page.fill("#id_given_name", parent.given_name_th)
    page.fill("#id_family_name", parent.family_name_th)
    page.fill("#id_date_of_birth_day", str(parent.date_of_birth.day))
    page.fill("#id_date_of_birth_month", str(parent.date_of_birth.month))
    page.fill("#id_date_of_birth_year", str(parent.date_of_birth.year))
    page.fill("#id_laser_code", "JT0-1234567-89")
    page.locator("#main-content form button.govuk-button").click()
    assert "Your identity is proved." in page.inner_text(".govuk-notification-banner")
    shot(page, "proved")
    user = User.objects.get(email=EMAIL)
    assert IdentityLink.objects.filter(user=user, person_id=parent.pk).exists()

    # 4. Act for the younger child; the elder, 18 now, is no longer offered.
    page.goto(f"{demo_site}/account/acting/")
    choices = page.locator("main form").inner_text()
    assert "Niran Jaidee" in choices
    assert "Malee Jaidee" not in choices
    page.get_by_label("Niran Jaidee").check()
    page.get_by_role("button", name="Continue").click()
    assert "Niran Jaidee" in page.locator(".og-acting-for").inner_text()
    shot(page, "acting-for-child")
    page.goto(f"{demo_site}/account/acting/")
    page.locator("main form input[type=radio]").first.check()
    page.get_by_role("button", name="Continue").click()

    # 5. Let a friend act for them for everything until the end of next year; the friend
    #    accepts; then the person takes it back.
    page.goto(f"{demo_site}/account/delegations/new/")
    if h1(page) == "Confirm it's you":
        confirm_password(page)
    page.fill("#id_email", "dan@example.test")
    page.locator("input[name=services][value='all']").check()
    until = timezone.localdate().replace(month=12, day=31) + dt.timedelta(days=365)
    page.fill("#id_valid_until_day", str(until.day))
    page.fill("#id_valid_until_month", str(until.month))
    page.fill("#id_valid_until_year", str(until.year))
    page.locator("main form button.govuk-button").first.click()
    if h1(page) == "Confirm it's you":
        confirm_password(page)
    delegation = Delegation.objects.get(granted_by=user)
    assert delegation.status == DelegationStatus.OFFERED

    friend_session = strong_session(Client(), friend).cookies
    friend_context = browser.new_context()
    friend_context.add_cookies(
        [
            {"name": name, "value": morsel.value, "url": demo_site}
            for name, morsel in friend_session.items()
        ]
    )
    friend_page = friend_context.new_page()
    friend_page.goto(f"{demo_site}/account/delegations/{delegation.pk}/")
    friend_page.get_by_role("button", name="Accept").click()
    delegation.refresh_from_db()
    assert delegation.status == DelegationStatus.ACTIVE
    friend_context.close()

    page.goto(f"{demo_site}/account/delegations/{delegation.pk}/")
    page.get_by_role("button", name="End this delegation").click()
    delegation.refresh_from_db()
    assert delegation.status == DelegationStatus.REVOKED
    shot(page, "delegation-revoked")

    # 6. The agency system asks for "substantial"; OneGate steps the person up with their
    #    passkey, asks before sharing, and sends them back confirmed at that level.
    page.goto(f"{demo_site}/demo-rp/")
    shot(page, "agency-start")
    page.get_by_label("See your driving licence record").check()
    page.get_by_role("button", name="Sign in with OneGate").click()
    page.wait_for_load_state()
    shot(page, "agency-onegate")
    assert h1(page) == "Confirm who you are to continue"
    assert "needs level Substantial. You are at level Low." in page.inner_text("main")
    page.get_by_role("button", name="Use your passkey or security key now").click()
    page.wait_for_load_state()
    assert h1(page) == "Confirm it's you"
    page.get_by_role("button", name="Use your passkey").click()
    page.wait_for_url(re.compile(r"/o/authorize/"))
    page.wait_for_load_state()
    assert h1(page) == "Share your details with Driving licence records (demo)?"
    assert "level Substantial" in page.inner_text("main")
    shot(page, "agency-consent")
    page.get_by_role("button", name="Continue and share").click()
    page.wait_for_url(re.compile(r"/demo-rp/$"))
    shot(page, "agency-signed-in")
    assert page.locator("#signed-in").count() == 1, page.inner_text("main")
    assert page.inner_text("#confirmed-level") == "Substantial"
    details = page.inner_text("main")
    assert "Somchai Jaidee" in details
    assert EMAIL in details
    # The agency sees its own pairwise identifier, not the account's or the national ID.
    subject = page.inner_text("#subject")
    assert subject not in (str(user.pk), parent.national_id)
    signed_in_records = AuditEvent.objects.filter(action__startswith="identity.oidc")
    assert signed_in_records.filter(actor_id=str(user.pk)).exists()

    # 7. Signing out of the agency system signs out of OneGate too (RP-initiated logout), and
    #    comes back to the agency system's start page.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    shot(page, "agency-signed-out")
    assert re.search(r"/demo-rp/$", page.url), page.url + page.inner_text("main")
    assert page.get_by_role("button", name="Sign in with OneGate").count() == 1
    page.goto(f"{demo_site}/account/")
    assert "/accounts/login/" in page.url
    context.close()


@pytest.mark.parametrize("width", [320, 1280])
@pytest.mark.parametrize("language", ["en", "th"])
def test_the_agency_system_page_is_accessible(open_page, language, width):
    prefix = "/th" if language == "th" else ""
    visit = open_page(f"{prefix}/demo-rp/", width=width, axe=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot(visit.page, ARTIFACTS / f"demo-rp-{language}-{width}.png")
    assert visit.page.locator("html").get_attribute("lang") == language
    overflow = visit.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    violations = visit.axe_violations()
    assert not violations, violations
