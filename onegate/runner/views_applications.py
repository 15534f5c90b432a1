"""'Your applications' (``/account/applications/``): the person's unsent applications, to
continue or delete (with the day each is kept until), and the ones they sent, with their
reference. Found only through ``selectors.applications_of``: their own account's, and those
where they are the person applying (started for them at a service centre: the page says where,
when and with which document their identity was checked). Under each sent application, where it
stands for each person it is for, from the status providers (``status.statuses_for``: the cases
app's, once registered); then the applications someone else sent for people the user acts for
(the other parent's, say), which only the providers know of. Its cost does not grow with the
number of applications: one query for them, one for the newest published versions, one for the
centres' names, and a fixed few for the providers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from onegate.catalogue.selectors import catalogue_current
from onegate.core.languages import format_date, pick
from onegate.definitions.selectors import definitions_published
from onegate.runner.constants import AppliesAs
from onegate.runner.models import Application
from onegate.runner.selectors import application_compiled, applications_of, centre_names
from onegate.runner.status import StatusLine, statuses_for
from onegate.runner.views import continue_url, signed_in, subject_names

__all__ = ["ApplicationRow", "OtherApplication", "applications"]


@dataclass(frozen=True)
class ApplicationRow:
    """One application on "Your applications"."""

    application: Application
    title: str
    whom: str  # "" when it is for the person themselves
    continue_url: str = ""
    newer: bool = False  # a newer version of the service is published (a draft carries on)
    assisted: str = ""  # "Started with you at … on …, identity checked with …" (a centre's)
    statuses: tuple[StatusLine, ...] = ()  # where it stands, per person (sent ones)


@dataclass(frozen=True)
class OtherApplication:
    """An application someone else sent for a person the user acts for: only its lines."""

    title: str
    sent_on: dt.date | None
    statuses: tuple[StatusLine, ...]


# The document the officer checked, as the person reads it about themselves.
CHECKED_WITH_YOUR = {
    "id_card": gettext_lazy("your Thai national ID card"),
    "passport": gettext_lazy("your passport"),
    "other": gettext_lazy("an official document with a photo"),
}


def _assisted_line(one: Application, centres: dict[str, dict[str, str]]) -> str:
    """Where, when and how an application started with the person at a centre was begun."""
    if one.assisted_centre_id is None:
        return ""
    check = one.identity_check or {}
    document = CHECKED_WITH_YOUR.get(str(check.get("document")), CHECKED_WITH_YOUR["other"])
    centre = centres.get(str(one.assisted_centre_id))
    return _("Started with you at %(centre)s on %(date)s, identity checked with %(document)s") % {
        "centre": pick(centre) if centre else _("a service centre"),
        "date": format_date(one.created_at),
        "document": document,
    }


@never_cache
@require_safe
@signed_in
def applications(request: HttpRequest) -> HttpResponse:
    """The person's unsent applications (to continue or delete) and the ones they sent."""
    found = applications_of(user=request.user)
    catalogue = catalogue_current()
    drafts = [one for one in found if one.is_draft]
    newest = {one.slug: one.version_id for one in definitions_published()} if drafts else {}
    at_centres = [one.assisted_centre_id for one in found if one.assisted_centre_id]
    centres = centre_names(at_centres) if at_centres else {}

    def row(one: Application) -> ApplicationRow:
        entry = catalogue.service(one.service_slug)
        title = pick(entry.title) if entry else pick(application_compiled(one).model.title)
        whom = "" if one.applies_as == AppliesAs.SELF else ", ".join(subject_names(one))
        assisted = _assisted_line(one, centres)
        if not one.is_draft:
            return ApplicationRow(one, title, whom, assisted=assisted)
        newer = newest.get(one.service_slug) not in (None, one.definition_version_id)
        return ApplicationRow(one, title, whom, continue_url(one), newer, assisted)

    rows = [row(one) for one in found]
    sent = [one for one in rows if not one.application.is_draft]
    statuses = statuses_for([one.application for one in sent], request.user)
    context = {
        "drafts": [one for one in rows if one.application.is_draft],
        "submitted": [_with_statuses(one, statuses) for one in sent],
        "others": _others(statuses, {str(one.application.pk) for one in sent}),
    }
    return render(request, "runner/applications.html", context)


def _with_statuses(row: ApplicationRow, statuses: dict[str, list[StatusLine]]) -> ApplicationRow:
    lines = tuple(statuses.get(str(row.application.pk), ()))
    return replace(row, statuses=lines) if lines else row


def _others(statuses: dict[str, list[StatusLine]], listed: set[str]) -> list[OtherApplication]:
    """The applications only the providers know of, as they ordered them."""
    return [
        OtherApplication(lines[0].service_title, lines[0].sent_on, tuple(lines))
        for application_id, lines in statuses.items()
        if application_id not in listed and lines
    ]
