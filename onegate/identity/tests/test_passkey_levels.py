"""The step-up to level High with passkeys: a synced passkey is not enough (AAL2), so a person
who has only synced passkeys is asked to add a security key or a device-bound passkey; one who
has a device-bound key is asked to use it."""

from __future__ import annotations

import pytest

from onegate.identity.constants import ProofingMethod
from onegate.identity.services.proofing import identity_prove
from onegate.identity.tests.proofing_support import (  # noqa: F401 (fixture)
    PASSWORD,
    _clean_slate,
    account,
    centre_officer,
    in_person_details,
    record,
    signed_in,
    thai_person,
)
from onegate.identity.tests.test_assurance import _passkey

pytestmark = [pytest.mark.django_db, pytest.mark.urls("onegate.identity.tests.step_up_urls")]


def proved_in_person():
    user = account()
    person, card = thai_person()
    officer, centre = centre_officer()
    details = in_person_details(user, centre, person, card)
    identity_prove(account=user, method=ProofingMethod.IN_PERSON, details=details, officer=officer)
    return user


def step_up_page(client) -> str:
    response = client.get("/guarded/high/")
    if response.status_code == 200:
        return "PAGE REACHED"
    return client.get(response["Location"]).content.decode()


def test_signed_in_with_a_synced_passkey_the_step_up_asks_for_a_device_bound_key():
    user = proved_in_person()
    synced = _passkey(user, synced=True)
    client = signed_in(user, record("mfa", type="webauthn", id=synced.pk, passwordless=True))
    page = step_up_page(client)
    assert "needs level High. You are at level Substantial." in page
    assert "Add a security key, or a passkey kept on one device, then use it" in page
    assert "a passkey that can be synced between your devices, is not enough" in page


def test_with_a_device_bound_key_too_the_step_up_asks_to_use_it_and_it_reaches_high():
    user = proved_in_person()
    synced = _passkey(user, synced=True)
    bound = _passkey(user, synced=False)
    client = signed_in(user, record("mfa", type="webauthn", id=synced.pk, passwordless=True))
    assert "Use your passkey or security key now" in step_up_page(client)
    client = signed_in(user, PASSWORD, record("mfa", type="webauthn", id=bound.pk), client=client)
    assert step_up_page(client) == "PAGE REACHED"
