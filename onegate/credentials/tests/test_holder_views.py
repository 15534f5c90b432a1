"""The holder's pages: "Your entitlements", one entitlement with its QR code (what a phone would
read from the screen), the credential file, "report it lost", and a 404 for everyone else."""

from __future__ import annotations

import base64
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from onegate.cases.tests.factories import (  # noqa: F401  (fixture)
    demo_services,
    run_tasks,
    staff,
    visitor_account,
)
from onegate.credentials.constants import CredentialStatus, EntitlementStatus, LinkScheme
from onegate.credentials.models import Entitlement
from onegate.credentials.services import entitlement_suspend
from onegate.credentials.tests.factories import (
    approved_eta_entitlement,
    child_health_case,
    current_credential,
    verdict_of,
)
from onegate.identity.constants import StaffRole
from onegate.identity.models import User
from onegate.registries.models import TravelDocument
from onegate_verify.qr import qr_decode

pytestmark = pytest.mark.usefixtures("demo_services")


def url(name: str, entitlement: Entitlement) -> str:
    return reverse(f"entitlements:{name}", kwargs={"entitlement_id": entitlement.pk})


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def qr_payload(html: str) -> str:
    """What a phone reads from the page's QR code: the SVG drawn to pixels and decoded."""
    found = re.search(r'id="qr" src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert found, "no QR code on the page"
    svg = base64.b64decode(found.group(1)).decode()
    size = int(re.search(r'width="(\d+)"', svg).group(1))  # type: ignore[union-attr]
    path = re.search(r' d="([^"]+)"', svg).group(1)  # type: ignore[union-attr]
    scale = 4
    image = Image.new("L", (size * scale, size * scale), 255)
    x = y = 0.0
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            row = int(y)
            for column in range(int(x), int(x + float(a))):
                for dx in range(scale):
                    for dy in range(scale):
                        image.putpixel((column * scale + dx, row * scale + dy), 0)
            x += float(a)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return qr_decode(out.getvalue())


def test_your_entitlements_lists_it_with_its_status_and_date_in_each_language():
    user, entitlement = approved_eta_entitlement()
    assert entitlement.valid_until is not None
    client = signed_in(user)

    english = client.get(reverse("entitlements:list")).content.decode()
    thai = client.get("/th" + reverse("entitlements:list")).content.decode()

    assert "Electronic travel authority" in english
    assert "Active" in english
    assert f"Valid until {entitlement.valid_until.day} " in english
    assert str(entitlement.valid_until.year) in english
    assert str(entitlement.valid_until.year + 543) in thai  # Buddhist Era
    assert entitlement.title["th"] in thai


def test_the_account_page_links_to_your_entitlements():
    user, _entitlement = approved_eta_entitlement()

    page = signed_in(user).get(reverse("identity:home")).content.decode()

    assert reverse("entitlements:list") in page


def test_the_page_shows_the_passport_partly_hidden_and_the_history():
    user, entitlement = approved_eta_entitlement()
    number = entitlement.links.get(scheme=LinkScheme.PASSPORT).value
    assert TravelDocument.objects.filter(number=number, person=entitlement.holder).exists()

    page = signed_in(user).get(url("detail", entitlement)).content.decode()

    assert "•" * (len(number) - 4) + number[-4:] in page
    assert number not in page
    assert "Granted" in page
    assert "Digital credential issued" in page
    assert "Nobody has checked it yet." in page


def test_the_qr_code_is_the_credential_and_verifies_with_what_the_holder_chose():
    user, entitlement = approved_eta_entitlement()
    client = signed_in(user)

    everything = qr_payload(client.get(url("detail", entitlement)).content.decode())
    chosen = qr_payload(
        client.get(
            url("detail", entitlement), {"chosen": "1", "include": ["name"]}
        ).content.decode()
    )

    full = verdict_of(everything)
    assert full.status == "valid"
    assert {"given_name", "birthdate", "document_number"} <= set(full.claims)
    narrow = verdict_of(chosen)
    assert narrow.status == "valid"
    assert "given_name" in narrow.claims
    assert "birthdate" not in narrow.claims
    assert "document_number" not in narrow.claims
    assert narrow.claims["reference"] == entitlement.reference


def test_the_qr_choices_speak_to_the_holder_about_themself():
    user, entitlement = approved_eta_entitlement()

    page = signed_in(user).get(url("detail", entitlement)).content.decode()

    assert "Choose what it shows about you." in page
    assert "Your name" in page and "Your date of birth" in page
    assert "Their name" not in page


def test_a_parent_showing_a_childs_card_chooses_what_it_shows_about_the_child():
    # given a parent's child health card for their child, issued
    household, case = child_health_case()
    run_tasks()
    card = Entitlement.objects.get(case=case)

    # when the parent opens it
    page = signed_in(household.parent_user).get(url("detail", card)).content.decode()

    # then the choices are about the child, by name, not about "you"
    child = card.holder_names["en"]
    assert f"Choose what it shows about {child}." in page
    assert "Their name" in page and "Their date of birth" in page
    assert "Your name" not in page and "about you." not in page
    assert f"QR code of the Child health card of {child}" in page


def test_download_gives_the_credential_as_a_private_file():
    user, entitlement = approved_eta_entitlement()

    response = signed_in(user).get(url("download", entitlement))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/dc+sd-jwt"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    assert response.content.decode() == current_credential(entitlement).token
    assert verdict_of(response.content.decode()).status == "valid"


def test_report_lost_stops_the_old_code_and_shows_a_new_one():
    user, entitlement = approved_eta_entitlement()
    client = signed_in(user)
    old = current_credential(entitlement)

    question = client.get(url("lost", entitlement))
    assert "Report it lost?" in question.content.decode()
    response = client.post(
        url("lost", entitlement), {"lock_version": entitlement.lock_version}, follow=True
    )

    page = response.content.decode()
    assert "You reported it lost" in page
    new = current_credential(entitlement)
    assert new.pk != old.pk
    old.refresh_from_db()
    assert old.status == CredentialStatus.SUSPENDED
    assert verdict_of(old).status == "suspended"
    assert verdict_of(qr_payload(page)).status == "valid"
    assert "Reported lost" in page


def test_report_lost_with_a_stale_form_is_refused_and_changes_nothing():
    user, entitlement = approved_eta_entitlement()
    old = current_credential(entitlement)

    response = signed_in(user).post(url("lost", entitlement), {"lock_version": 0})

    assert response.status_code == 409
    assert "There is a problem" in response.content.decode()
    assert current_credential(entitlement).pk == old.pk


def test_a_suspended_entitlement_shows_no_qr_code_and_gives_no_file():
    user, entitlement = approved_eta_entitlement()
    entitlement_suspend(
        actor=staff(StaffRole.TEAM_LEAD, "immigration"),
        entitlement_id=entitlement.pk,
        reason="Under investigation",
        lock_version=entitlement.lock_version,
    )
    client = signed_in(user)

    page = client.get(url("detail", entitlement)).content.decode()

    assert "Suspended" in page
    assert 'id="qr"' not in page
    assert "Under investigation" in page
    assert "Immigration" in page  # the agency, never the officer's name
    officer_names = User.objects.filter(is_staff=True).values_list("display_name", flat=True)
    assert not [name for name in officer_names if name and name in page]
    assert client.get(url("download", entitlement)).status_code == 409
    assert client.get(url("card", entitlement)).status_code == 409
    assert Entitlement.objects.get(pk=entitlement.pk).status == EntitlementStatus.SUSPENDED


def test_another_person_gets_a_404_on_every_page():
    _user, entitlement = approved_eta_entitlement()
    stranger = signed_in(visitor_account()[0])

    for name in ("detail", "download", "card", "lost"):
        assert stranger.get(url(name, entitlement)).status_code == 404, name
    assert stranger.post(url("lost", entitlement), {"lock_version": 1}).status_code == 404
    assert entitlement.credentials.count() == 1
    listed = stranger.get(reverse("entitlements:list")).content.decode()
    assert entitlement.reference not in listed


def test_signed_out_people_are_sent_to_sign_in():
    _user, entitlement = approved_eta_entitlement()

    response = Client().get(url("detail", entitlement))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_thai_page_names_the_agency_and_dates_in_the_buddhist_era():
    user, entitlement = approved_eta_entitlement()
    assert entitlement.valid_until is not None

    response = signed_in(user).get("/th" + url("detail", entitlement))

    page = response.content.decode()
    assert response.status_code == 200
    assert str(entitlement.valid_until.year + 543) in page
    assert entitlement.title["th"] in page
    assert 'id="qr"' in page
