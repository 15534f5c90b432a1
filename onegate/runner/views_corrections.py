""" "Is this wrong?": the page beside a prefilled fact where a person tells the agency that keeps
it what is wrong (``runner:correction``, ``?person=<registry id>&page=<page id>``).

It shows the fact as the page showed it, with the register it comes from, and asks "Tell us what
is wrong and what it should say". Sending it opens a correction request with that agency
(``services.corrections.application_correction_request``) and goes back to the page the person
came from, with a banner saying who was told: the application carries on with the fact as the
register has it. Only for the people the application is for (anyone else: 404) and only while
it is a draft; another person's application is a 404, as on every runner page.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from onegate.catalogue.selectors import catalogue_current
from onegate.core.languages import current_language, format_number, pick
from onegate.definitions.language import CompiledDefinition
from onegate.definitions.language.model import AnyField
from onegate.registries.services.corrections import MAX_DESCRIPTION
from onegate.runner.facts import prefilled_value
from onegate.runner.fields import character_count_texts, fact_lines
from onegate.runner.journey import CHECK_SCREEN, fact_source, journey_of, subjects_visibility
from onegate.runner.models import Application
from onegate.runner.selectors import application_compiled, application_for
from onegate.runner.services.corrections import application_correction_request
from onegate.runner.services.drafts import ApplicationRefused
from onegate.runner.views import signed_in


def _fields_of(
    compiled: CompiledDefinition, alias: str, page_id: str, shown: frozenset[str]
) -> list[AnyField]:
    """The prefilled fields showing the fact ``alias`` that are ``shown`` for the person: those
    of the page the person came from, else every one in the definition."""
    found = [
        (page.id, one)
        for page in compiled.model.pages
        for one in page.fields
        if one.prefill and one.prefill.split(".")[0] == alias and one.id in shown
    ]
    on_page = [one for where, one in found if where == page_id]
    return on_page or [one for _where, one in found]


def _shown_for(
    application: Application, compiled: CompiledDefinition, person_id: str
) -> frozenset[str]:
    """The fields shown for this one person of the application: a field that their facts hide
    (a Thai name, for a child who has none) is not put to them as "not on record"."""
    pairs = zip(application.subjects or [], subjects_visibility(application, compiled), strict=True)
    return next(
        (
            seen.fields
            for subject, (_inputs, seen) in pairs
            if str(subject["person_id"]) == person_id
        ),
        frozenset(),
    )


def _back_url(application: Application, compiled: CompiledDefinition, page_id: str) -> str:
    """The page the person came from, when it is one they answer; else (``CHECK_SCREEN``, a
    page of facts only) check your answers."""
    if page_id and page_id != CHECK_SCREEN and journey_of(application, compiled).is_screen(page_id):
        kwargs = {"application_id": application.pk, "page_id": page_id}
        return reverse("runner:page", kwargs=kwargs)
    return reverse("runner:check", kwargs={"application_id": application.pk})


def _agency_name(slug: str) -> str:
    agency = catalogue_current().agency(slug) if slug else None
    return pick(agency.name) if agency is not None else _("the agency that keeps the record")


def _shown(
    application: Application, fields: list[AnyField], person_id: str, language: str
) -> tuple[list[dict[str, Any]], Any]:
    """The summary list rows of the fact as the page shows it, and the first fact shown."""
    rows: list[dict[str, Any]] = []
    first = None
    for one in fields:
        fact = prefilled_value(application, one, person_id)
        if fact is None:
            continue
        first = first or fact
        rows.append(
            {
                "key": pick(one.label, language),
                "lines": fact_lines(one, fact.value, language),
                "source": fact_source(fact, language) if fact.register else "",
            }
        )
    return rows, first


def _description_error(text: str) -> str | None:
    if not text.strip():
        return _("Enter what is wrong and what it should say")
    if len(text.strip()) > MAX_DESCRIPTION:
        return _("What is wrong must be %(count)s characters or fewer") % {
            "count": format_number(MAX_DESCRIPTION)
        }
    return None


@dataclass(frozen=True)
class _Asked:
    """What the page is about: a fact about one person of a draft, and where to go back to."""

    application: Application
    compiled: CompiledDefinition
    alias: str
    person_id: str
    person_name: str
    rows: list[dict[str, Any]]
    fact: Any  # FactShown: the first field's, for its register and agency
    back_url: str


def _asked(request: HttpRequest, application: Application, alias: str) -> _Asked:
    """The fact ``alias`` about the ``?person=`` of the application; 404 when it is not a fact
    of the definition shown in a prefilled field, or not about a person the draft is for."""
    compiled = application_compiled(application)
    person_id = request.GET.get("person", "")
    page_id = request.GET.get("page", "")
    subject = next(
        (s for s in application.subjects if person_id and str(s.get("person_id")) == person_id),
        None,
    )
    if subject is None or alias not in compiled.model.facts:
        raise Http404("no such fact about a person of this application")
    language = current_language()
    fields = _fields_of(compiled, alias, page_id, _shown_for(application, compiled, person_id))
    rows, fact = _shown(application, fields, person_id, language)
    if fact is None:
        raise Http404("no such fact about a person of this application")
    return _Asked(
        application=application,
        compiled=compiled,
        alias=alias,
        person_id=person_id,
        person_name=pick(subject.get("names") or {}, language),
        rows=rows,
        fact=fact,
        back_url=_back_url(application, compiled, page_id),
    )


def _sent(application: Application) -> HttpResponse:
    return HttpResponseRedirect(reverse("runner:sent", kwargs={"application_id": application.pk}))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def correction(request: HttpRequest, application_id: uuid.UUID, alias: str) -> HttpResponse:
    """The fact, where it comes from, and a box for what is wrong; POST tells its agency."""
    application = application_for(user=request.user, application_id=application_id, request=request)
    if not application.is_draft:
        return _sent(application)
    asked = _asked(request, application, alias)
    agency = _agency_name(asked.fact.agency)
    description, error = "", None
    if request.method == "POST":
        description = request.POST.get("description", "")
        error = _description_error(description)
        if error is None:
            try:
                application_correction_request(
                    actor=request.user,
                    application=application,
                    person_id=asked.person_id,
                    alias=alias,
                    description=description,
                )
            except ApplicationRefused as refused:
                return _refused(request, application, refused)
            except ValidationError as invalid:
                error = " ".join(str(text) for text in invalid.messages)
            else:
                messages.success(request, _told(agency))
                return HttpResponseRedirect(asked.back_url)
    context = {
        "application": application,
        "service_title": pick(asked.compiled.model.title),
        "person_name": asked.person_name,
        "several": len(application.subjects) > 1,
        "rows": asked.rows,
        "register": asked.fact.register,
        "agency": agency,
        "description": description,
        "error": error,
        "errors": [{"text": error, "href": "#description"}] if error else [],
        "max_length": MAX_DESCRIPTION,
        "count_texts": character_count_texts(),
        "back_url": asked.back_url,
        "action_url": request.get_full_path(),
    }
    return render(request, "runner/correction.html", context)


def _told(agency: str) -> str:
    return _(
        "We have told %(agency)s what is wrong. They will check their records and correct "
        "them. You can carry on with your application; it uses the details as the register "
        "has them now."
    ) % {"agency": agency}


def _refused(
    request: HttpRequest, application: Application, refused: ApplicationRefused
) -> HttpResponse:
    if refused.code == "not_draft":
        return _sent(application)
    if refused.code == "not_allowed":
        raise Http404("no such fact about a person of this application")
    messages.error(request, refused.message)  # expired meanwhile: deleted
    return HttpResponseRedirect(reverse("runner:applications"))
