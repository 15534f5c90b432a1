"""The forms of the border gate and the clinic verifier: three ways to present a document.

An officer types or pastes a passport's machine-readable zone (read and checked digit by digit),
or types the passport number and issuing state, or pastes a credential's QR payload or uploads a
photo of the QR code. Each form leaves ``document`` (a ``DocumentRef``) or ``payload`` (the
presented SD-JWT VC) in ``cleaned_data`` when it is valid.
"""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from onegate.credentials.constants import LinkScheme
from onegate.credentials.verification import DocumentRef, document_normalise
from onegate.registries.mrz.reading import parse_mrz
from onegate.registries.mrz.zone import MRZError, MRZFormat

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000  # a 40-megapixel photo is larger than any phone camera's
# Pillow calls a phone camera's multi-picture JPEG (Samsung, Fujifilm) "MPO": a JPEG all the same.
PHOTO_FORMATS = frozenset({"JPEG", "MPO", "PNG"})
# A credential with every disclosure is about 2 kB; far larger is not one of ours.
MAX_PAYLOAD_CHARACTERS = 16_000
MRZ_LINE = 44


class MrzForm(forms.Form):
    """The 2 lines of 44 characters at the bottom of a passport's photo page."""

    mrz = forms.CharField(
        label=_("Machine-readable zone"),
        max_length=200,
        strip=True,
        widget=forms.Textarea,
        error_messages={
            "required": _("Enter the 2 lines at the bottom of the passport's photo page"),
            "max_length": _("Enter only the 2 lines of 44 characters"),
        },
    )

    def clean_mrz(self) -> str:
        lines, self.cleaned_data["document"] = mrz_read(self.cleaned_data["mrz"])
        return lines


def mrz_read(text: str) -> tuple[str, DocumentRef]:
    """A passport's machine-readable zone (2 lines of 44 characters) and the passport it names,
    normalised as links store it (the MRZ's ``D`` for Germany is ``DEU``); raises a translated
    ``ValidationError`` naming what is wrong."""
    lines = [line.strip() for line in text.upper().splitlines() if line.strip()]
    if len(lines) != 2 or any(len(line) != MRZ_LINE for line in lines):
        raise ValidationError(
            _(
                "Enter the 2 lines of 44 characters from the bottom of the passport's photo "
                "page, each on its own line, with every < character"
            ),
            code="mrz_shape",
        )
    try:
        zone = parse_mrz("\n".join(lines))
    except MRZError as error:
        raise ValidationError([str(problem) for problem in error.problems]) from None
    if zone.format is not MRZFormat.TD3 or not zone.document_code.startswith("P"):
        raise ValidationError(_("This is not a passport's machine-readable zone"))
    document = document_normalise(LinkScheme.PASSPORT, zone.document_number, zone.issuing_state)
    return "\n".join(lines), document


class PassportNumberForm(forms.Form):
    number = forms.CharField(
        label=_("Passport number"),
        max_length=64,
        error_messages={"required": _("Enter the passport number")},
    )
    issuing_state = forms.CharField(
        label=_("Issuing state"),
        max_length=8,
        help_text=_("The 3-letter code on the passport, for example GBR"),
        error_messages={"required": _("Enter the issuing state, for example GBR")},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        try:
            cleaned["document"] = document_normalise(
                LinkScheme.PASSPORT, cleaned["number"], cleaned["issuing_state"]
            )
        except ValidationError as invalid:
            on_state = invalid.code in {"issuing_state", "country_code", "specimen_state"}
            self.add_error("issuing_state" if on_state else "number", invalid)
        return cleaned


class QrForm(forms.Form):
    """A credential: its QR payload pasted, or a photo of its QR code (JPEG or PNG)."""

    payload = forms.CharField(
        label=_("QR code text"),
        required=False,
        max_length=MAX_PAYLOAD_CHARACTERS,
        widget=forms.Textarea,
        error_messages={"max_length": _("This is too long to be a OneGate credential")},
    )
    photo = forms.FileField(label=_("Or upload a photo of the QR code"), required=False)

    def clean_photo(self) -> bytes | None:
        photo = self.cleaned_data.get("photo")
        if not photo:
            return None
        if photo.size > MAX_PHOTO_BYTES:
            raise ValidationError(_("The photo must be smaller than 10 MB"), code="size")
        data = photo.read()
        _check_image(data)
        return bytes(data)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        payload, photo = (cleaned.get("payload") or "").strip(), cleaned.get("photo")
        if payload and photo:
            self.add_error("payload", _("Paste the QR code text or upload a photo, not both"))
        elif photo:
            cleaned["payload"] = _read_qr(self, photo)
        elif not payload:
            self.add_error("payload", _("Paste the QR code text or upload a photo of the QR code"))
        else:
            cleaned["payload"] = "".join(payload.split())
        return cleaned


class GateQrForm(QrForm):
    """The gate's QR code, with the passport's machine-readable zone if the officer has it: the
    QR code must then be for that passport."""

    qr_mrz = forms.CharField(
        label=_("Machine-readable zone of the passport in hand (optional)"),
        required=False,
        max_length=200,
        strip=True,
        widget=forms.Textarea,
        error_messages={"max_length": _("Enter only the 2 lines of 44 characters")},
    )

    def clean_qr_mrz(self) -> DocumentRef | None:
        text = self.cleaned_data.get("qr_mrz") or ""
        return mrz_read(text)[1] if text else None


def _check_image(data: bytes) -> None:
    """Only JPEG and PNG, opened by Pillow, not absurdly large once decoded."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, (width, height) = image.format, image.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        kind, width, height = None, 0, 0
    if kind not in PHOTO_FORMATS:
        raise ValidationError(_("The photo must be a JPEG or PNG image"), code="format")
    if width * height > MAX_PHOTO_PIXELS:
        raise ValidationError(_("The photo is too large: take it again, closer"), code="pixels")


def _read_qr(form: forms.Form, photo: bytes) -> str:
    from onegate_verify.errors import VerifyError
    from onegate_verify.qr import qr_decode

    try:
        return qr_decode(photo).strip()
    except VerifyError:
        form.add_error(
            "photo",
            _(
                "No QR code could be read in the photo. Take it again, with the whole QR code "
                "in view and in focus"
            ),
        )
        return ""
