"""The printable card: a PDF with what the entitlement is, for whom, until when, its reference,
and a QR code that verifies and carries only what is printed (no date of birth, no passport)."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from onegate.cases.tests.factories import demo_services  # noqa: F401  (fixture)
from onegate.core.languages import format_date
from onegate.credentials.models import Entitlement
from onegate.credentials.tests.factories import approved_eta_entitlement, verdict_of
from onegate.identity.models import User
from onegate_verify.qr import qr_decode

pytestmark = pytest.mark.usefixtures("demo_services")


def card_of(user: User, entitlement: Entitlement, prefix: str = "") -> PdfReader:
    client = Client()
    client.force_login(user)
    response = client.get(
        prefix + reverse("entitlements:card", kwargs={"entitlement_id": entitlement.pk})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    return PdfReader(io.BytesIO(response.content))


def test_the_card_shows_what_it_is_for_whom_until_when_and_its_reference():
    user, entitlement = approved_eta_entitlement()
    assert entitlement.valid_until is not None

    text = " ".join(card_of(user, entitlement).pages[0].extract_text().split())

    assert "Electronic travel authority" in text
    assert entitlement.holder_names["en"] in text
    assert format_date(entitlement.valid_until, "en") in text
    assert entitlement.reference in text


def test_the_thai_card_is_dated_in_the_buddhist_era():
    user, entitlement = approved_eta_entitlement()
    assert entitlement.valid_until is not None

    text = " ".join(card_of(user, entitlement, "/th").pages[0].extract_text().split())

    assert str(entitlement.valid_until.year + 543) in text
    assert entitlement.reference in text


def test_the_cards_qr_code_verifies_and_carries_only_what_is_printed():
    user, entitlement = approved_eta_entitlement()

    [image] = card_of(user, entitlement).pages[0].images
    verdict = verdict_of(qr_decode(image.data))

    assert verdict.status == "valid"
    assert verdict.claims["reference"] == entitlement.reference
    assert "given_name" in verdict.claims
    assert "valid_until" in verdict.claims
    assert "birthdate" not in verdict.claims
    assert "document_number" not in verdict.claims
