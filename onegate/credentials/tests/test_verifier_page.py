"""The clinic verifier page: anyone checks a credential's QR text or a photo of its QR code."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from onegate.cases.tests.factories import demo_services, staff  # noqa: F401
from onegate.credentials.models import Entitlement, VerificationCheck
from onegate.credentials.qr import qr_png
from onegate.credentials.services import entitlement_revoke, entitlement_suspend
from onegate.credentials.tests.factories import current_credential, entitlement_make
from onegate.identity.constants import StaffRole

URL = "/verify/"


@pytest.fixture(autouse=True)
def _fresh_limits() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def entitlement(demo_services: None) -> Entitlement:  # noqa: F811
    return entitlement_make()


def verdict_of(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    content: str = response.content.decode()
    assert 'id="answer"' in content, content
    return content


def test_anyone_can_open_the_verifier(client: Client, db: None) -> None:
    response = client.get(URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="payload"' in content and 'name="photo"' in content
    assert "Nothing you check here is kept." in content


def test_a_genuine_credential_is_valid_with_the_claims_shown(client, entitlement):
    token = current_credential(entitlement).token

    content = verdict_of(client.post(URL, {"payload": token}))

    assert ">Valid<" in content
    assert "What the holder chose to show" in content
    passport_number = entitlement.links.get(scheme="passport").value
    assert passport_number in content
    assert entitlement.holder.family_name_latin in content
    assert not VerificationCheck.objects.exists()  # nothing kept


def test_a_photo_of_the_qr_code_is_read(client, entitlement):
    photo = SimpleUploadedFile("qr.png", qr_png(current_credential(entitlement).token), "image/png")

    content = verdict_of(client.post(URL, {"photo": photo}))

    assert ">Valid<" in content


def test_a_payload_that_is_not_a_credential_is_not_valid_without_claims(client, db):
    content = verdict_of(client.post(URL, {"payload": "eyJhbGciOiJub25lIn0.e30.~"}))

    assert ">Not valid<" in content
    assert "not a genuine OneGate credential" in content
    assert "What the holder chose to show" not in content


def test_a_truncated_credential_is_not_valid(client, entitlement):
    token = current_credential(entitlement).token

    content = verdict_of(client.post(URL, {"payload": token[: len(token) // 2]}))

    assert ">Not valid<" in content


def test_a_revoked_credential_says_revoked(client, entitlement):
    lead = staff(StaffRole.TEAM_LEAD, entitlement.agency_slug)
    entitlement_revoke(
        actor=lead,
        entitlement_id=entitlement.pk,
        reason="Issued in error.",
        lock_version=entitlement.lock_version,
    )

    content = verdict_of(client.post(URL, {"payload": current_credential(entitlement).token}))

    assert ">Revoked<" in content


def test_a_suspended_credential_says_suspended(client, entitlement):
    lead = staff(StaffRole.TEAM_LEAD, entitlement.agency_slug)
    entitlement_suspend(
        actor=lead,
        entitlement_id=entitlement.pk,
        reason="Under review.",
        lock_version=entitlement.lock_version,
    )

    content = verdict_of(client.post(URL, {"payload": current_credential(entitlement).token}))

    assert ">Suspended<" in content


def test_an_empty_form_asks_for_the_payload_or_a_photo(client, db):
    response = client.post(URL, {"payload": ""})

    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content
    assert "Paste the QR code text or upload a photo of the QR code" in content
    assert 'href="#id_payload"' in content


def test_a_flood_from_one_address_is_refused(client, db):
    # Twelve posts within a second or two: one second holds more than five of them.
    statuses = [client.post(URL, {"payload": ""}).status_code for _ in range(12)]

    assert 429 in statuses
    refused = client.post(URL, {"payload": ""}, REMOTE_ADDR="127.0.0.1")
    if refused.status_code == 429:
        assert int(refused["Retry-After"]) >= 1
        assert "checked too many credentials" in refused.content.decode()
    # Another address is not held back.
    assert client.post(URL, {"payload": ""}, REMOTE_ADDR="192.0.2.7").status_code == 200


def test_the_verifier_speaks_thai(client, entitlement):
    response = client.post("/th/verify/", {"payload": current_credential(entitlement).token})

    content = verdict_of(response)
    assert 'lang="th"' in content
    assert ">Valid<" not in content
