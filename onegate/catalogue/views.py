"""Catalogue pages: the home page (the front door), search, services, life events and agencies.

Every page reads the in-memory catalogue (``selectors.catalogue_current``), so each costs at
most one primary-key query however many services it lists, and the parts of a page drawn only
from catalogue data are rendered once per catalogue revision (``fragments``). All pages are plain
GET pages that work without JavaScript; the search box is an ordinary GET form.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from onegate.catalogue.constants import LEVEL_EXPLANATIONS, SEARCH_QUERY_MAX_LENGTH
from onegate.catalogue.fragments import fragment_cache
from onegate.catalogue.selectors import (
    Catalogue,
    SearchProblem,
    ServiceEntry,
    catalogue_current,
    services_search,
)
from onegate.core.languages import current_language
from onegate.definitions.selectors import definition_published_version

SEARCH_ERRORS = {
    SearchProblem.TOO_LONG: _("Search words must be %(max)s characters or fewer"),
    SearchProblem.NO_WORDS: _("Enter words to search for, using letters or numbers"),
}


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    catalogue = catalogue_current()
    context = {
        "life_events": catalogue.life_events,
        "popular_services": catalogue.popular_services,
    }
    return _render(request, "catalogue/home.html", catalogue, context)


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    catalogue = catalogue_current()
    outcome = services_search(catalogue=catalogue, query=request.GET.get("q", ""))
    error = SEARCH_ERRORS.get(outcome.problem) if outcome.problem else None
    context = {
        "outcome": outcome,
        "error": error % {"max": SEARCH_QUERY_MAX_LENGTH} if error else None,
        "life_events": catalogue.life_events,
        "popular_services": catalogue.popular_services,
    }
    return _render(request, "catalogue/search.html", catalogue, context)


@require_safe
def service_list(request: HttpRequest) -> HttpResponse:
    catalogue = catalogue_current()
    language = current_language()
    context = {
        "services": catalogue.services_a_to_z(language),
        "agencies": catalogue.agencies_a_to_z(language),
    }
    return _render(request, "catalogue/service_list.html", catalogue, context)


@require_safe
def service_detail(request: HttpRequest, slug: str) -> HttpResponse:
    catalogue = catalogue_current()
    service = _service_or_404(catalogue, slug)
    context = {
        "service": service,
        "life_events": catalogue.life_events_of(service),
        "level_explanation": LEVEL_EXPLANATIONS[service.level_of_assurance],
        "appointment": _appointment_service(catalogue, service),
    }
    return _render(request, "catalogue/service_detail.html", catalogue, context)


@require_safe
def service_start(request: HttpRequest, slug: str) -> HttpResponse:
    """Where "Start now" leads: the service runner when the service's definition is published,
    else a page saying the online form is not ready yet."""
    catalogue = catalogue_current()
    service = _service_or_404(catalogue, slug)
    if not service.is_live:
        return redirect("catalogue:service", slug=service.slug)
    if definition_published_version(slug=service.slug) is not None:
        return redirect("runner:start", service_slug=service.slug)
    return _render(request, "catalogue/service_start.html", catalogue, {"service": service})


@require_safe
def life_event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    catalogue = catalogue_current()
    event = catalogue.life_event(slug)
    if event is None:
        raise Http404("no such life event")
    context = {
        "event": event,
        "services": catalogue.services_for_life_event(event, current_language()),
        "other_events": [other for other in catalogue.life_events if other.slug != event.slug],
    }
    return _render(request, "catalogue/life_event_detail.html", catalogue, context)


@require_safe
def agency_detail(request: HttpRequest, slug: str) -> HttpResponse:
    catalogue = catalogue_current()
    agency = catalogue.agency(slug)
    if agency is None:
        raise Http404("no such agency")
    context = {
        "agency": agency,
        "services": catalogue.services_of_agency(agency, current_language()),
    }
    return _render(request, "catalogue/agency_detail.html", catalogue, context)


def _render(
    request: HttpRequest, template: str, catalogue: Catalogue, context: dict[str, Any]
) -> HttpResponse:
    context["cached"] = fragment_cache(catalogue, current_language())
    return render(request, template, context)


def _service_or_404(catalogue: Catalogue, slug: str) -> ServiceEntry:
    service = catalogue.service(slug)
    if service is None:
        raise Http404("no such service")
    return service


# The service that books a visit to a service centre: offered as the way to get help now when
# a service cannot be used online yet.
APPOINTMENT_SERVICE = "book-service-centre-appointment"


def _appointment_service(catalogue: Catalogue, service: ServiceEntry) -> ServiceEntry | None:
    appointment = catalogue.service(APPOINTMENT_SERVICE)
    if appointment is None or not appointment.is_live or appointment.slug == service.slug:
        return None
    return appointment
