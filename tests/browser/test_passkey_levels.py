"""A synced passkey is AAL2, a device-bound one AAL3: signing in with each through Chromium's
virtual authenticator, whose credentials carry the backup-eligible (BE) and backed-up (BS) flags
a synced passkey provider sets (DevTools WebAuthn ``defaultBackupEligibility`` and
``defaultBackupState``). The person's "Prove who you are" page says how strong the sign-in was,
and the audit record of the sign-in names the kind of key.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from onegate.audit.constants import IdentityAction
from onegate.audit.models import AuditEvent
from onegate.identity.tests.account_fixtures import make_account
from tests.browser.test_accounts import (  # noqa: F401 (fixtures)
    _fresh_cache,
    confirm_password,
    new_page,
    sign_in_with_password,
)


def add_authenticator(page: Any, *, synced: bool) -> tuple[Any, str]:
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
                # a synced passkey provider marks its credentials backup eligible and backed up
                "defaultBackupEligibility": synced,
                "defaultBackupState": synced,
            }
        },
    )
    return cdp, added["authenticatorId"]


@pytest.fixture
def fresh_page(request):
    return request.getfixturevalue("new_page")()


@pytest.mark.parametrize(
    ("synced", "said", "key_kind"),
    [
        (True, "a passkey that can be synced between your devices", "webauthn:swk"),
        (False, "You used a security key, or a passkey kept on one device only", "webauthn:hwk"),
    ],
)
def test_a_synced_passkey_signs_in_at_substantial_a_device_bound_one_at_high(
    fresh_page, demo_site, transactional_db, synced, said, key_kind
):
    user = make_account("passkey.levels@example.test")
    page = fresh_page
    add_authenticator(page, synced=synced)
    sign_in_with_password(page, demo_site, user.email)
    page.goto(f"{demo_site}/accounts/2fa/webauthn/add/")
    confirm_password(page)
    page.fill("#id_name", "Phone")
    page.get_by_role("button", name="Add passkey").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    # sign out, and back in with the passkey alone
    page.locator(".og-header__button").click()
    page.goto(f"{demo_site}/accounts/login/")
    page.get_by_role("button", name="Sign in with a passkey").click()
    page.wait_for_selector(".og-header__account-name")

    page.goto(f"{demo_site}/account/identity/")
    assert said in page.locator("#identity-levels").inner_text()
    signed_in = AuditEvent.objects.filter(
        action=IdentityAction.SIGNED_IN, subject_id=str(user.pk)
    ).order_by("created_at")
    assert signed_in.last().payload["methods"] == [key_kind]
