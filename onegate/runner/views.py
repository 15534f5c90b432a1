"""The application's own pages: one page of questions at a time, check your answers, sent;
saved for later, cannot apply, delete. Starting ("who is this for?") is in ``views_start`` and
"your applications" in ``views_applications``; both use the helpers at the top of this module.

Every page needs sign-in; an application is found only through ``selectors.application_for``,
which gives a 404 (and an audit record) for anyone else's. The services check everything again.
Each page is a plain form that works without JavaScript; errors re-render the page (200) with
the GOV.UK error summary at the top and the person's input kept. A centre officer helping
with the application sees whom they are helping, and how they checked who it is, on each page.

A question page GET reads the application once (its answers and facts are stored on it) and the
compiled definition from the cache: no registry call unless the facts are older than
``FACTS_FRESH_HOURS`` (and when the register does not answer then, the facts already read do).
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from onegate.core.languages import current_language, pick
from onegate.definitions.language import CompiledDefinition
from onegate.definitions.language.model import Page
from onegate.registries.adapters import RegistryError
from onegate.runner.constants import ApplicationStatus, AppliesAs
from onegate.runner.facts import prefilled_value
from onegate.runner.fields import PageForm, correction_url, page_form, people_names
from onegate.runner.journey import (
    CHECK_SCREEN,
    Journey,
    check_sections,
    eligibility_of_subjects,
    journey_of,
)
from onegate.runner.models import Application
from onegate.runner.selectors import ApplicationExpired, application_compiled, application_for
from onegate.runner.services.applications import (
    ApplicationRefused,
    answers_checksum,
    application_delete,
    application_facts_refresh,
    application_page_save,
    application_subject_remove,
    application_submit,
)
from onegate.runner.signals import journey_event
from onegate.runner.signed_out_answers import answers_kept_take, answers_sent_signed_out_keep
from onegate.runner.uploads.limit import (
    TOO_LARGE_FLAG,
    page_upload_budget,
    upload_limit_install,
    upload_too_large_message,
)

View = Callable[..., HttpResponse]

# How the officer checked who is at the counter, as the line at the top of the page says it.
CHECKED_WITH = {
    "id_card": gettext_lazy("their Thai national ID card"),
    "passport": gettext_lazy("their passport"),
    "other": gettext_lazy("an official document with a photo"),
}


# --- shared with views_start and views_applications ----------------------------------------------


def signed_in(view: View) -> View:
    """Signed in, else to the sign-in page and back: before anything else is looked up. A draft
    past its expiry (not yet deleted by the job) leads to "your applications", which says so."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            return view(request, *args, **kwargs)
        except ApplicationExpired:
            return _expired(request)

    return guarded


def go(name: str, **kwargs: Any) -> HttpResponseRedirect:
    """A redirect to one of the runner's pages."""
    return HttpResponseRedirect(reverse(f"runner:{name}", kwargs=kwargs))


def subject_names(application: Application) -> list[str]:
    """The names of the people the application is for, in the page's language."""
    return [pick(subject.get("names") or {}) for subject in application.subjects]


def resume_url(application: Application, journey: Journey) -> str:
    """The first screen not answered yet, else "check your answers"."""
    missing = journey.resume(application.pages_done)
    if missing is not None:
        return _page_url(application, missing)
    return reverse("runner:check", kwargs={"application_id": application.pk})


def continue_url(application: Application) -> str:
    """Where "continue" leads without working out the journey (the applications list)."""
    if application.resume_page:
        return _page_url(application, application.resume_page)
    return reverse("runner:check", kwargs={"application_id": application.pk})


# --- the application's pages ------------------------------------------------------------------


def _application(request: HttpRequest, application_id: uuid.UUID) -> Application:
    return application_for(user=request.user, application_id=application_id, request=request)


def _service_title(compiled: CompiledDefinition) -> str:
    """The title of the version the application is pinned to (not the catalogue's newest)."""
    return pick(compiled.model.title)


def _for_line(application: Application) -> str:
    """The caption "For Niran Jaidee and Malee Jaidee" when it is not for the person themselves."""
    if application.applies_as == AppliesAs.SELF:
        return ""
    *first, last = subject_names(application)
    together = _("%(names)s and %(last)s") % {"names": ", ".join(first), "last": last}
    if not first:
        together = last
    return _("For %(names)s") % {"names": together}


def _page_url(application: Application, page_id: str, *, returning: bool = False) -> str:
    found = reverse("runner:page", kwargs={"application_id": application.pk, "page_id": page_id})
    return f"{found}?return=check" if returning else found


def _assisting(request: HttpRequest, application: Application) -> dict[str, str] | None:
    """For the centre officer helping with it: whom they help and how they checked who it is."""
    if application.assisted_by_id is None or application.assisted_by_id != request.user.pk:
        return None
    document = CHECKED_WITH.get(str((application.identity_check or {}).get("document")))
    names = subject_names(application)
    return {
        "name": names[0] if names else "",
        "document": str(document or CHECKED_WITH["other"]),
    }


def _frame(
    request: HttpRequest, application: Application, compiled: CompiledDefinition
) -> dict[str, Any]:
    """What every page of an application shows around its content."""
    return {
        "application": application,
        "service_title": _service_title(compiled),
        "for_line": _for_line(application),
        "assisting": _assisting(request, application),
    }


def _fresh(request: HttpRequest, application: Application) -> Application:
    """The application with its registry facts read again when they are older than
    ``FACTS_FRESH_HOURS`` (fresh ones cost nothing: no query)."""
    try:
        return application_facts_refresh(
            actor=request.user, application=application, request=request
        )
    except ApplicationRefused:
        return application  # expired meanwhile: the save or the submission says so
    except RegistryError:
        return application  # the register does not answer: the facts read before do


def _draft_or_sent(
    request: HttpRequest, application_id: uuid.UUID
) -> tuple[Application, HttpResponse | None]:
    """The person's application; a redirect to its confirmation once it is sent."""
    application = _application(request, application_id)
    if application.status != ApplicationStatus.DRAFT:
        return application, go("sent", application_id=application.pk)
    return application, None


def _journey_event(application: Application, kind: str, page_id: str) -> None:
    """Tell the performance measures what the person met on a page (it never fails the page)."""
    journey_event.send(sender=Application, application=application, kind=kind, page_id=page_id)


def _expired(request: HttpRequest) -> HttpResponse:
    messages.error(
        request, _("That application was deleted because it was not sent in time. Start again.")
    )
    return go("applications")


# --- a page of questions ------------------------------------------------------------------------


def _page_of(compiled: CompiledDefinition, page_id: str) -> Page:
    for candidate in compiled.model.pages:
        if candidate.id == page_id:
            return candidate
    raise Http404("no such page in this service")


def _keeps_answers_sent_signed_out(view: View) -> View:
    """A question page sent by the request that ended the session: what the person typed is
    kept in the browser's session for when they have signed in again (``signed_out_answers``;
    a post from a browser that was not signed in keeps nothing)."""

    @wraps(view)
    def guarded(request: HttpRequest, application_id: uuid.UUID, page_id: str) -> HttpResponse:
        if request.method == "POST" and not request.user.is_authenticated:
            answers_sent_signed_out_keep(request, application_id=application_id, page_id=page_id)
        return view(request, application_id, page_id)

    return guarded


def _page_shown(
    request: HttpRequest,
    compiled: CompiledDefinition,
    shown: Page,
    application: Application,
    language: str,
) -> PageForm:
    """The page with its stored answers; or, once, with the answers the person sent while
    signed out, to check and send again (they are not saved until then)."""
    kept = None
    if request.method == "GET":
        kept = answers_kept_take(request, application_id=application.pk, page_id=shown.id)
    if kept is None:
        return page_form(compiled=compiled, page=shown, application=application, language=language)
    messages.info(
        request,
        _(
            "We kept what you typed on this page before you were signed out. Check it and "
            "choose Continue to save it."
        ),
    )
    return page_form(
        compiled=compiled,
        page=shown,
        application=application,
        language=language,
        data=kept,
        actor=request.user,
    )


@csrf_exempt  # checked below, once the ceiling on the files is in place (see uploads.limit)
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@_keeps_answers_sent_signed_out
@signed_in
def page(request: HttpRequest, application_id: uuid.UUID, page_id: str) -> HttpResponse:
    """One page of questions: shown with the answers given so far; on POST saved when valid,
    then the next page (or "check your answers" after a change)."""
    application, sent = _draft_or_sent(request, application_id)
    if sent is not None:
        return sent
    compiled = application_compiled(application)
    shown = _page_of(compiled, page_id)
    if request.method == "POST":
        # Before anything reads the body: a request carrying more files than the page takes is
        # stopped while it arrives, not spooled to disk first.
        upload_limit_install(request, budget_bytes=page_upload_budget(shown))
        forged = CsrfViewMiddleware(_no_response).process_view(request, _no_response, (), {})
        if forged is not None:
            return forged
        if request.FILES is not None and getattr(request, TOO_LARGE_FLAG, False):
            return _too_large(request, application, compiled, shown)
    if request.method != "POST":
        application = _fresh(request, application)
    journey = journey_of(application, compiled)
    if not journey.is_screen(page_id):
        return HttpResponseRedirect(resume_url(application, journey))
    language = current_language()
    if request.method != "POST":
        form = _page_shown(request, compiled, shown, application, language)
        if request.method == "GET":  # counted once per showing, not on a re-rendered POST
            _journey_event(application, "page_viewed", page_id)
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


def _no_response(_request: HttpRequest) -> HttpResponse:
    return HttpResponse()  # never called: only the middleware's view check is used


def _too_large(
    request: HttpRequest, application: Application, compiled: CompiledDefinition, shown: Page
) -> HttpResponse:
    """The page again, saying the files sent were larger than it takes (nothing was saved)."""
    journey = journey_of(application, compiled)
    form = page_form(
        compiled=compiled, page=shown, application=application, language=current_language()
    )
    form.errors.insert(0, {"text": upload_too_large_message(shown), "href": "#main-content"})
    response = _render_page(request, application, compiled, journey, form)
    response.status_code = 413
    return response


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
        _journey_event(application, "page_invalid", page_id)
        return _render_page(request, application, compiled, journey, form)
    # A page answered in full is done, whichever button saved it; one saved with a wrong
    # answer keeps that question's earlier answer (``invalid_ids``) until it is put right.
    complete = form.valid and action in ("continue", "save")
    try:
        application = application_page_save(
            actor=request.user,
            application=application,
            page_id=page_id,
            answers=form.answers,
            complete=complete,
            resume_page=(journey.after(page_id) or "") if complete else page_id,
            invalid_ids=form.invalid_ids,
        )
    except ApplicationRefused as refused:
        return _save_refused(request, application, refused)
    if action == "save":
        return go("saved", application_id=application.pk)
    if action != "continue":  # add another, remove one, remove a file: the same page again
        return _render_page(request, application, compiled, journey_of(application, compiled), form)
    return _after_save(request, application, compiled, page_id)


def _save_refused(
    request: HttpRequest, application: Application, refused: ApplicationRefused
) -> HttpResponse:
    if refused.code == "not_draft":
        return go("sent", application_id=application.pk)
    return _expired(request)


def _after_save(
    request: HttpRequest, application: Application, compiled: CompiledDefinition, page_id: str
) -> HttpResponse:
    """Eligibility for every subject, then the next screen (or back to check answers)."""
    verdicts = eligibility_of_subjects(compiled, application)
    if any(result.eligible is False for _subject, result in verdicts):
        _journey_event(application, "ineligible", page_id)
        found = reverse("runner:cannot_apply", kwargs={"application_id": application.pk})
        return HttpResponseRedirect(f"{found}?page={page_id}")
    journey = journey_of(application, compiled)
    missing = journey.resume(application.pages_done)
    if _returning(request):
        if missing is None:
            return go("check", application_id=application.pk)
        return HttpResponseRedirect(_page_url(application, missing, returning=True))
    following = journey.after(page_id)
    if following is not None:
        return HttpResponseRedirect(_page_url(application, following))
    return HttpResponseRedirect(resume_url(application, journey))


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
    context = _frame(request, application, compiled) | {
        "page": form.page,
        "form": form,
        "widgets": form.widgets,
        "errors": form.errors,
        "title": pick(form.page.title),
        "back_url": back,
        "action_url": _page_url(application, page_id, returning=returning),
        "saved_until": application.expires_at,  # the hint under the questions
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
            application=application,
        )
    except ApplicationRefused as refused:
        return _submit_refused(request, application_id, refused, declarations)
    return go("sent", application_id=application.pk)


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
        return go("sent", application_id=application.pk)
    if refused.code == "incomplete" and refused.page_id:
        return HttpResponseRedirect(_page_url(application, refused.page_id))
    if refused.code == "ineligible":
        _journey_event(application, "ineligible", "")
        return go("cannot_apply", application_id=application.pk)
    if refused.code == "expired":
        return _expired(request)
    compiled = application_compiled(application)
    journey = journey_of(application, compiled)
    if refused.code == "incomplete":
        return HttpResponseRedirect(resume_url(application, journey))
    text = refused.message
    if refused.code in ("changed", "stale_token"):
        text = _("Your answers changed in another tab or window. Check them and send again.")
    problem = [{"text": text, "href": "#check-answers"}]
    return _render_check(request, application, compiled, journey, declarations, problem)


def _prefilled(
    application: Application, compiled: CompiledDefinition
) -> Callable[[Any], list[tuple[str, Any]]]:
    """For a prefilled field: each subject's name and the fact shown for them (with where to
    say it is wrong)."""

    def shown(one: Any) -> list[tuple[str, Any]]:
        found = []
        for subject in application.subjects:
            person_id = str(subject["person_id"])
            fact = prefilled_value(application, one, person_id)
            if fact is not None and fact.register:
                link = correction_url(application, compiled, one, person_id, CHECK_SCREEN)
                fact = dataclasses.replace(fact, correction_url=link)
            if fact is not None:
                found.append((pick(subject.get("names") or {}), fact))
        return found

    return shown


def _person_names(
    application: Application, compiled: CompiledDefinition, journey: Journey
) -> dict[str, str]:
    """The names of the people a person field may hold, as its page offers them (whoever
    looks: the person, or the officer assisting them)."""
    return people_names(application, current_language())


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
        _prefilled(application, compiled),
        language=language,
        person_names=_person_names(application, compiled, journey),
    )
    errors = list(problems or []) + (declarations.errors if declarations is not None else [])
    last = journey.screen_ids[-1] if journey.screens else None
    context = _frame(request, application, compiled) | {
        "subject_names": subject_names(application),
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
        return go("check", application_id=application.pk)
    compiled = application_compiled(application)
    model = compiled.model
    context = _frame(request, application, compiled) | {
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
    context = _frame(request, application, compiled) | {
        "continue_url": continue_url(application),
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
        return HttpResponseRedirect(resume_url(application, journey))
    others = len(refused) < len(verdicts)
    if request.method == "POST" and others:
        for subject, _result in refused:
            application = application_subject_remove(
                actor=request.user, application=application, person_id=str(subject["person_id"])
            )
        return HttpResponseRedirect(resume_url(application, journey_of(application, compiled)))
    came_from = request.GET.get("page", "")
    back = came_from if journey.is_screen(came_from) else ""
    context = _frame(request, application, compiled) | {
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
        return go("applications")
    context = _frame(request, application, compiled) | {
        "continue_url": continue_url(application),
    }
    return render(request, "runner/delete.html", context)
