"""The citizen's application pages: whom it is for, one page of questions at a time, check your
answers, sent; saved for later, cannot apply, delete, and "your applications".

Every page needs sign-in; an application is found only through ``selectors.application_for``,
which gives a 404 (and an audit record) for anyone else's. The services check everything again.
Each page is a plain form that works without JavaScript; errors re-render the page (200) with
the GOV.UK error summary at the top and the person's input kept.

A question page GET reads the application once (its answers and facts are stored on it) and the
compiled definition from the cache: no registry call unless the facts are older than
``FACTS_FRESH_HOURS``, and nothing per field.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from onegate.catalogue.selectors import catalogue_current
from onegate.core.languages import current_language, pick
from onegate.definitions.language import CompiledDefinition
from onegate.definitions.language.model import Page
from onegate.definitions.selectors import definition_published_version
from onegate.identity.acting import ActingOption, Relationship, people_i_act_for
from onegate.identity.assurance import session_level, step_up_url
from onegate.identity.constants import level_at_least
from onegate.runner.constants import ApplicationStatus, AppliesAs
from onegate.runner.facts import prefilled_value
from onegate.runner.fields import PageForm, Widget, page_form
from onegate.runner.journey import (
    Journey,
    check_sections,
    eligibility_of_subjects,
    journey_of,
)
from onegate.runner.models import Application
from onegate.runner.selectors import (
    application_compiled,
    application_draft_find,
    application_for,
    applications_of,
)
from onegate.runner.services.applications import (
    ApplicationRefused,
    answers_checksum,
    application_delete,
    application_facts_refresh,
    application_page_save,
    application_start,
    application_subject_remove,
    application_submit,
)

View = Callable[..., HttpResponse]

APPLIES_AS = {
    Relationship.SELF: AppliesAs.SELF,
    Relationship.CHILD: AppliesAs.CHILD,
    Relationship.WARD: AppliesAs.WARD,
    Relationship.DELEGATION: AppliesAs.DELEGATION,
}


def signed_in(view: View) -> View:
    """Signed in, else to the sign-in page and back: before anything else is looked up."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return guarded


def _go(name: str, **kwargs: Any) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse(f"runner:{name}", kwargs=kwargs))


def _application(request: HttpRequest, application_id: uuid.UUID) -> Application:
    return application_for(user=request.user, application_id=application_id, request=request)


def _service_title(compiled: CompiledDefinition) -> str:
    """The title of the version the application is pinned to (not the catalogue's newest)."""
    return pick(compiled.model.title)


def _subject_names(application: Application) -> list[str]:
    return [pick(subject.get("names") or {}) for subject in application.subjects]


def _for_line(application: Application) -> str:
    """The caption "For Niran Jaidee and Malee Jaidee" when it is not for the person themselves."""
    if application.applies_as == AppliesAs.SELF:
        return ""
    *first, last = _subject_names(application)
    together = _("%(names)s and %(last)s") % {"names": ", ".join(first), "last": last}
    if not first:
        together = last
    return _("For %(names)s") % {"names": together}


def _page_url(application: Application, page_id: str, *, returning: bool = False) -> str:
    found = reverse("runner:page", kwargs={"application_id": application.pk, "page_id": page_id})
    return f"{found}?return=check" if returning else found


def _resume_url(application: Application, journey: Journey) -> str:
    """The first screen not answered yet, else "check your answers"."""
    missing = journey.resume(application.pages_done)
    if missing is not None:
        return _page_url(application, missing)
    return reverse("runner:check", kwargs={"application_id": application.pk})


def _continue_url(application: Application) -> str:
    """Where "continue" leads without working out the journey (the applications list)."""
    if application.resume_page:
        return _page_url(application, application.resume_page)
    return reverse("runner:check", kwargs={"application_id": application.pk})


def _fresh(request: HttpRequest, application: Application) -> Application:
    """The application with its registry facts read again when they are older than
    ``FACTS_FRESH_HOURS`` (fresh ones cost nothing: no query)."""
    try:
        return application_facts_refresh(
            actor=request.user, application=application, request=request
        )
    except ApplicationRefused:
        return application  # expired meanwhile: the save or the submission says so


def _draft_or_sent(
    request: HttpRequest, application_id: uuid.UUID
) -> tuple[Application, HttpResponse | None]:
    """The person's application; a redirect to its confirmation once it is sent."""
    application = _application(request, application_id)
    if application.status != ApplicationStatus.DRAFT:
        return application, _go("sent", application_id=application.pk)
    return application, None


def _expired(request: HttpRequest) -> HttpResponse:
    messages.error(
        request, _("That application was deleted because it was not sent in time. Start again.")
    )
    return _go("applications")


# --- who is this for --------------------------------------------------------------------------


def whom_choices(
    compiled: CompiledDefinition, options: Sequence[ActingOption], service_slug: str
) -> list[ActingOption]:
    """The people the signed-in person may apply for here: themselves, their children and
    wards, and the people who made them their delegate for this service (as the definition
    allows)."""
    allowed = compiled.model.applicants
    chosen = []
    for option in options:
        if option.relationship == Relationship.SELF:
            ok = allowed.self
        elif option.relationship in (Relationship.CHILD, Relationship.WARD):
            ok = allowed.child
        else:
            ok = allowed.delegated and option.covers(service_slug)
        if ok:
            chosen.append(option)
    return chosen


def _several(compiled: CompiledDefinition, choices: Sequence[ActingOption]) -> bool:
    """Whether the question is checkboxes: several children at once."""
    children = [c for c in choices if c.relationship in (Relationship.CHILD, Relationship.WARD)]
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
        if len(picked) > 1 and not kinds <= {Relationship.CHILD, Relationship.WARD}:
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
    options = people_i_act_for(request.user)
    if not options:
        return _not_linked(request)
    choices = whom_choices(compiled, options, service_slug)
    context: dict[str, Any] = {
        "compiled": compiled,
        "service_slug": service_slug,
        "service_title": pick(compiled.model.title),
        "choices": choices,
        "several": _several(compiled, choices),
        "errors": [],
        "selected": [],
    }
    if not choices:
        return render(request, "runner/start.html", context)
    if request.method == "POST":
        subjects, error = _chosen(request, compiled, choices)
        if error:
            context["errors"] = [{"text": error, "href": "#subject"}]
            return render(request, "runner/start.html", context)
        return _begin(request, service_slug, subjects, context)
    if len(choices) == 1 and request.method == "GET":  # not HEAD: that starts nothing
        return _begin(request, service_slug, choices, context)
    return render(request, "runner/start.html", context)


def _not_linked(request: HttpRequest) -> HttpResponse:
    try:
        proof_url: str | None = reverse("identity:proof")
    except NoReverseMatch:
        proof_url = None
    return render(request, "identity/acting/not_linked.html", {"proof_url": proof_url})


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
            draft_url=_resume_url(draft, journey_of(draft, application_compiled(draft))),
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
        return _go("cannot_apply", application_id=application.pk)
    for subject, result in refused:
        application = application_subject_remove(
            actor=request.user, application=application, person_id=str(subject["person_id"])
        )
        messages.warning(
            request,
            _("%(name)s cannot be included in this application. %(reason)s")
            % {"name": pick(subject.get("names") or {}), "reason": pick(result.reason or {})},
        )
    return HttpResponseRedirect(_resume_url(application, journey_of(application, compiled)))


# --- a page of questions ------------------------------------------------------------------------


def _page_of(compiled: CompiledDefinition, page_id: str) -> Page:
    for candidate in compiled.model.pages:
        if candidate.id == page_id:
            return candidate
    raise Http404("no such page in this service")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def page(request: HttpRequest, application_id: uuid.UUID, page_id: str) -> HttpResponse:
    """One page of questions: shown with the answers given so far; on POST saved when valid,
    then the next page (or "check your answers" after a change)."""
    application, sent = _draft_or_sent(request, application_id)
    if sent is not None:
        return sent
    compiled = application_compiled(application)
    shown = _page_of(compiled, page_id)
    if request.method != "POST":
        application = _fresh(request, application)
    journey = journey_of(application, compiled)
    if not journey.is_screen(page_id):
        return HttpResponseRedirect(_resume_url(application, journey))
    language = current_language()
    if request.method != "POST":
        form = page_form(compiled=compiled, page=shown, application=application, language=language)
        return _render_page(request, application, compiled, journey, form)
    form = page_form(
        compiled=compiled,
        page=shown,
        application=application,
        language=language,
        data=request.POST,
        files=request.FILES,
        actor=request.user,
    )
    return _page_post(request, application, compiled, journey, form)


def _returning(request: HttpRequest) -> bool:
    return request.GET.get("return") == "check"


def _page_post(
    request: HttpRequest,
    application: Application,
    compiled: CompiledDefinition,
    journey: Journey,
    form: PageForm,
) -> HttpResponse:
    page_id = form.page.id
    action = form.action
    if action == "continue" and not form.valid:
        return _render_page(request, application, compiled, journey, form)
    complete = action == "continue"
    try:
        application = application_page_save(
            actor=request.user,
            application=application,
            page_id=page_id,
            answers=form.answers,
            complete=complete,
            resume_page=(journey.after(page_id) or "") if complete else page_id,
        )
    except ApplicationRefused as refused:
        return _save_refused(request, application, refused)
    if action == "save":
        return _go("saved", application_id=application.pk)
    if not complete:  # add another, remove one, remove a file: the same page again
        return _render_page(request, application, compiled, journey_of(application, compiled), form)
    return _after_save(request, application, compiled, page_id)


def _save_refused(
    request: HttpRequest, application: Application, refused: ApplicationRefused
) -> HttpResponse:
    if refused.code == "not_draft":
        return _go("sent", application_id=application.pk)
    return _expired(request)


def _after_save(
    request: HttpRequest, application: Application, compiled: CompiledDefinition, page_id: str
) -> HttpResponse:
    """Eligibility for every subject, then the next screen (or back to check answers)."""
    verdicts = eligibility_of_subjects(compiled, application)
    if any(result.eligible is False for _subject, result in verdicts):
        found = reverse("runner:cannot_apply", kwargs={"application_id": application.pk})
        return HttpResponseRedirect(f"{found}?page={page_id}")
    journey = journey_of(application, compiled)
    missing = journey.resume(application.pages_done)
    if _returning(request):
        if missing is None:
            return _go("check", application_id=application.pk)
        return HttpResponseRedirect(_page_url(application, missing, returning=True))
    following = journey.after(page_id)
    if following is not None:
        return HttpResponseRedirect(_page_url(application, following))
    return HttpResponseRedirect(_resume_url(application, journey))


def _render_page(
    request: HttpRequest,
    application: Application,
    compiled: CompiledDefinition,
    journey: Journey,
    form: PageForm,
) -> HttpResponse:
    page_id = form.page.id
    returning = _returning(request)
    previous = journey.before(page_id)
    if returning:
        back = reverse("runner:check", kwargs={"application_id": application.pk})
    elif previous is not None:
        back = _page_url(application, previous)
    elif application.applies_as == AppliesAs.SELF:
        back = reverse("catalogue:service", kwargs={"slug": application.service_slug})
    else:
        back = reverse("runner:start", kwargs={"service_slug": application.service_slug})
    context = {
        "application": application,
        "page": form.page,
        "form": form,
        "widgets": form.widgets,
        "errors": form.errors,
        "title": pick(form.page.title),
        "service_title": _service_title(compiled),
        "for_line": _for_line(application),
        "back_url": back,
        "action_url": _page_url(application, page_id, returning=returning),
    }
    return render(request, "runner/page.html", context)


# --- check your answers and send ------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def check(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    """Every answer with a link to change it, the facts and where they come from, whom it is
    for, the declarations; "Accept and send" submits (once, whatever the double clicks)."""
    application, sent = _draft_or_sent(request, application_id)
    if sent is not None:
        return sent
    compiled = application_compiled(application)
    if request.method != "POST":
        application = _fresh(request, application)
    journey = journey_of(application, compiled)
    missing = journey.resume(application.pages_done)
    if missing is not None:
        return HttpResponseRedirect(_page_url(application, missing))
    if request.method != "POST":
        return _render_check(request, application, compiled, journey)
    declarations = _declarations(request, application, compiled, journey)
    if declarations is not None and not declarations.valid:
        return _render_check(request, application, compiled, journey, declarations)
    try:
        token = uuid.UUID(request.POST.get("submit_token", ""))
    except ValueError:
        token = uuid.uuid4()  # a form without its key is out of date: refused as stale
    try:
        application_submit(
            actor=request.user,
            application_id=application.pk,
            submit_token=token,
            answers_checksum=request.POST.get("answers_checksum", ""),
            declarations=dict(declarations.answers) if declarations is not None else None,
            language=current_language(),
        )
    except ApplicationRefused as refused:
        return _submit_refused(request, application_id, refused, declarations)
    return _go("sent", application_id=application.pk)


def _declarations(
    request: HttpRequest,
    application: Application,
    compiled: CompiledDefinition,
    journey: Journey,
) -> PageForm | None:
    """The declarations asked on this page (a last page of declarations), read from the POST."""
    if journey.declaration_page is None:
        return None
    return page_form(
        compiled=compiled,
        page=journey.declaration_page,
        application=application,
        language=current_language(),
        data=request.POST,
        actor=request.user,
    )


def _submit_refused(
    request: HttpRequest,
    application_id: uuid.UUID,
    refused: ApplicationRefused,
    declarations: PageForm | None,
) -> HttpResponse:
    """Each refusal to the page that lets the person put it right."""
    application = _application(request, application_id)
    if application.status != ApplicationStatus.DRAFT:
        return _go("sent", application_id=application.pk)
    if refused.code == "incomplete" and refused.page_id:
        return HttpResponseRedirect(_page_url(application, refused.page_id))
    if refused.code == "ineligible":
        return _go("cannot_apply", application_id=application.pk)
    if refused.code == "expired":
        return _expired(request)
    compiled = application_compiled(application)
    journey = journey_of(application, compiled)
    if refused.code == "incomplete":
        return HttpResponseRedirect(_resume_url(application, journey))
    text = refused.message
    if refused.code in ("changed", "stale_token"):
        text = _("Your answers changed in another tab or window. Check them and send again.")
    problem = [{"text": text, "href": "#check-answers"}]
    return _render_check(request, application, compiled, journey, declarations, problem)


def _prefilled(application: Application) -> Callable[[Any], list[tuple[str, Any]]]:
    """For a prefilled field: each subject's name and the fact shown for them."""

    def shown(one: Any) -> list[tuple[str, Any]]:
        found = []
        for subject in application.subjects:
            fact = prefilled_value(application, one, str(subject["person_id"]))
            if fact is not None:
                found.append((pick(subject.get("names") or {}), fact))
        return found

    return shown


def _person_names(
    application: Application, compiled: CompiledDefinition, journey: Journey
) -> dict[str, str]:
    """The names of the people a person field may hold, as its page offers them."""
    names = {
        str(subject["person_id"]): pick(subject.get("names") or {})
        for subject in application.subjects
    }
    for screen in journey.screens:
        if not any(_holds_person(one) for one in screen.fields):
            continue
        form = page_form(
            compiled=compiled, page=screen, application=application, language=current_language()
        )
        for widget in _all_widgets(form.widgets):
            if widget.type == "person":
                names |= {str(o.get("value")): str(o.get("text", "")) for o in widget.options}
    return names


def _holds_person(one: Any) -> bool:
    return one.type == "person" or any(_holds_person(inner) for inner in getattr(one, "fields", []))


def _all_widgets(widgets: Sequence[Widget]) -> list[Widget]:
    found = []
    for widget in widgets:
        found.append(widget)
        for item in widget.items:
            found += _all_widgets(item)
        found += _all_widgets(widget.reveal)
    return found


def _render_check(
    request: HttpRequest,
    application: Application,
    compiled: CompiledDefinition,
    journey: Journey,
    declarations: PageForm | None = None,
    problems: list[dict[str, str]] | None = None,
) -> HttpResponse:
    language = current_language()
    if declarations is None and journey.declaration_page is not None:
        declarations = page_form(
            compiled=compiled,
            page=journey.declaration_page,
            application=application,
            language=language,
        )
    sections = check_sections(
        compiled,
        journey,
        application.answers,
        _prefilled(application),
        language=language,
        person_names=_person_names(application, compiled, journey),
    )
    errors = list(problems or []) + (declarations.errors if declarations is not None else [])
    last = journey.screen_ids[-1] if journey.screens else None
    context = {
        "application": application,
        "service_title": _service_title(compiled),
        "for_line": _for_line(application),
        "subject_names": _subject_names(application),
        "applies_as": application.applies_as,
        "sections": sections,
        "declarations": declarations,
        "errors": errors,
        "submit_token": application.submit_token,
        "answers_checksum": answers_checksum(application),
        "back_url": _page_url(application, last) if last else "",
    }
    return render(request, "runner/check.html", context)


# --- after sending, saving, or being refused ---------------------------------------------------


@never_cache
@require_safe
@signed_in
def sent(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    """The confirmation: the reference, what happens next, a visit to book when one is needed."""
    application = _application(request, application_id)
    if application.status == ApplicationStatus.DRAFT:
        return _go("check", application_id=application.pk)
    compiled = application_compiled(application)
    model = compiled.model
    context = {
        "application": application,
        "service_title": _service_title(compiled),
        "for_line": _for_line(application),
        "sla_working_days": model.sla_working_days,
        "appointment": model.appointment,
        "appointment_url": reverse(
            "appointments:find", kwargs={"service_slug": application.service_slug}
        )
        if model.appointment
        else "",
    }
    return render(request, "runner/sent.html", context)


@never_cache
@require_safe
@signed_in
def saved(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    """Answers saved: until when, and the way back."""
    application, sent_page = _draft_or_sent(request, application_id)
    if sent_page is not None:
        return sent_page
    compiled = application_compiled(application)
    context = {
        "application": application,
        "service_title": _service_title(compiled),
        "for_line": _for_line(application),
        "continue_url": _continue_url(application),
    }
    return render(request, "runner/saved.html", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def cannot_apply(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    """Why the rules say no, for whom; with several children, carry on without those refused."""
    application, sent_page = _draft_or_sent(request, application_id)
    if sent_page is not None:
        return sent_page
    compiled = application_compiled(application)
    verdicts = eligibility_of_subjects(compiled, application)
    refused = [(subject, result) for subject, result in verdicts if result.eligible is False]
    journey = journey_of(application, compiled)
    if not refused:
        return HttpResponseRedirect(_resume_url(application, journey))
    others = len(refused) < len(verdicts)
    if request.method == "POST" and others:
        for subject, _result in refused:
            application = application_subject_remove(
                actor=request.user, application=application, person_id=str(subject["person_id"])
            )
        return HttpResponseRedirect(_resume_url(application, journey_of(application, compiled)))
    came_from = request.GET.get("page", "")
    back = came_from if journey.is_screen(came_from) else ""
    context = {
        "application": application,
        "service_title": _service_title(compiled),
        "reasons": [
            (pick(subject.get("names") or {}), pick(result.reason or {}))
            for subject, result in refused
        ],
        "several": len(verdicts) > 1,
        "others": others,
        "remaining": [
            pick(subject.get("names") or {})
            for subject, result in verdicts
            if result.eligible is not False
        ],
        "change_url": _page_url(application, back) if back else "",
    }
    return render(request, "runner/cannot_apply.html", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def delete(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    """Delete an unsent application (after a question), with its answers and files."""
    application, sent_page = _draft_or_sent(request, application_id)
    if sent_page is not None:
        return sent_page
    compiled = application_compiled(application)
    if request.method == "POST":
        application_delete(actor=request.user, application=application)
        messages.success(
            request,
            _("Your application to %(service)s has been deleted.")
            % {"service": _service_title(compiled)},
        )
        return _go("applications")
    context = {
        "application": application,
        "service_title": _service_title(compiled),
        "for_line": _for_line(application),
        "continue_url": _continue_url(application),
    }
    return render(request, "runner/delete.html", context)


# --- your applications ---------------------------------------------------------------------------


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
        whom = "" if one.applies_as == AppliesAs.SELF else ", ".join(_subject_names(one))
        if not one.is_draft:
            return ApplicationRow(one, title, whom)
        newer = newest.get(one.service_slug) not in (None, one.definition_version_id)
        return ApplicationRow(one, title, whom, _continue_url(one), newer)

    rows = [row(one) for one in found]
    context = {
        "drafts": [one for one in rows if one.application.is_draft],
        "submitted": [one for one in rows if not one.application.is_draft],
    }
    return render(request, "runner/applications.html", context)


def _published_id(slug: str) -> Any:
    found = definition_published_version(slug=slug)
    return found[0] if found else None
