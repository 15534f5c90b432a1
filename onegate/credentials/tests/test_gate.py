"""The border gate page, as an officer uses it: MRZ, passport number, QR text or QR photo."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from onegate.cases.tests.factories import demo_services, staff  # noqa: F401
from onegate.core.languages import format_date
from onegate.credentials.constants import CheckChannel, EntitlementStatus, LinkScheme
from onegate.credentials.models import Entitlement, VerificationCheck
from onegate.credentials.qr import qr_png
from onegate.credentials.tests.factories import current_credential, entitlement_make
from onegate.identity.constants import StaffRole
from onegate.registries.models import AccessRecord, Person
from onegate.registries.mrz.writing import compose_td3

URL = "/gate/"

pytestmark = pytest.mark.usefixtures("demo_services")


@pytest.fixture
def entitlement() -> Entitlement:
    return entitlement_make()


@pytest.fixture
def officer_client(client: Client) -> Client:
    client.force_login(staff(StaffRole.BORDER_OFFICER, "immigration"))
    return client


def passport(entitlement: Entitlement) -> tuple[str, str]:
    link = entitlement.links.get(scheme=LinkScheme.PASSPORT)
    return link.value, link.issuing_state


def mrz_of(entitlement: Entitlement, *, number: str | None = None) -> str:
    holder: Person = entitlement.holder
    document_number, state = passport(entitlement)
    return compose_td3(
        document_number=number or document_number,
        issuing_state=state,
        nationality=holder.nationality,
        family_name=holder.family_name_latin,
        given_names=holder.given_name_latin,
        birth_date=holder.date_of_birth,
        sex="F",
        expiry_date=timezone.localdate() + dt.timedelta(days=3000),
    )


def post(client: Client, **data: Any) -> Any:
    return client.post(URL, data)


def answer_of(response: Any) -> str:
    content: str = response.content.decode()
    assert 'id="answer"' in content, content
    return content


def valid_line(entitlement: Entitlement) -> str:
    assert entitlement.valid_until is not None
    return f"Electronic travel authority until {format_date(entitlement.valid_until, 'en')}"


def test_an_officer_sees_the_three_ways(officer_client):
    response = officer_client.get(URL)

    assert response.status_code == 200
    content = response.content.decode()
    for field in ('name="mrz"', 'name="number"', 'name="issuing_state"', 'name="payload"'):
        assert field in content
    assert 'enctype="multipart/form-data"' in content
    assert 'id="answer"' not in content


def test_the_mrz_of_a_passport_with_a_travel_authority_is_valid(officer_client, entitlement):
    response = post(officer_client, way="mrz", mrz=mrz_of(entitlement))

    content = answer_of(response)
    assert "govuk-panel--confirmation" in content
    assert ">Valid<" in content
    assert valid_line(entitlement) in content


def test_the_check_shows_in_the_travellers_who_looked_at_my_data(officer_client, entitlement):
    post(officer_client, way="mrz", mrz=mrz_of(entitlement))

    check = VerificationCheck.objects.get()
    assert (check.channel, check.entitlement_id, check.purpose) == (
        CheckChannel.GATE,
        entitlement.pk,
        "border_entry",
    )
    record = AccessRecord.objects.get(person_id=str(entitlement.holder_id), channel="gate")
    assert record.purpose == "border_entry"
    assert record.organisation  # the officer's agency, not the officer's name
    assert record.accessor_label == "Border officer"


def test_another_passports_mrz_is_not_valid(officer_client, entitlement):
    response = post(officer_client, way="mrz", mrz=mrz_of(entitlement, number="ZX9876543"))

    content = answer_of(response)
    assert ">Not valid<" in content
    assert "until" not in content.split('id="answer"')[1].split("</div>")[0]


def test_a_mistyped_mrz_check_digit_is_named(officer_client, entitlement):
    lines = mrz_of(entitlement).splitlines()
    # The document number's check digit is the 10th character of the second line.
    digit = lines[1][9]
    lines[1] = lines[1][:9] + str((int(digit) + 1) % 10) + lines[1][10:]

    response = post(officer_client, way="mrz", mrz="\n".join(lines))

    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content
    assert "check digit of the document number does not match" in content
    assert 'href="#id_mrz"' in content
    assert 'id="answer"' not in content
    assert not VerificationCheck.objects.exists()


def test_an_mrz_of_the_wrong_shape_is_refused_precisely(officer_client):
    response = post(officer_client, way="mrz", mrz="P<GBRCLARKE<<EMILY\n123")

    assert "2 lines of 44 characters" in response.content.decode()


def test_a_passport_number_and_state_typed_loosely_is_valid(officer_client, entitlement):
    number, state = passport(entitlement)

    response = post(
        officer_client,
        way="number",
        number=f" {number[:3].lower()} {number[3:]} ",
        issuing_state=state.lower(),
    )

    content = answer_of(response)
    assert valid_line(entitlement) in content


def test_an_unknown_issuing_state_is_an_error_on_that_field(officer_client):
    response = post(officer_client, way="number", number="AB1234567", issuing_state="QQQ")

    content = response.content.decode()
    assert "There is a problem" in content
    assert 'href="#id_issuing_state"' in content


def test_a_revoked_entitlement_is_not_valid_at_the_gate(officer_client, entitlement):
    Entitlement.objects.filter(pk=entitlement.pk).update(status=EntitlementStatus.REVOKED)
    number, state = passport(entitlement)

    content = answer_of(post(officer_client, way="number", number=number, issuing_state=state))

    assert ">Not valid<" in content
    assert "revoked" not in content.lower()  # the gate is told no more than "not valid"


def test_the_travellers_qr_code_text_is_valid(officer_client, entitlement):
    payload = current_credential(entitlement).token

    content = answer_of(post(officer_client, way="qr", payload=payload))

    assert valid_line(entitlement) in content
    # The QR code led to a check of the passport it discloses: the traveller sees it.
    assert AccessRecord.objects.filter(
        person_id=str(entitlement.holder_id), channel="gate"
    ).exists()


def test_a_photo_of_the_travellers_qr_code_is_valid(officer_client, entitlement):
    photo = SimpleUploadedFile("qr.png", qr_png(current_credential(entitlement).token), "image/png")

    content = answer_of(officer_client.post(URL, {"way": "qr", "payload": "", "photo": photo}))

    assert valid_line(entitlement) in content


def test_a_forged_qr_code_is_not_valid(officer_client, entitlement):
    token = current_credential(entitlement).token
    jws, _, rest = token.partition("~")
    header, payload, signature = jws.split(".")
    forged = ".".join([header, payload, signature[:-4] + "AAAA"]) + "~" + rest

    content = answer_of(post(officer_client, way="qr", payload=forged))

    assert ">Not valid<" in content
    assert not VerificationCheck.objects.exists()


def test_a_photo_that_is_not_an_image_is_refused(officer_client):
    photo = SimpleUploadedFile("qr.png", b"%PDF-1.7 not an image", "image/png")

    response = officer_client.post(URL, {"way": "qr", "photo": photo})

    content = response.content.decode()
    assert "must be a JPEG or PNG image" in content
    assert 'href="#id_photo"' in content


def test_a_photo_without_a_qr_code_is_refused(officer_client):
    blank = Image.new("RGB", (200, 200), "white")
    buffer = io.BytesIO()
    blank.save(buffer, format="PNG")
    photo = SimpleUploadedFile("blank.png", buffer.getvalue(), "image/png")

    response = officer_client.post(URL, {"way": "qr", "photo": photo})

    assert "No QR code could be read" in response.content.decode()


def test_the_gate_speaks_thai_with_buddhist_era_dates(officer_client, entitlement):
    number, state = passport(entitlement)

    response = officer_client.post(
        "/th/gate/", {"way": "number", "number": number, "issuing_state": state}
    )

    content = answer_of(response)
    assert format_date(entitlement.valid_until, "th") in content
    assert str(entitlement.valid_until.year + 543) in content


def test_a_case_worker_is_refused(client):
    client.force_login(staff(StaffRole.CASE_WORKER, "immigration"))

    assert client.get(URL).status_code == 403
    assert (
        client.post(URL, {"way": "number", "number": "AB1", "issuing_state": "GBR"}).status_code
        == 403
    )
    assert not VerificationCheck.objects.exists()


def test_a_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert "/sign-in/" in response["Location"] or "/accounts/login/" in response["Location"]
