"""What the gate and the clinic verifier say they checked (review of issue 10: B1, S3, S4, S8, N4).

The gate names the passport it checked, and for a QR code the holder it names, so an officer
shown someone else's QR code can tell; a German passport's MRZ (``D<<``) finds its entitlement;
the verifier names the entitlement type from the issuer-signed claims and warns when the QR code
does not say whose it is; its rate limit counts each client behind a proxy; phone photos (MPO)
and very large images are read.
"""

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
from onegate.credentials.constants import LinkScheme
from onegate.credentials.models import Entitlement, EntitlementLink, VerificationCheck
from onegate.credentials.qr import qr_png
from onegate.credentials.tests.factories import current_credential, entitlement_make
from onegate.identity.constants import StaffRole
from onegate.registries.mrz.writing import compose_td3
from onegate_verify.sdjwt import sd_jwt_present

GATE = "/gate/"
VERIFIER = "/verify/"
TRAVEL_AUTHORITY = "Electronic travel authority"
NAMES = ("given_name", "family_name")
PASSPORT = ("document_number", "issuing_state")

pytestmark = pytest.mark.usefixtures("demo_services")


@pytest.fixture
def entitlement() -> Entitlement:
    return entitlement_make()


@pytest.fixture
def officer(client: Client) -> Client:
    client.force_login(staff(StaffRole.BORDER_OFFICER, "immigration"))
    return client


def passport(entitlement: Entitlement) -> tuple[str, str]:
    link = entitlement.links.get(scheme=LinkScheme.PASSPORT)
    return link.value, link.issuing_state


def mrz(entitlement: Entitlement, *, number: str | None = None, state: str | None = None) -> str:
    holder = entitlement.holder
    document_number, issuing_state = passport(entitlement)
    return compose_td3(
        document_number=number or document_number,
        issuing_state=state or issuing_state,
        nationality=holder.nationality,
        family_name=holder.family_name_latin,
        given_names=holder.given_name_latin,
        birth_date=holder.date_of_birth,
        sex="F",
        expiry_date=timezone.localdate() + dt.timedelta(days=3000),
    )


def token_of(entitlement: Entitlement, *, reveal: tuple[str, ...] | None = None) -> str:
    token = current_credential(entitlement).token
    return token if reveal is None else sd_jwt_present(token, reveal=reveal)


def panel(response: Any) -> str:
    """The answer panel and what follows it up to the first form."""
    assert response.status_code == 200, response.status_code
    content: str = response.content.decode()
    assert 'id="answer"' in content, content
    return content.split('id="answer"', 1)[1].split("<form", 1)[0]


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


# --- B1: the gate says which passport and which holder it checked ---------------------------


def test_a_qr_code_for_passport_a_shows_passport_a_and_its_holder(officer, entitlement):
    number, state = passport(entitlement)
    holder = entitlement.holder

    answer = panel(officer.post(GATE, {"way": "qr", "payload": token_of(entitlement)}))

    assert ">Valid<" in answer
    assert f"Passport number: <strong>{number}</strong>" in answer
    assert f"Issuing state: <strong>{state}</strong>" in answer
    assert holder.family_name_latin in answer and holder.given_name_latin in answer
    assert format_date(holder.date_of_birth, "en") in answer
    assert "match the passport in hand" in answer


def test_a_typed_passport_number_is_named_in_the_answer_valid_or_not(officer, entitlement):
    number, state = passport(entitlement)

    valid = panel(officer.post(GATE, {"way": "number", "number": number, "issuing_state": state}))
    other = panel(
        officer.post(GATE, {"way": "number", "number": "ZX9876543", "issuing_state": state})
    )

    assert ">Valid<" in valid and f"<strong>{number}</strong>" in valid
    assert "match the passport in hand" not in valid  # the officer typed it from the passport
    assert ">Not valid<" in other and "<strong>ZX9876543</strong>" in other


def test_a_qr_code_with_the_mrz_of_the_same_passport_is_valid(officer, entitlement):
    data = {"way": "qr", "payload": token_of(entitlement), "qr_mrz": mrz(entitlement)}

    answer = panel(officer.post(GATE, data))

    assert ">Valid<" in answer
    assert VerificationCheck.objects.count() == 1


def test_a_qr_code_with_another_passports_mrz_is_refused(officer, entitlement):
    data = {
        "way": "qr",
        "payload": token_of(entitlement),
        "qr_mrz": mrz(entitlement, number="ZX9876543"),
    }

    answer = panel(officer.post(GATE, data))

    assert ">Not valid<" in answer
    assert "The QR code is for another passport" in answer
    assert not VerificationCheck.objects.exists()  # nothing was asked about the traveller


def test_a_mistyped_mrz_beside_the_qr_code_is_an_error_on_that_field(officer, entitlement):
    lines = mrz(entitlement).splitlines()
    lines[1] = lines[1][:9] + str((int(lines[1][9]) + 1) % 10) + lines[1][10:]
    data = {"way": "qr", "payload": token_of(entitlement), "qr_mrz": "\n".join(lines)}

    content = officer.post(GATE, data).content.decode()

    assert "There is a problem" in content
    assert 'href="#id_qr_mrz"' in content
    assert 'id="answer"' not in content


def test_a_qr_code_without_the_holders_name_is_refused(officer, entitlement):
    payload = token_of(entitlement, reveal=(*PASSPORT, "birthdate", "valid_until", "title"))

    answer = panel(officer.post(GATE, {"way": "qr", "payload": payload}))

    assert ">Not valid<" in answer
    assert (
        "This QR code does not show the holder&#39;s name, so it cannot be matched to a passport"
        in answer
    )
    assert not VerificationCheck.objects.exists()


def test_a_qr_code_without_the_passport_number_is_refused(officer, entitlement):
    payload = token_of(entitlement, reveal=(*NAMES, "birthdate", "valid_until", "title"))

    answer = panel(officer.post(GATE, {"way": "qr", "payload": payload}))

    assert ">Not valid<" in answer
    assert (
        "This QR code does not show the passport number, so it cannot be matched to a passport"
        in answer
    )


# --- S3: the MRZ's own country codes ---------------------------------------------------------


def test_a_german_mrz_finds_the_entitlement_linked_to_deu(officer, entitlement):
    EntitlementLink.objects.filter(entitlement=entitlement, scheme=LinkScheme.PASSPORT).update(
        issuing_state="DEU"
    )
    zone = mrz(entitlement, state="DEU")
    assert zone.startswith("P<D<<")  # Germany writes "D" in the MRZ, not DEU

    answer = panel(officer.post(GATE, {"way": "mrz", "mrz": zone}))

    assert ">Valid<" in answer
    assert "Issuing state: <strong>DEU</strong>" in answer


# --- S4: the clinic verifier names the type and warns when it names nobody -------------------


def test_the_verifier_names_the_type_even_when_the_title_is_kept_back(client, entitlement):
    payload = token_of(entitlement, reveal=NAMES)

    answer = panel(client.post(VERIFIER, {"payload": payload}))

    assert ">Valid<" in answer
    assert f"Entitlement: <strong>{TRAVEL_AUTHORITY}</strong>" in answer
    assert "does not say whose it is" not in answer


def test_the_verifier_warns_when_the_qr_code_names_nobody(client, entitlement):
    payload = token_of(entitlement, reveal=("valid_until", "title", "nationality"))

    answer = panel(client.post(VERIFIER, {"payload": payload}))

    assert ">Valid<" in answer
    assert TRAVEL_AUTHORITY in answer
    assert "This QR code does not say whose it is: ask for an identity document." in answer


def test_a_forged_credential_names_no_type(client, entitlement):
    token = token_of(entitlement)
    jws, _, rest = token.partition("~")
    header, body, signature = jws.split(".")
    forged = ".".join([header, body, signature[:-4] + "AAAA"]) + "~" + rest

    answer = panel(client.post(VERIFIER, {"payload": forged}))

    assert ">Not valid<" in answer
    assert "Entitlement:" not in answer


# --- S8: behind a proxy, each client has its own limit ---------------------------------------


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(client, settings, db):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}

    flooded = [
        client.post(
            VERIFIER, {"payload": ""}, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy
        ).status_code
        for _ in range(31)
    ]
    other = client.post(VERIFIER, {"payload": ""}, HTTP_X_FORWARDED_FOR="198.51.100.9", **proxy)

    assert 429 in flooded
    assert other.status_code == 200  # another clinic behind the same proxy is not held back


# --- N4: phone photos and very large images ----------------------------------------------------


def test_a_phone_cameras_multi_picture_jpeg_is_read(client, entitlement):
    picture = Image.open(io.BytesIO(qr_png(token_of(entitlement), scale=6))).convert("RGB")
    buffer = io.BytesIO()
    picture.save(buffer, format="MPO", save_all=True, append_images=[picture.copy()], quality=95)
    assert Image.open(io.BytesIO(buffer.getvalue())).format == "MPO"
    photo = SimpleUploadedFile("photo.jpg", buffer.getvalue(), "image/jpeg")

    answer = panel(client.post(VERIFIER, {"photo": photo}))

    assert ">Valid<" in answer


def test_a_35_megapixel_png_is_scaled_down_and_read(client, entitlement):
    code = Image.open(io.BytesIO(qr_png(token_of(entitlement), scale=16))).convert("L")
    page = Image.new("L", (7000, 5000), 255)
    page.paste(code, (2500, 1200))
    photo = SimpleUploadedFile("scan.png", png(page), "image/png")

    answer = panel(client.post(VERIFIER, {"photo": photo}))

    assert ">Valid<" in answer


def test_the_decoder_scales_large_images_to_about_4_megapixels():
    from onegate_verify.qr import DECODE_PIXELS, _decode_size

    width, height = _decode_size(7000, 5000)

    assert width * height <= DECODE_PIXELS
    assert abs(width / height - 7000 / 5000) < 0.01
    assert _decode_size(1000, 800) == (1000, 800)
