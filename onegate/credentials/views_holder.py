"""The holder's pages: "Your entitlements" (theirs and those of people they act for), one
entitlement with its status and history, its credential as a QR code, a file and a printable
card, who checked it, and "report it lost".

Every page finds the entitlement through ``selectors.entitlement_for_holder``: anyone who is not
its holder (or acting for them) gets a 404. "Report it lost" goes through the service, which
checks again under the row lock; its refusals (``EntitlementRefused``) are shown with their
reason, status 409, and nothing changed.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from onegate.catalogue.selectors import catalogue_current
from onegate.core.languages import current_language, format_date, pick
from onegate.credentials.card_pdf import card_pdf_bytes
from onegate.credentials.constants import (
    CheckResult,
    CredentialStatus,
    EntitlementStatus,
    LinkScheme,
)
from onegate.credentials.forms_holder import ClaimsForm, LostForm, disclosure_names
from onegate.credentials.models import Credential, Entitlement, EntitlementLink
from onegate.credentials.qr import qr_svg_data_uri
from onegate.credentials.selectors import entitlement_for_holder, entitlements_for_holder
from onegate.credentials.services import EntitlementRefused, entitlement_report_lost
from onegate.identity.selectors import person_id_for

__all__ = [
    "card",
    "current_credential",
    "detail",
    "download",
    "entitlement_checks",
    "entitlement_facts",
    "entitlement_history",
    "entitlements",
    "lost",
    "status_colour",
]

SD_JWT_MEDIA_TYPE = "application/dc+sd-jwt"
MASK = "\u2022"  # •
SHOWN_DIGITS = 4
CHECKS_SHOWN = 100
STATUS_COLOURS = {
    EntitlementStatus.ACTIVE: "green",
    EntitlementStatus.SUSPENDED: "yellow",
    EntitlementStatus.REVOKED: "red",
    EntitlementStatus.EXPIRED: "grey",
}
# The purposes the demo's relying parties state, in words; any other is shown as given.
PURPOSES = {
    "border_entry": gettext_lazy("Entry at the border"),
    "treatment": gettext_lazy("Medical treatment"),
    "employment_check": gettext_lazy("Checking a licence for a job"),
}
SYSTEM_LABELS = {"", "system", "onegate"}
HOLDER_LABEL = "holder"


# --- what the pages show (the staff's pages too) ------------------------------------------------


def status_colour(status: str) -> str:
    return STATUS_COLOURS.get(status, "grey")  # type: ignore[call-overload]


def current_credential(found: Entitlement) -> Credential | None:
    """The credential in use: the newest valid one (a lost one is suspended, never reused)."""
    return found.credentials.filter(status=CredentialStatus.VALID).order_by("-issued_at").first()


def masked(value: str) -> str:
    """``"•••••4567"``: enough of a document number to recognise it, not to copy it."""
    if len(value) <= SHOWN_DIGITS:
        return MASK * len(value)
    return MASK * (len(value) - SHOWN_DIGITS) + value[-SHOWN_DIGITS:]


def _link_text(link: EntitlementLink, hide: bool) -> str:
    number = masked(link.value) if hide else link.value
    if link.scheme == LinkScheme.PASSPORT:
        return _("Passport %(number)s (%(state)s)") % {
            "number": number,
            "state": link.issuing_state,
        }
    if link.scheme == LinkScheme.NATIONAL_ID:
        return _("National ID card %(number)s") % {"number": number}
    return _("The population register's record of the person")


def _organisation_in(stored: str, language: str) -> str:
    """A check's organisation, stored as an agency's English name (the gate) or a relying
    party's own name: an agency's is shown in ``language``, anything else as it is."""
    for agency in catalogue_current().agencies.values():
        if pick(agency.name, "en") == stored:
            return pick(agency.name, language)
    return stored


def agency_name(slug: str, language: str) -> str:
    agency = catalogue_current().agency(slug)
    return pick(agency.name, language) if agency is not None else slug


def entitlement_facts(
    found: Entitlement, language: str, *, hide_numbers: bool
) -> list[dict[str, Any]]:
    """The summary list's rows: reference, for whom, granted by, dates, links, conditions."""
    until = format_date(found.valid_until, language) if found.valid_until else _("No end date")
    links = [_link_text(link, hide_numbers) for link in found.links.all()]
    conditions = [pick(condition, language) for condition in found.conditions]
    return [
        {"key": _("Reference"), "value": found.reference, "identifier": True},
        {"key": _("For"), "value": pick(found.holder_names, language)},
        {"key": _("Granted by"), "value": agency_name(found.agency_slug, language)},
        {"key": _("Valid from"), "value": format_date(found.valid_from, language)},
        {"key": _("Valid until"), "value": until, "id": "valid-until"},
        {"key": _("Linked to"), "lines": links or [_("Nothing")], "id": "linked-to"},
        {"key": _("Conditions"), "lines": conditions or [_("None")]},
    ]


def _by(label: str, found: Entitlement, language: str) -> str:
    """Who did it, as the holder is told: OneGate, the holder, or the agency that granted it
    (the services write the agency's name for an officer: never the officer's)."""
    key = label.strip().lower()
    if key in SYSTEM_LABELS:
        return "OneGate"
    if key == HOLDER_LABEL:
        return _("The holder")
    return agency_name(found.agency_slug, language)


def entitlement_history(found: Entitlement, language: str) -> list[dict[str, Any]]:
    return [
        {
            "at": event.at,
            "title": event.get_kind_display(),
            "by": _by(event.actor_label, found, language),
            "reason": event.reason,
        }
        for event in found.events.all()
    ]


def entitlement_checks(found: Entitlement) -> list[dict[str, Any]]:
    """Who checked it, newest first (the last ``CHECKS_SHOWN``), in the page's language."""
    checks = found.checks.order_by("-checked_at")[:CHECKS_SHOWN]
    language = current_language()
    return [
        {
            "at": check.checked_at,
            "organisation": _organisation_in(check.organisation, language),
            # stored in English ("Border officer"): a known label reads in the page's language
            "checked_by": _(check.checked_by) if check.checked_by else "",
            "channel": check.get_channel_display(),
            "purpose": str(PURPOSES.get(check.purpose, check.purpose)),
            "result": check.get_result_display(),
            "valid": check.result == CheckResult.VALID,
        }
        for check in checks
    ]


# --- the pages ---------------------------------------------------------------------------------


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@require_safe
@login_required
def entitlements(request: HttpRequest) -> HttpResponse:
    """Every entitlement of the person and of the people they act for, grouped by person."""
    mine = person_id_for(request.user)
    groups: dict[str, dict[str, Any]] = {}
    for found in entitlements_for_holder(user=request.user):
        key = str(found.holder_id)
        group = groups.setdefault(
            key, {"name": pick(found.holder_names), "is_you": key == mine, "entitlements": []}
        )
        group["entitlements"].append(
            {
                "entitlement": found,
                "title": pick(found.title),
                "status_label": found.get_status_display(),
                "status_colour": status_colour(found.status),
            }
        )
    ordered = sorted(groups.values(), key=lambda g: (not g["is_you"], g["name"]))
    return render(request, "credentials/holder/list.html", {"groups": ordered})


def _found(request: HttpRequest, entitlement_id: uuid.UUID) -> Entitlement:
    return entitlement_for_holder(user=request.user, entitlement_id=entitlement_id)


def _page_context(request: HttpRequest, found: Entitlement) -> dict[str, Any]:
    language = current_language()
    return {
        "entitlement": found,
        "title": pick(found.title, language),
        "person": pick(found.holder_names, language),
        "status_label": found.get_status_display(),
        "status_colour": status_colour(found.status),
        "facts": entitlement_facts(found, language, hide_numbers=True),
        "history": entitlement_history(found, language),
        "checks": entitlement_checks(found),
        "is_active": found.status == EntitlementStatus.ACTIVE,
        # A parent or delegate may be looking at someone else's: the page then names them.
        "is_yours": str(found.holder_id) == person_id_for(request.user),
        "case_url": (
            reverse("cases:case", kwargs={"reference": found.case.reference})
            if found.case.user_id == request.user.pk
            else ""
        ),
    }


@never_cache
@require_safe
@login_required
def detail(request: HttpRequest, entitlement_id: uuid.UUID) -> HttpResponse:
    """One entitlement: status, history, what it is linked to, its QR code, who checked it."""
    found = _found(request, entitlement_id)
    context = _page_context(request, found)
    credential = current_credential(found) if context["is_active"] else None
    if credential is not None:
        form = ClaimsForm(
            request.GET, available=disclosure_names(credential.token), yours=context["is_yours"]
        )
        context |= {
            "credential": credential,
            "claims_form": form,
            "qr_data_uri": qr_svg_data_uri(_presentation(credential.token, form.reveal())),
        }
    return render(request, "credentials/holder/detail.html", context)


def _presentation(token: str, reveal: list[str]) -> str:
    from onegate_verify.sdjwt import sd_jwt_present

    return sd_jwt_present(token, reveal=reveal)


@never_cache
@require_safe
@login_required
def download(request: HttpRequest, entitlement_id: uuid.UUID) -> HttpResponse:
    """The credential as a file (the SD-JWT with every disclosure), for a wallet or a verifier."""
    found = _found(request, entitlement_id)
    credential = current_credential(found)
    if credential is None or found.status != EntitlementStatus.ACTIVE:
        return _no_credential(request, found)
    response = HttpResponse(credential.token, content_type=SD_JWT_MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{found.reference}.sd-jwt"'
    return _private(response)


@never_cache
@require_safe
@login_required
def card(request: HttpRequest, entitlement_id: uuid.UUID) -> HttpResponse:
    """A printable card (PDF): what it is, for whom, until when, the reference and the QR code."""
    found = _found(request, entitlement_id)
    credential = current_credential(found)
    if credential is None or found.status != EntitlementStatus.ACTIVE:
        return _no_credential(request, found)
    language = current_language()
    response = HttpResponse(
        card_pdf_bytes(found, credential, language), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="card-{found.reference}.pdf"'
    return _private(response)


def _no_credential(request: HttpRequest, found: Entitlement) -> HttpResponse:
    """An entitlement that cannot be used now has no credential to give: the page says why."""
    context = _page_context(request, found) | {
        "errors": [{"text": _no_credential_text(found), "href": "#status"}]
    }
    return render(request, "credentials/holder/detail.html", context, status=409)


def _no_credential_text(found: Entitlement) -> str:
    if found.status == EntitlementStatus.ACTIVE:
        return _("There is no digital credential for this yet. Try again in a few minutes.")
    return _("This is %(status)s, so there is no credential to use.") % {
        "status": found.get_status_display().lower()
    }


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def lost(request: HttpRequest, entitlement_id: uuid.UUID) -> HttpResponse:
    """ "Report it lost?" — then the old credential stops working and a new one is issued."""
    found = _found(request, entitlement_id)
    if request.method != "POST":
        return _lost_page(request, found)
    try:
        entitlement_report_lost(
            user=request.user,
            entitlement_id=found.pk,
            lock_version=LostForm(request.POST).version(),
        )
    except EntitlementRefused as refused:
        found.refresh_from_db()
        return _lost_page(request, found, problem=str(refused.message), status=409)
    messages.success(
        request,
        _(
            "You reported it lost. The old credential no longer works, even on a printed card. "
            "This is your new one."
        ),
    )
    return HttpResponseRedirect(reverse("entitlements:detail", args=[found.pk]))


def _lost_page(
    request: HttpRequest, found: Entitlement, *, problem: str = "", status: int = 200
) -> HttpResponse:
    context = _page_context(request, found) | {
        "errors": [{"text": problem, "href": "#id_lost"}] if problem else [],
        "problem": problem,
        "form_version": found.lock_version,
    }
    return render(request, "credentials/holder/lost.html", context, status=status)
