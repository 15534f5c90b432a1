"""The proofing pages as a person uses them: choose, type, be told, come back."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from onegate.identity.models import IdentityLink
from onegate.identity.proofing.in_person import desk_code
from onegate.identity.tests.proofing_support import (  # noqa: F401 (fixture)
    APP_CODE,
    PASSWORD,
    _clean_slate,
    account,
    signed_in,
    thai_person,
    visitor_with_passport,
)
from onegate.registries.tests.factories import national_id_for

pytestmark = pytest.mark.django_db

CARD_URL = reverse("identity:proof_method", kwargs={"slug": "thai-id-card"})
PASSPORT_URL = reverse("identity:proof_method", kwargs={"slug": "passport"})


def card_form(person, card, **changes):
    return {
        "national_id": person.national_id,
        "given_name": person.given_name_th,
        "family_name": person.family_name_th,
        "date_of_birth_day": str(person.date_of_birth.day),
        "date_of_birth_month": str(person.date_of_birth.month),
        "date_of_birth_year": str(person.date_of_birth.year),
        "laser_code": card.laser_code,
        **changes,
    }


def error_summary(response) -> str:
    page = response.content.decode()
    found = re.search(r'<div class="govuk-error-summary".*?</div>\s*</div>', page, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0))).strip() if found else ""


@pytest.mark.parametrize("name", ["identity:proof", "identity:proof_in_person", "identity:step_up"])
def test_the_pages_need_sign_in(name):
    response = Client().get(reverse(name))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_identity_page_offers_every_way_to_prove():
    page = signed_in(account(), PASSWORD).get(reverse("identity:proof")).content.decode()
    assert "Not proved yet" in page
    for title in ("With your Thai ID card", "With your passport", "At a service centre"):
        assert title in page
    assert 'id="session-level">Low<' in page


def test_proving_with_a_card_shows_the_new_level():
    person, card = thai_person()
    client = signed_in(account(), PASSWORD, APP_CODE)
    key_before = client.session.session_key
    response = client.post(CARD_URL, card_form(person, card))
    assert response.status_code == 302
    assert client.session.session_key != key_before
    assert response["Location"] == reverse("identity:proof")
    page = client.get(response["Location"]).content.decode()
    assert "Your identity is proved." in page
    assert "Proved: level Substantial" in page
    assert 'id="session-level">Substantial<' in page
    assert "laser code on the back of your card matched the ID card register" in page


def test_after_proving_a_next_off_the_site_is_ignored():
    person, card = thai_person()
    client = signed_in(account(), PASSWORD)
    response = client.post(f"{CARD_URL}?next=https://evil.example/", card_form(person, card))
    assert response["Location"] == reverse("identity:proof")


def test_wrong_details_all_read_the_same_on_the_page():
    person, card = thai_person()
    client = signed_in(account(), PASSWORD)
    summaries = {
        error_summary(client.post(CARD_URL, card_form(person, card, **change)))
        for change in (
            {"national_id": national_id_for(77777777)},
            {"laser_code": "JT9999999999"},
            {"given_name": "Nobody"},
        )
    }
    assert summaries == {
        "There is a problem We could not match these details to a valid Thai ID card. Check the "
        "details on your card and try again, or prove your identity at a service centre."
    }
    assert not IdentityLink.objects.exists()


def test_a_mistyped_national_id_is_caught_by_its_check_digit_in_thai_too():
    person, card = thai_person()
    client = signed_in(account(), PASSWORD)
    wrong = person.national_id[:-1] + str((int(person.national_id[-1]) + 1) % 10)
    english = client.post(CARD_URL, card_form(person, card, national_id=wrong))
    assert english.status_code == 400
    assert "its last digit (the check digit) does not match" in error_summary(english)
    thai = client.post(f"/th{CARD_URL}", card_form(person, card, national_id=wrong))
    assert thai.status_code == 400
    assert "หลักสุดท้าย (เลขตรวจสอบ) ไม่ตรงกับหลักอื่น" in error_summary(thai)


def test_a_laser_code_in_the_wrong_shape_is_explained_in_thai():
    person, card = thai_person()
    client = signed_in(account(), PASSWORD)
    thai = client.post(f"/th{CARD_URL}", card_form(person, card, laser_code="12345"))
    assert thai.status_code == 400
    assert "ประกอบด้วยอักษรอังกฤษ 2 ตัวและตัวเลข 10 หลัก" in error_summary(thai)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"date_of_birth_day": "30", "date_of_birth_month": "2"}, "Enter a real date"),
        ({"laser_code": "12345"}, "A laser code is 2 letters and 10 digits"),
        ({"national_id": ""}, "Enter your 13-digit national ID number"),
        (
            {"date_of_birth_day": "", "date_of_birth_month": "", "date_of_birth_year": ""},
            "Enter your date of birth",
        ),
    ],
)
def test_card_form_errors_say_what_to_fix(changes, message):
    person, card = thai_person()
    response = signed_in(account(), PASSWORD).post(CARD_URL, card_form(person, card, **changes))
    assert response.status_code == 400
    assert message in error_summary(response)


def test_the_passport_zone_page_proves_a_visitor():
    _person, document = visitor_with_passport()
    client = signed_in(account(), PASSWORD)
    page = client.get(f"{PASSPORT_URL}?entry=mrz").content.decode()
    assert 'name="mrz"' in page
    # the example zone is shown as text, not swallowed as if it were markup
    assert "for example P&lt;GBRCLARKE&lt;&lt;EMILY" in page
    assert "letters, digits and &lt; printed" in page
    response = client.post(PASSPORT_URL, {"entry": "mrz", "mrz": document.mrz})
    assert response.status_code == 302
    assert IdentityLink.objects.get().method == "passport"


def test_a_damaged_zone_is_refused_on_the_page():
    _person, document = visitor_with_passport(damaged_mrz=True)
    response = signed_in(account(), PASSWORD).post(
        PASSPORT_URL, {"entry": "mrz", "mrz": document.mrz}
    )
    assert response.status_code == 400
    assert "check digit" in error_summary(response)


def test_the_service_centre_page_shows_the_accounts_desk_code():
    user = account()
    page = signed_in(user, PASSWORD).get(reverse("identity:proof_in_person")).content.decode()
    assert desk_code(user) in page
    assert user.email in page


def test_an_unknown_method_is_not_found():
    response = signed_in(account(), PASSWORD).get(
        reverse("identity:proof_method", kwargs={"slug": "library-card"})
    )
    assert response.status_code == 404
