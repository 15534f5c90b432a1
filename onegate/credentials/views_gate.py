"""The border gate: an officer (or a kiosk signed in as one) presents a passport and is answered.

Three ways, each a plain form that works without JavaScript: the passport's machine-readable zone,
the passport number with its issuing state, or the traveller's credential (QR text or a photo of
the QR code). The answer is one big panel — "Valid — until …" or "Not valid" — with no more than
the gate may be told. Every check is ``entitlement_check``'s, recorded as the officer's agency,
purpose "border_entry", so the traveller's "who looked at my data" shows the gate. A QR code is
verified first (``credential_check``), then the passport it discloses is checked.

Only staff with ``credentials.verify_credential`` (border officers) open it: signed-out people go
to sign in, everyone else is refused (403), as in the back office.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from onegate.core.languages import format_date, pick
from onegate.credentials.constants import DEFAULT_DISCLOSURES, CheckChannel, LinkScheme
from onegate.credentials.forms_gate import GateQrForm, MrzForm, PassportNumberForm
from onegate.credentials.verification import (
    CheckAnswer,
    Checker,
    DocumentRef,
    credential_check,
    document_normalise,
    entitlement_check,
)
from onegate.identity.permissions import StaffPermission, staff_agencies, staff_required
from onegate.pages.formerrors import error_list

GATE_ENTITLEMENT = "travel-authority"
GATE_PURPOSE = "border_entry"
FORMS: dict[str, type[forms.Form]] = {
    "mrz": MrzForm,
    "number": PassportNumberForm,
    "qr": GateQrForm,
}


@dataclass(frozen=True)
class GateResult:
    """What the panel says: valid or not, the one line under it, and what was checked — the
    passport, and for a QR code the holder it names, for the officer to compare with the
    passport in hand (a QR code is not bound to its holder: anyone can show a copy)."""

    valid: bool
    line: str
    checked: list[dict[str, str]] = field(default_factory=list)
    instruction: str = ""


@never_cache
@staff_required(StaffPermission.VERIFY_CREDENTIAL)
@require_http_methods(["GET", "POST"])
def gate(request: HttpRequest) -> HttpResponse:
    """The gate's page; a POST names its way (``way``) and is answered on the same page."""
    way = request.POST.get("way", "") if request.method == "POST" else ""
    bound: forms.Form | None = None
    result: GateResult | None = None
    if way in FORMS:
        bound = FORMS[way](request.POST, request.FILES)
        if bound.is_valid():
            result = _answer(request, way, bound.cleaned_data)
    context: dict[str, Any] = {
        "result": result,
        "way": way,
        "errors": error_list(bound) if bound is not None else [],
        # Each form bound only when it was the one sent (and had errors), so the others stay empty.
        **{
            f"{name}_form": bound if name == way and result is None and bound else cls()
            for name, cls in FORMS.items()
        },
    }
    return render(request, "credentials/gate.html", context)


def _checker(request: HttpRequest) -> Checker:
    """The officer's agency asks; the traveller sees the agency, never the officer's name."""
    agencies = staff_agencies(request.user, StaffPermission.VERIFY_CREDENTIAL)
    organisation = _agency_name(agencies[0]) if agencies else "OneGate"
    with translation.override("en"):
        label = _("Border officer")
    return Checker(
        relying_party=None,
        label=str(label),
        organisation=organisation,
        channel=CheckChannel.GATE,
        user=request.user,
        disclosures=DEFAULT_DISCLOSURES,
        accessor_id=str(request.user.pk),
    )


def _agency_name(slug: str) -> str:
    from onegate.catalogue.selectors import catalogue_current

    agency = catalogue_current().agency(slug)
    return pick(agency.name, "en") if agency is not None else slug


def _answer(request: HttpRequest, way: str, cleaned: dict[str, Any]) -> GateResult:
    holder: list[dict[str, str]] = []
    if way == "qr":
        presented = _credential_presented(cleaned["payload"], cleaned.get("qr_mrz"))
        if isinstance(presented, GateResult):
            return presented
        document, holder = presented
    else:
        document = cleaned["document"]
    answer = entitlement_check(
        document=document,
        entitlement_type=GATE_ENTITLEMENT,
        on=timezone.localdate(),
        purpose=GATE_PURPOSE,
        checker=_checker(request),
    )
    checked = _document_rows(document) + holder
    instruction = _("Check that the name and date of birth match the passport in hand.")
    return _result(answer, checked, instruction if holder else "")


def _credential_presented(
    payload: str, passport_in_hand: DocumentRef | None
) -> tuple[DocumentRef, list[dict[str, str]]] | GateResult:
    """The passport and holder a genuine travel-authority credential discloses, or the refusal.

    Refused unless it shows the passport number and the holder's name (without them nobody can
    tell it is the traveller's own), and refused when it is for another passport than the
    machine-readable zone the officer entered.
    """
    verdict = credential_check(payload=payload)
    claims = verdict.claims
    if not verdict.valid or claims.get("entitlement_type") != GATE_ENTITLEMENT:
        return GateResult(False, _("The QR code is not a valid credential."))
    try:
        document = document_normalise(
            LinkScheme.PASSPORT,
            str(claims.get("document_number", "")),
            str(claims.get("issuing_state", "")),
        )
    except ValidationError:
        return GateResult(
            False,
            _(
                "This QR code does not show the passport number, so it cannot be matched to a "
                "passport."
            ),
        )
    name = " ".join(str(claims.get(part) or "") for part in ("given_name", "family_name")).strip()
    if not name:
        return GateResult(
            False,
            _(
                "This QR code does not show the holder's name, so it cannot be matched to a "
                "passport."
            ),
            checked=_document_rows(document),
        )
    if passport_in_hand is not None and passport_in_hand != document:
        return GateResult(
            False,
            _("The QR code is for another passport."),
            checked=_document_rows(document),
        )
    return document, _holder_rows(name, claims.get("birthdate"))


def _document_rows(document: DocumentRef) -> list[dict[str, str]]:
    return [
        {"label": _("Passport number"), "value": document.number},
        {"label": _("Issuing state"), "value": document.issuing_state},
    ]


def _holder_rows(name: str, birthdate: Any) -> list[dict[str, str]]:
    rows = [{"label": _("Name"), "value": name}]
    try:
        born = _date(dt.date.fromisoformat(str(birthdate)))
    except ValueError:
        born = _("Not shown")
    return [*rows, {"label": _("Date of birth"), "value": born}]


def _result(answer: CheckAnswer, checked: list[dict[str, str]], instruction: str) -> GateResult:
    if not answer.valid:
        return GateResult(
            False, _("There is no valid travel authority for this passport."), checked
        )
    title = pick(answer.title) if answer.title else _("Travel authority")
    if answer.valid_until is None:
        return GateResult(True, title, checked, instruction)
    line = _("%(title)s until %(date)s") % {"title": title, "date": _date(answer.valid_until)}
    return GateResult(True, line, checked, instruction)


def _date(value: dt.date) -> str:
    return format_date(value)
