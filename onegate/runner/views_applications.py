"""'Your applications' (``/account/applications/``): the person's unsent applications, to
continue or delete (with the day each is kept until), and the ones they sent, with their
reference. Found only through ``selectors.applications_of``: their own account's, and those
where they are the person applying (started for them at a service centre)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from onegate.catalogue.selectors import catalogue_current
from onegate.core.languages import pick
from onegate.definitions.selectors import definition_published_version
from onegate.runner.constants import AppliesAs
from onegate.runner.models import Application
from onegate.runner.selectors import application_compiled, applications_of
from onegate.runner.views import continue_url, signed_in, subject_names

__all__ = ["ApplicationRow", "applications"]


@dataclass(frozen=True)
class ApplicationRow:
    """One application on "Your applications"."""

    application: Application
    title: str
    whom: str  # "" when it is for the person themselves
    continue_url: str = ""
    newer: bool = False  # a newer version of the service is published (a draft carries on)


@never_cache
@require_safe
@signed_in
def applications(request: HttpRequest) -> HttpResponse:
    """The person's unsent applications (to continue or delete) and the ones they sent."""
    found = applications_of(user=request.user)
    catalogue = catalogue_current()
    drafts = [one for one in found if one.is_draft]
    newest = {slug: _published_id(slug) for slug in {one.service_slug for one in drafts}}

    def row(one: Application) -> ApplicationRow:
        entry = catalogue.service(one.service_slug)
        title = pick(entry.title) if entry else pick(application_compiled(one).model.title)
        whom = "" if one.applies_as == AppliesAs.SELF else ", ".join(subject_names(one))
        if not one.is_draft:
            return ApplicationRow(one, title, whom)
        newer = newest.get(one.service_slug) not in (None, one.definition_version_id)
        return ApplicationRow(one, title, whom, continue_url(one), newer)

    rows = [row(one) for one in found]
    context = {
        "drafts": [one for one in rows if one.application.is_draft],
        "submitted": [one for one in rows if not one.application.is_draft],
    }
    return render(request, "runner/applications.html", context)


def _published_id(slug: str) -> Any:
    found = definition_published_version(slug=slug)
    return found[0] if found else None
