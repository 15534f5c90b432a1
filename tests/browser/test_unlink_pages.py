"""The unlink pages in a real browser: identity support finds an account, tries to unlink it
without a reason (the error is shown), then with one; the person's own unlink page. At 320 and
1280 px, in English and Thai: axe finds nothing, nothing scrolls sideways (screenshots under
test-artifacts/screenshots/)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from onegate.identity.constants import ProofingMethod, StaffRole
from onegate.identity.models import IdentityLink
from onegate.identity.services.proofing import identity_prove
from onegate.identity.tests.account_fixtures import make_account, reauthenticate
from onegate.identity.tests.organisation_fixtures import staff_member
from onegate.identity.tests.proofing_support import card_details, thai_person
from tests.browser.conftest import LANGUAGE_PREFIX, WIDTHS
from tests.browser.test_person_pages import check

STAFF_PASSWORD = "a long test password"  # organisation_fixtures' accounts


def proved_citizen():
    person, card = thai_person()
    user = make_account("somchai@example.test")
    identity_prove(
        account=user, method=ProofingMethod.NATIONAL_ID_CARD, details=card_details(person, card)
    )
    return user


def signed_in_page(browser: Any, site: str, user: Any, password: str, width: int) -> Any:
    """A browser page signed in as ``user``, who has just confirmed who they are."""
    client = Client()
    client.force_login(user)
    reauthenticate(client, password)
    context = browser.new_context(
        viewport={"width": width, "height": 900},
        bypass_csp=True,  # axe is injected as a script
    )
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": site,
            }
        ]
    )
    return context.new_page()


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("language", LANGUAGE_PREFIX)
def test_support_unlinks_an_account(browser, demo_site, language, width):
    citizen = proved_citizen()
    officer = staff_member("officer@dopa.test", StaffRole.REGISTRY_OFFICER, "civil-registration")
    page = signed_in_page(browser, demo_site, officer, STAFF_PASSWORD, width)
    prefix = LANGUAGE_PREFIX[language]
    page.goto(f"{demo_site}{prefix}/account/support/identity-links/")
    check(page, "support-find", language, width)
    page.fill("#id_email", citizen.email)
    page.locator("main form button").click()
    page.wait_for_url(re.compile(r"/support/identity-links/[0-9a-f-]{36}/$"))
    assert citizen.email in page.locator("#account-link").inner_text()
    check(page, "support-account", language, width)
    # no reason: the error is shown beside the box and in the summary
    page.locator("main form button").click()
    assert page.locator(".govuk-error-summary").is_visible()
    check(page, "support-account-error", language, width)
    page.fill("#id_note", "Reported as not theirs")
    page.locator("main form button").click()
    page.wait_for_selector("#ended-links")
    assert not IdentityLink.objects.filter(user=citizen).exists()
    check(page, "support-account-unlinked", language, width)


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("language", LANGUAGE_PREFIX)
def test_the_person_unlinks_their_account(browser, demo_site, language, width):
    citizen = proved_citizen()
    page = signed_in_page(browser, demo_site, citizen, "correct horse battery staple", width)
    prefix = LANGUAGE_PREFIX[language]
    page.goto(f"{demo_site}{prefix}/account/unlink-identity/")
    check(page, "unlink-identity", language, width)
    page.locator("#id_confirm").check()
    page.locator("main form button").click()
    page.wait_for_url(re.compile(r"/account/identity/$"))
    assert not IdentityLink.objects.filter(user=citizen).exists()
