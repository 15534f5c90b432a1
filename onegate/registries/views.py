"""Registry staff pages: find a person by ID, passport or name, and view them with their links.

Only staff whose role carries ``registries.view_person`` (``identity.permissions.staff_can``:
registry officers, and service-centre officers for identity checks) may open them, and every
page that shows registry data asks why first: the purpose goes into each access record, which the
person will see. The purpose travels in the query string so every link from a result keeps it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

# Staff rights come from identity's staff roles, the one permission check of the platform.
from onegate.identity.permissions import staff_agencies, staff_required
from onegate.registries.adapters import AccessContext, RegistryError, registry
from onegate.registries.addresses import address_lines
from onegate.registries.constants import (
    DocumentStatus,
    IdentifierScheme,
    LinkKind,
    LinkSource,
    ResidenceKind,
    Sex,
)
from onegate.registries.forms import PersonSearchForm, PurposeForm
from onegate.registries.staff import staff_access

VIEW_PERMISSION = "registries.view_person"
SEARCH_PAGE = 20  # people shown at most; one more found means "narrow your search"

# Stored codes shown as words, in the reader's language.
LABELS = {
    "sex": dict(Sex.choices),
    "residence": dict(ResidenceKind.choices),
    "link": dict(LinkKind.choices),
    "source": dict(LinkSource.choices),
    "document": dict(DocumentStatus.choices),
}


def _access(request: HttpRequest, data: dict) -> AccessContext:
    # The reader's own agency goes on the person's access log (an officer of two agencies is
    # logged under both, in one field, rather than under a guess).
    organisation = ", ".join(staff_agencies(request.user, VIEW_PERMISSION))
    return staff_access(
        user=request.user,
        organisation=organisation,
        purpose_code=data["purpose"],
        reference=data.get("reference", ""),
    )


@require_safe
@staff_required(VIEW_PERMISSION)
def person_search(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET or None)
    context: dict = {"form": form, "results": None, "error": None}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            found = _search(data, _access(request, data))
            context["results"], context["more"] = found[:SEARCH_PAGE], len(found) > SEARCH_PAGE
        except RegistryError as error:
            context["error"] = error.message
        context["purpose_query"] = urlencode(
            {"purpose": data["purpose"], "reference": data["reference"]}
        )
    return render(
        request, "registries/staff_search.html", context, status=400 if form.errors else 200
    )


def _search(data: dict, access: AccessContext) -> list:
    adapter = registry()
    if data["national_id"]:
        found = adapter.person_find(
            scheme=IdentifierScheme.NATIONAL_ID, value=data["national_id"], access=access
        )
        return [found] if found else []
    if data["passport_number"]:
        found = adapter.person_find(
            scheme=IdentifierScheme.TRAVEL_DOCUMENT,
            value=data["passport_number"],
            issuing_state=data["passport_state"],
            access=access,
        )
        return [found] if found else []
    return adapter.people_search(
        name=data["name"], date_of_birth=data["date_of_birth"], limit=SEARCH_PAGE + 1, access=access
    )


@require_safe
@staff_required(VIEW_PERMISSION)
def person_detail(request: HttpRequest, person_id: str) -> HttpResponse:
    purpose = PurposeForm(request.GET or None)
    if not purpose.is_valid():
        return render(request, "registries/staff_purpose.html", {"form": purpose}, status=400)
    try:
        context = _person_context(_access(request, purpose.cleaned_data), str(person_id))
    except RegistryError as error:
        return render(
            request, "registries/staff_unavailable.html", {"error": error.message}, status=503
        )
    context["purpose_query"] = urlencode(purpose.cleaned_data)
    return render(request, "registries/staff_person.html", context)


def _person_context(access: AccessContext, person_id: str) -> dict[str, Any]:
    adapter = registry()
    person = adapter.person_get(person_id=person_id, access=access)
    if person is None:
        raise Http404("no such person")
    address = adapter.current_address(person_id=str(person_id), access=access)
    return {
        "person": person,
        "address": address,
        "address_lines": address_lines(address.value, get_language()) if address else [],
        "children": adapter.children_of(person_id=str(person_id), access=access),
        "guardians": adapter.guardians_of(person_id=str(person_id), access=access),
        "documents": adapter.travel_documents_of(person_id=str(person_id), access=access),
        "residence": adapter.residence_on(
            person_id=str(person_id), on=timezone.localdate(), access=access
        ),
        "labels": LABELS,
        "purpose_label": access.purpose,
    }
