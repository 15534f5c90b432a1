"""Levels of assurance: the sign-in strength from allauth's records, the session level, and amr."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, cast

import pytest
from allauth.mfa.models import Authenticator
from django.test import RequestFactory
from fido2 import cbor
from fido2.utils import websafe_decode, websafe_encode

from onegate.identity.assurance import (
    KEY_KIND,
    PROOFING_LEVELS,
    safe_next,
    session_amr,
    session_level,
    sign_in_level,
    strength_of,
)
from onegate.identity.constants import LevelOfAssurance, ProofingMethod
from onegate.identity.proofing import proofing_methods
from onegate.identity.services.proofing import identity_prove
from onegate.identity.tests.proofing_support import (  # noqa: F401 (fixture)
    APP_CODE,
    PASSKEY,
    PASSKEY_SIGN_IN,
    PASSWORD,
    RECOVERY_CODE,
    _clean_slate,
    account,
    card_details,
    centre_officer,
    in_person_details,
    record,
    signed_in,
    thai_person,
)

LOW, SUBSTANTIAL, HIGH = LevelOfAssurance.LOW, LevelOfAssurance.SUBSTANTIAL, LevelOfAssurance.HIGH
VECTORS = Path(__file__).parent / "data" / "proofing" / "webauthn_vectors.json"


# allauth's records as ``session_level`` sees them: each passkey marked with its key's kind.
DEVICE_BOUND_KEY = {**PASSKEY, KEY_KIND: "hwk"}
DEVICE_BOUND_SIGN_IN = {**PASSKEY_SIGN_IN, KEY_KIND: "hwk"}
SYNCED_PASSKEY = {**PASSKEY_SIGN_IN, KEY_KIND: "swk"}


@pytest.mark.parametrize(
    ("records", "strength"),
    [
        ([], LOW),
        ([PASSWORD], LOW),
        ([record("code", email="person@example.test")], LOW),
        ([PASSWORD, APP_CODE], SUBSTANTIAL),
        ([PASSWORD, RECOVERY_CODE], SUBSTANTIAL),
        ([PASSWORD, DEVICE_BOUND_KEY], HIGH),
        ([DEVICE_BOUND_SIGN_IN], HIGH),
        ([PASSWORD, APP_CODE, DEVICE_BOUND_KEY], HIGH),
        ([SYNCED_PASSKEY], SUBSTANTIAL),  # synced passkeys are AAL2 (NIST SP 800-63B-4)
        ([PASSWORD, SYNCED_PASSKEY], SUBSTANTIAL),
        ([PASSKEY_SIGN_IN], SUBSTANTIAL),  # a key whose kind nobody read: never assumed high
    ],
)
def test_sign_in_strength_comes_from_the_methods_used_this_session(records, strength):
    assert strength_of(records) == strength


def test_every_proofing_method_takes_its_level_from_the_one_mapping():
    assert {m.name: m.level for m in proofing_methods()} == dict(PROOFING_LEVELS)
    assert PROOFING_LEVELS[ProofingMethod.IN_PERSON] == HIGH


def _request_for(client):
    """A request carrying ``client``'s session and user, as a view would see it."""
    from django.contrib.auth import get_user

    request = RequestFactory().get("/")
    request.session = client.session
    request.user = get_user(request)
    return request


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("proved", "records", "level"),
    [
        (None, [PASSWORD, "device-bound key"], LOW),  # a strong sign-in proves nothing about who
        ("card", [PASSWORD], LOW),  # proved, but only a password this time
        ("card", [PASSWORD, APP_CODE], SUBSTANTIAL),
        ("card", ["device-bound sign-in"], SUBSTANTIAL),  # proved online: never above substantial
        ("in_person", [PASSWORD, APP_CODE], SUBSTANTIAL),  # an app code: never above substantial
        ("in_person", [PASSWORD, "device-bound key"], HIGH),
        ("in_person", ["device-bound sign-in"], HIGH),
        ("in_person", ["synced sign-in"], SUBSTANTIAL),  # a synced passkey: AAL2 at most
        ("in_person", [PASSWORD, "synced key"], SUBSTANTIAL),
        ("in_person", [PASSWORD, PASSKEY], SUBSTANTIAL),  # a key no longer on the account
    ],
)
def test_the_session_level_is_the_lower_of_proofing_and_sign_in(proved, records, level):
    user = account()
    records = [_used(user, r) if isinstance(r, str) else r for r in records]
    person, card = thai_person()
    if proved == "card":
        identity_prove(
            account=user, method=ProofingMethod.NATIONAL_ID_CARD, details=card_details(person, card)
        )
    elif proved == "in_person":
        officer, centre = centre_officer()
        identity_prove(
            account=user,
            method=ProofingMethod.IN_PERSON,
            details=in_person_details(user, centre, person, card),
            officer=officer,
        )
    request = _request_for(signed_in(user, *records))
    assert session_level(request) == level


@pytest.mark.django_db
def test_records_of_another_account_in_the_session_count_for_nothing():
    # allauth ties the records to the account that made them
    user, other = account(), account("other@example.test")
    client = signed_in(user, PASSWORD, PASSKEY)
    session = client.session
    session["account_authentication_methods_user"] = str(other.pk)
    session.save()
    assert sign_in_level(_request_for(client)) == LOW


@pytest.mark.django_db
def test_a_signed_out_visitor_is_at_level_low():
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    request.session = cast(Any, {})
    assert session_level(request) == LOW
    assert session_amr(request) == []


def _used(user, which: str) -> dict[str, Any]:
    """allauth's record of using a passkey of ``user``'s made from a real registration vector:
    "<device-bound|synced> <key|sign-in>" (a second factor, or signing in with it alone)."""
    kind, use = which.split()
    key = _passkey(user, synced=kind == "synced")
    return record("mfa", type="webauthn", id=key.pk, passwordless=use == "sign-in")


def _passkey(user, *, synced: bool) -> Authenticator:
    """An allauth passkey from a real registration (py_webauthn's 'none' attestation vector);
    ``synced`` sets the backup-eligible flag, as a synced passkey's authenticator data has."""
    cases = json.loads(VECTORS.read_text())["cases"]
    case = next(c for c in cases if c["name"] == "test_verifies_none_attestation_response")
    credential = copy.deepcopy(case["credential"])
    if synced:
        encoded = websafe_decode(credential["response"]["attestationObject"])
        attestation = cast(dict[str, Any], cbor.decode(encoded))
        auth_data = bytearray(attestation["authData"])
        auth_data[32] |= 0x08  # BE: backup eligible
        attestation["authData"] = bytes(auth_data)
        credential["response"]["attestationObject"] = websafe_encode(cbor.encode(attestation))
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.WEBAUTHN, data={"name": "key", "credential": credential}
    )


@pytest.mark.django_db
def test_amr_says_how_the_session_authenticated():
    user = account()
    device_bound = _passkey(user, synced=False)
    synced = _passkey(user, synced=True)

    def amr(*records):
        return session_amr(_request_for(signed_in(user, *records)))

    assert amr(PASSWORD) == ["pwd"]
    assert amr(record("code")) == ["otp"]
    assert amr(PASSWORD, APP_CODE) == ["pwd", "otp", "mfa"]
    assert amr(PASSWORD, RECOVERY_CODE) == ["pwd", "otp", "mfa"]
    assert amr(PASSWORD, record("mfa", type="webauthn", id=device_bound.pk)) == [
        "pwd",
        "hwk",
        "user",
        "mfa",
    ]
    assert amr(record("mfa", type="webauthn", id=synced.pk, passwordless=True)) == [
        "swk",
        "user",
        "mfa",
    ]


@pytest.mark.parametrize(
    ("candidate", "safe"),
    [
        ("/services/renew-driving-licence/start/?step=2", True),
        ("/th/account/", True),
        ("https://evil.example/", False),
        ("//evil.example/", False),
        ("/\\evil.example/", False),
        ("\\\\evil.example", False),
        ("javascript:alert(1)", False),
        ("/%0d%0aSet-Cookie:x=1", True),  # still a path here; encoded, not a header
        ("/\nevil", False),
        ("", False),
        (None, False),
        ("services/start", False),  # relative: not a path on this site
    ],
)
def test_only_paths_on_this_site_are_followed(candidate, safe):
    assert safe_next(candidate) == (candidate if safe else None)
