"""Pages for agency administrators: who works in my agency, give someone a role, end a role.

Anyone whose role lets them see their agency's staff (``identity.view_staff``: administrators,
team leads, auditors) sees the list; only administrators (``identity.manage_staff``) grant and
end roles, and they confirm who they are again first (allauth's re-authentication), as for
any change that hands out access. The services check everything again and audit it.
"""

from __future__ import annotations

import uuid
from typing import Any

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from onegate.catalogue.selectors import catalogue_current
from onegate.core.languages import pick
from onegate.identity.forms_organisations import StaffGrantForm, apply_service_errors
from onegate.identity.models.organisations import StaffMembership
from onegate.identity.permissions import StaffPermission, staff_can, staff_required, staff_scope
from onegate.identity.selectors_organisations import staff_of_agency
from onegate.identity.services.organisations import (
    StaffChangeRefused,
    staff_role_end,
    staff_role_grant,
)

VIEW, MANAGE = StaffPermission.VIEW_STAFF, StaffPermission.MANAGE_STAFF


def _agency_name(slug: str) -> str:
    agency = catalogue_current().agency(slug)
    return pick(agency.name) if agency else slug


def _list_url(agency_slug: str) -> str:
    return reverse("identity:staff_list", kwargs={"agency_slug": agency_slug})


@never_cache
@require_safe
@staff_required(VIEW)
def staff_agencies(request: HttpRequest) -> HttpResponse:
    """The agencies whose staff the person may see; straight to the list when there is one."""
    slugs = sorted(staff_scope(request.user, VIEW))
    if len(slugs) == 1:
        return HttpResponseRedirect(_list_url(slugs[0]))
    agencies = [{"slug": slug, "name": _agency_name(slug)} for slug in slugs]
    return render(request, "identity/staff/agencies.html", {"agencies": agencies})


@never_cache
@require_safe
@staff_required(VIEW)
def staff_list(request: HttpRequest, agency_slug: str) -> HttpResponse:
    """Who works in the agency now, in which roles, and who left."""
    memberships = list(
        staff_of_agency(actor=request.user, agency_slug=agency_slug, include_ended=True)
    )
    context = {
        "agency_slug": agency_slug,
        "agency_name": _agency_name(agency_slug),
        "current": [m for m in memberships if m.ended_at is None],
        "former": [m for m in memberships if m.ended_at is not None],
        "can_manage": staff_can(request.user, MANAGE, agency_slug=agency_slug),
    }
    return render(request, "identity/staff/list.html", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@staff_required(MANAGE)
@reauthentication_required(allow_get=True)
def staff_grant(request: HttpRequest, agency_slug: str) -> HttpResponse:
    """Give someone a role in the agency."""
    if not staff_can(request.user, MANAGE, agency_slug=agency_slug):
        raise PermissionDenied(MANAGE)
    form = StaffGrantForm(
        request.POST if request.method == "POST" else None, agency_slug=agency_slug
    )
    if form.is_bound and form.is_valid():
        membership = _grant(request, form, agency_slug)
        if membership is not None:
            messages.success(
                request,
                _("%(email)s is now %(role)s.")
                % {"email": membership.user.email, "role": membership.get_role_display()},
            )
            return HttpResponseRedirect(_list_url(agency_slug))
    context = {"form": form, "agency_slug": agency_slug, "agency_name": _agency_name(agency_slug)}
    return render(request, "identity/staff/grant.html", context, status=400 if form.errors else 200)


def _grant(request: HttpRequest, form: StaffGrantForm, agency_slug: str) -> StaffMembership | None:
    data = form.cleaned_data
    try:
        return staff_role_grant(
            actor=request.user,  # type: ignore[arg-type]
            user=data["email"],
            role=data["role"],
            agency_slug=agency_slug,
            centre=data["centre"],
            team=data["team"],
        )
    except StaffChangeRefused as refusal:
        field = "email" if refusal.code == "self_grant" else None
        form.add_error(field, refusal.message)
    except ValidationError as error:
        apply_service_errors(form, error, {"user": "email", "agency_slug": "role"})
    return None


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@staff_required(MANAGE)
@reauthentication_required(allow_get=True)
def staff_end(request: HttpRequest, membership_id: uuid.UUID) -> HttpResponse:
    """Confirm, then end one role (a leaver, or someone changing job)."""
    membership = _managed_membership(request, membership_id)
    context: dict[str, Any] = {
        "membership": membership,
        "agency_name": _agency_name(membership.agency_slug),
        "error": None,
    }
    if request.method == "POST":
        try:
            staff_role_end(actor=request.user, membership=membership)  # type: ignore[arg-type]
        except (StaffChangeRefused, ValidationError) as refusal:
            context["error"] = _message_of(refusal)
        else:
            messages.success(
                request,
                _("%(email)s is no longer %(role)s.")
                % {"email": membership.user.email, "role": membership.get_role_display()},
            )
            return HttpResponseRedirect(_list_url(membership.agency_slug))
    status = 400 if context["error"] else 200
    return render(request, "identity/staff/end.html", context, status=status)


def _managed_membership(request: HttpRequest, membership_id: uuid.UUID) -> StaffMembership:
    """A current role in an agency the person administers; 404 for any other, so none leaks."""
    found = (
        StaffMembership.objects.select_related("user", "team", "centre")
        .filter(pk=membership_id, ended_at__isnull=True)
        .first()
    )
    if found is None or not staff_can(request.user, MANAGE, agency_slug=found.agency_slug):
        raise Http404("no such role")
    return found


def _message_of(refusal: StaffChangeRefused | ValidationError) -> str:
    if isinstance(refusal, StaffChangeRefused):
        return str(refusal.message)
    return " ".join(refusal.messages)
