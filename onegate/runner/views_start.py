"""Starting an application: "Who is this application for?", then the first question.

``start`` steps the person up to the service's level of assurance, offers the people they may
apply for here (themselves, their children and wards not older than the service allows, the
people who made them their delegate for it), offers an unsent application for the same people
first, and starts one (``services.application_start``, which checks everything again). Only a
POST starts: with one person to apply for, the GET is a page with one "Start your application"
button. When the
population register cannot be reached, nothing is started and the page says to try again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from onegate.core.languages import current_language, pick
from onegate.definitions.language import CompiledDefinition, age_on
from onegate.definitions.selectors import definition_published_version
from onegate.identity.acting import ActingOption, Relationship, family_unknown, people_i_act_for
from onegate.identity.assurance import session_level, step_up_url
from onegate.identity.constants import level_at_least
from onegate.registries.adapters import RegistryError
from onegate.runner.constants import AppliesAs
from onegate.runner.journey import eligibility_of_subjects, journey_of
from onegate.runner.models import Application
from onegate.runner.selectors import application_compiled, application_draft_find
from onegate.runner.services.applications import (
    ApplicationRefused,
    application_delete,
    application_start,
    application_subject_remove,
)
from onegate.runner.views import continue_url, go, resume_url, signed_in

__all__ = ["start", "whom_choices"]

APPLIES_AS = {
    Relationship.SELF: AppliesAs.SELF,
    Relationship.CHILD: AppliesAs.CHILD,
    Relationship.WARD: AppliesAs.WARD,
    Relationship.DELEGATION: AppliesAs.DELEGATION,
}
CHILDREN = (Relationship.CHILD, Relationship.WARD)


def _young_enough(compiled: CompiledDefinition, option: ActingOption) -> bool:
    """A child or ward not older than the service's ``child_max_age`` (a date of birth the
    register does not give is left to the service's own check and its rules)."""
    oldest = compiled.model.applicants.child_max_age
    if oldest is None or option.date_of_birth is None:
        return True
    return age_on(option.date_of_birth, timezone.localdate()) <= oldest


def whom_choices(
    compiled: CompiledDefinition, options: Sequence[ActingOption], service_slug: str
) -> list[ActingOption]:
    """The people the signed-in person may apply for here: themselves, their children and
    wards (not older than the service takes), and the people who made them their delegate for
    this service (as the definition allows)."""
    allowed = compiled.model.applicants
    chosen = []
    for option in options:
        if option.relationship == Relationship.SELF:
            ok = allowed.self
        elif option.relationship in CHILDREN:
            ok = allowed.child and _young_enough(compiled, option)
        else:
            ok = allowed.delegated and option.covers(service_slug)
        if ok:
            chosen.append(option)
    return chosen


def _several(compiled: CompiledDefinition, choices: Sequence[ActingOption]) -> bool:
    """Whether the question is checkboxes: several children at once."""
    children = [c for c in choices if c.relationship in CHILDREN]
    return compiled.model.applicants.several_children and len(children) > 1


def _chosen(
    request: HttpRequest, compiled: CompiledDefinition, choices: Sequence[ActingOption]
) -> tuple[list[ActingOption], str | None]:
    """The people picked on the "who is this for" form, or the error to show."""
    by_id = {choice.person_id: choice for choice in choices}
    if _several(compiled, choices):
        wanted = dict.fromkeys(request.POST.getlist("subjects"))
        picked = [by_id[pid] for pid in wanted if pid in by_id]
        if not picked:
            return [], _("Select who this application is for")
        kinds = {choice.relationship for choice in picked}
        if len(picked) > 1 and not kinds <= set(CHILDREN):
            return [], _(
                "You can apply for several children at once, but not for them and someone else "
                "in the same application"
            )
        return picked, None
    one = by_id.get(request.POST.get("subject", ""))
    return ([one], None) if one else ([], _("Select who this application is for"))


def _applies_as(subjects: Sequence[ActingOption]) -> str:
    kinds = {APPLIES_AS[subject.relationship] for subject in subjects}
    if len(kinds) == 1:
        return next(iter(kinds))
    return AppliesAs.CHILD  # children and wards together: a parent's or guardian's application


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def start(request: HttpRequest, service_slug: str) -> HttpResponse:
    """Start (or resume) an application to ``service_slug``: step up to the service's level,
    ask whom it is for (unless there is one choice), and go to the first question."""
    found = definition_published_version(slug=service_slug)
    if found is None:
        raise Http404("no published definition for this service")
    compiled = found[1]
    needed = compiled.model.level_of_assurance.value
    if not level_at_least(session_level(request), needed):
        return HttpResponseRedirect(step_up_url(needed, request.get_full_path()))
    context: dict[str, Any] = {
        "compiled": compiled,
        "service_slug": service_slug,
        "service_title": pick(compiled.model.title),
        "choices": [],
        "several": False,
        "errors": [],
        "selected": [],
    }
    if compiled.model.applicants.child and family_unknown(request.user):
        return _register_unreachable(request, context)  # whose parent they are: not known now
    options = people_i_act_for(request.user)
    if not options:
        return _not_linked(request)
    choices = whom_choices(compiled, options, service_slug)
    context.update(choices=choices, several=_several(compiled, choices))
    if not choices:
        return render(request, "runner/start.html", context)
    single = len(choices) == 1 and not context["several"]
    if request.method == "POST":
        if single and not request.POST.get("subject"):
            subjects, error = list(choices), None  # the one-button form: nobody to choose
        else:
            subjects, error = _chosen(request, compiled, choices)
        if error:
            context["errors"] = [{"text": error, "href": "#subject"}]
            return render(request, "runner/start.html", context)
        return _begin(request, service_slug, subjects, context)
    if single:
        return _one_button(request, service_slug, compiled, choices[0], context)
    return render(request, "runner/start.html", context)


def _documents(compiled: CompiledDefinition) -> list[str]:
    """What the person will be asked to upload (the file questions' labels), to have at hand."""
    return [
        pick(field.label)
        for page in compiled.model.pages
        for field in page.fields
        if field.type == "file"
    ]


def _one_button(
    request: HttpRequest,
    service_slug: str,
    compiled: CompiledDefinition,
    choice: ActingOption,
    context: dict[str, Any],
) -> HttpResponse:
    """One person to apply for: a page with a "Start your application" button (a POST), and
    the unsent application for them to continue, if any. A GET starts nothing and reads no
    facts: a prefetched or cross-site link cannot begin an application in the person's name."""
    context.update(single=choice, documents=_documents(compiled), selected=[choice.person_id])
    draft = application_draft_find(
        user=request.user, service_slug=service_slug, person_ids=[choice.person_id]
    )
    if draft is not None:
        context.update(draft=draft, draft_url=continue_url(draft))
    return render(request, "runner/start.html", context)


def _not_linked(request: HttpRequest) -> HttpResponse:
    try:
        proof_url: str | None = reverse("identity:proof")
    except NoReverseMatch:
        proof_url = None
    return render(request, "identity/acting/not_linked.html", {"proof_url": proof_url})


def _register_unreachable(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    """The population register did not answer: nothing started, try again later (503)."""
    context["unavailable"] = True
    return render(request, "runner/start.html", context, status=503)


def _begin(
    request: HttpRequest,
    service_slug: str,
    subjects: list[ActingOption],
    context: dict[str, Any],
) -> HttpResponse:
    """An unsent application for the same people is offered first; else a new one starts."""
    person_ids = [subject.person_id for subject in subjects]
    draft = application_draft_find(
        user=request.user, service_slug=service_slug, person_ids=person_ids
    )
    restart = request.method == "POST" and request.POST.get("restart") == "yes"
    if draft is not None and not restart:
        context.update(
            draft=draft,
            draft_url=resume_url(draft, journey_of(draft, application_compiled(draft))),
            selected=person_ids,
        )
        return render(request, "runner/start.html", context)
    if draft is not None:
        application_delete(actor=request.user, application=draft)
    try:
        application = application_start(
            actor=request.user,
            service_slug=service_slug,
            subjects=subjects,
            applies_as=_applies_as(subjects),
            language=current_language(),
            request=request,
        )
    except RegistryError:
        return _register_unreachable(request, context)
    except ApplicationRefused as refused:
        if refused.code == "not_published":
            raise Http404("no published definition for this service") from refused
        context.update(errors=[{"text": refused.message, "href": "#subject"}], selected=person_ids)
        return render(request, "runner/start.html", context)
    return _after_start(request, application)


def _after_start(request: HttpRequest, application: Application) -> HttpResponse:
    """Children the rules already refuse (from the register) leave the application, each named
    with the reason; when nobody is left, the reasons are the page."""
    compiled = application_compiled(application)
    verdicts = eligibility_of_subjects(compiled, application)
    refused = [(subject, result) for subject, result in verdicts if result.eligible is False]
    if refused and len(refused) == len(verdicts):
        return go("cannot_apply", application_id=application.pk)
    for subject, result in refused:
        application = application_subject_remove(
            actor=request.user, application=application, person_id=str(subject["person_id"])
        )
        messages.warning(
            request,
            _("%(name)s cannot be included in this application. %(reason)s")
            % {"name": pick(subject.get("names") or {}), "reason": pick(result.reason or {})},
        )
    return HttpResponseRedirect(resume_url(application, journey_of(application, compiled)))
