"""The back office: queues, "take next", the case page and every action an officer takes on it.

Every page needs ``cases.view_case`` somewhere (``staff_required``: signed out to sign-in, a
citizen 403); what it shows is narrowed to the officer's agencies by the selectors, and a case
of another agency is a 404. The actions are the services' (``onegate.cases.services``), which
check again who may act, the case's state and the form's ``lock_version`` under the row lock;
the page offers only what the case's state allows (``case_actions``), for the UI's sake.

How a refusal is shown, everywhere the same: a form that is not filled in properly is drawn
again (200) with the GOV.UK error summary and the input kept; a change the case refuses
(``CaseRefused``: someone else acted first, the case moved on, not this officer's to decide)
draws the case page as it is now with the refusal's message in the error summary, status 409,
and nothing changed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from onegate.cases import selectors
from onegate.cases import selectors_case_page as case_page
from onegate.cases.constants import RESPOND_WORKING_DAYS, CaseStatus
from onegate.cases.forms_staff import (
    AssignForm,
    DecideForm,
    NoteForm,
    QueueFilterForm,
    RejectRefusalForm,
    RequestInformationForm,
    VersionForm,
)
from onegate.cases.models import Case
from onegate.cases.reasons import reason_templates
from onegate.cases.selectors_case_page import case_actions
from onegate.cases.services import (
    CaseRefused,
    case_assign,
    case_decide,
    case_information_request,
    case_note_add,
    case_refusal_confirm,
    case_refusal_reject,
    case_release,
    case_take_next,
)
from onegate.cases.sla import sla_state, working_days_left
from onegate.core.languages import current_language
from onegate.identity.permissions import StaffPermission, staff_can, staff_required
from onegate.pages.formerrors import error_list
from onegate.runner.views_files import content_disposition

VIEW = StaffPermission.VIEW_CASE


# --- queues ------------------------------------------------------------------------------------


@never_cache
@staff_required(VIEW)
@require_safe
def queues(request: HttpRequest) -> HttpResponse:
    """Each service of the officer's agencies with how many cases wait, and how many are late."""
    context = {
        "services": selectors.queue_services(user=request.user),
        "can_work": staff_can(request.user, StaffPermission.WORK_CASE),
    }
    return render(request, "cases/staff/queues.html", context)


@never_cache
@staff_required(VIEW)
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    """One page of cases, filtered (service, status, who has it, SLA) and sorted."""
    form = QueueFilterForm(request.GET, services=selectors.queue_service_choices(user=request.user))
    filters = form.filters()
    page = selectors.queue_for(user=request.user, **filters)
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "sort_links": {column: form.sort_link(column) for column in ("due", "sent")},
        "pagination": form.pagination(page.page, page.pages),
        "can_work": staff_can(request.user, StaffPermission.WORK_CASE),
    }
    return render(request, "cases/staff/queue.html", context)


@staff_required(VIEW)
@require_POST
def take_next(request: HttpRequest) -> HttpResponse:
    """The waiting case due first (of the service chosen, if any), to this officer."""
    service = request.POST.get("service") or None
    try:
        case = case_take_next(actor=request.user, service_slug=service)
    except CaseRefused as refused:
        messages.error(request, refused.message)
        return HttpResponseRedirect(reverse("cases:queues"))
    if case is None:
        messages.info(request, _("No cases are waiting. There is nothing for you to take now."))
        return HttpResponseRedirect(reverse("cases:queues"))
    return _to_case(case.reference)


# --- the case page -----------------------------------------------------------------------------


def _case_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    language = current_language()
    today = timezone.localdate()
    return {
        "case": case,
        "service_title": selectors.service_title(case.service_slug, language),
        "sla": sla_state(case, today),
        "days_left": working_days_left(case, today),
        "sections": case_page.case_application_sections(case, language),
        "uploads": case_page.case_uploads(case),
        "facts": case_page.case_facts(case, language),
        "rules": case_page.case_rules(case, language),
        "history": case_page.case_history(case),
        "requests": case_page.case_requests(case),
        "actions": case_actions(request.user, case),
        "status_labels": dict(CaseStatus.choices),
    }


def _render_case(
    request: HttpRequest,
    case: Case,
    *,
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
    **forms_given: forms.Form,
) -> HttpResponse:
    context = _case_context(request, case) | {
        "errors": errors or [],
        "note_form": forms_given.get("note_form") or NoteForm(),
        "reject_form": forms_given.get("reject_form") or RejectRefusalForm(),
    }
    return render(request, "cases/staff/case.html", context, status=status)


@never_cache
@staff_required(VIEW)
@require_safe
def case(request: HttpRequest, reference: str) -> HttpResponse:
    """The case: summary, the application as sent, facts, rules, requests, history, actions."""
    found = selectors.case_for_staff(user=request.user, reference=reference)
    return _render_case(request, found)


def _to_case(reference: str, anchor: str = "") -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("cases:staff_case", args=[reference]) + anchor)


def _refused(request: HttpRequest, reference: str, refused: CaseRefused) -> HttpResponse:
    """The case as it is now, with why the change was not made (nothing changed)."""
    found = selectors.case_for_staff(user=request.user, reference=reference, audit=False)
    errors = [{"text": refused.message, "href": "#case-summary"}]
    return _render_case(request, found, errors=errors, status=409)


def _acted(
    request: HttpRequest, reference: str, act: Callable[[], Any], done: str, anchor: str = ""
) -> HttpResponse:
    """Run a service; on success back to the case with ``done``, else the refusal."""
    try:
        act()
    except CaseRefused as refused:
        return _refused(request, reference, refused)
    messages.success(request, done)
    return _to_case(reference, anchor)


# --- actions on the case page ------------------------------------------------------------------


@staff_required(VIEW)
@require_POST
def note(request: HttpRequest, reference: str) -> HttpResponse:
    form = NoteForm(request.POST)
    if not form.is_valid():
        found = selectors.case_for_staff(user=request.user, reference=reference, audit=False)
        return _render_case(request, found, errors=error_list(form), note_form=form)
    text = form.cleaned_data["text"]
    return _acted(
        request,
        reference,
        lambda: case_note_add(actor=request.user, reference=reference, text=text),
        _("Your note is added to the case's history."),
        "#history",
    )


@staff_required(VIEW)
@require_POST
def confirm_refusal(request: HttpRequest, reference: str) -> HttpResponse:
    version = VersionForm(request.POST).version()
    return _acted(
        request,
        reference,
        lambda: case_refusal_confirm(actor=request.user, reference=reference, lock_version=version),
        _("You confirmed the refusal. The person is told the decision and why."),
    )


@staff_required(VIEW)
@require_POST
def reject_refusal(request: HttpRequest, reference: str) -> HttpResponse:
    form = RejectRefusalForm(request.POST)
    if not form.is_valid():
        found = selectors.case_for_staff(user=request.user, reference=reference, audit=False)
        return _render_case(request, found, errors=error_list(form), reject_form=form)
    words, version = form.cleaned_data["explanation"], form.version()
    return _acted(
        request,
        reference,
        lambda: case_refusal_reject(
            actor=request.user, reference=reference, lock_version=version, explanation=words
        ),
        _("You did not confirm the refusal. The officer working on the case decides again."),
    )


@staff_required(VIEW)
@require_POST
def release(request: HttpRequest, reference: str) -> HttpResponse:
    version = VersionForm(request.POST).version()
    try:
        case_release(actor=request.user, reference=reference, lock_version=version)
    except CaseRefused as refused:
        return _refused(request, reference, refused)
    messages.success(
        request,
        _("Case %(reference)s is back in the queue for someone else to take.")
        % {"reference": reference},
    )
    return HttpResponseRedirect(reverse("cases:queues"))


# --- actions with a page of their own ----------------------------------------------------------


def _form_page(
    request: HttpRequest, found: Case, template: str, form: forms.Form, **extra: Any
) -> HttpResponse:
    context = {
        "case": found,
        "crumb_case": found,
        "service_title": selectors.service_title(found.service_slug),
        "form": form,
        "errors": error_list(form),
        **extra,
    }
    return render(request, f"cases/staff/{template}", context)


@never_cache
@staff_required(VIEW)
@require_http_methods(["GET", "HEAD", "POST"])
def decide(request: HttpRequest, reference: str) -> HttpResponse:
    """Approve, or propose a refusal for a second officer, with a reason."""
    found = selectors.case_for_staff(
        user=request.user, reference=reference, audit=request.method != "POST"
    )
    templates = {outcome: reason_templates(found, outcome) for outcome in ("approve", "refuse")}
    data = request.POST if request.method == "POST" else None
    form = DecideForm(
        data,
        templates=templates,
        language=current_language(),
        initial={"lock_version": found.lock_version},
    )
    if data is None or not form.is_valid():
        return _form_page(request, found, "decide.html", form, templates=templates)
    chosen = form.cleaned_data
    approving = chosen["outcome"] == "approve"
    return _acted(
        request,
        reference,
        lambda: case_decide(
            actor=request.user,
            reference=reference,
            lock_version=form.version(),
            outcome=chosen["outcome"],
            template=chosen["template"],
            explanation=chosen.get("explanation") or "",
        ),
        _("The case is approved. The person is told the decision and why.")
        if approving
        else _("Refusal proposed. A second officer must confirm it before the person is told."),
    )


@never_cache
@staff_required(VIEW)
@require_http_methods(["GET", "HEAD", "POST"])
def request_information(request: HttpRequest, reference: str) -> HttpResponse:
    """Ask the person a question (and by when to answer); the case waits for the answer."""
    found = selectors.case_for_staff(
        user=request.user, reference=reference, audit=request.method != "POST"
    )
    data = request.POST if request.method == "POST" else None
    form = RequestInformationForm(
        data, today=timezone.localdate(), initial={"lock_version": found.lock_version}
    )
    if data is None or not form.is_valid():
        return _form_page(
            request, found, "request_information.html", form, respond_days=RESPOND_WORKING_DAYS
        )
    chosen = form.cleaned_data
    return _acted(
        request,
        reference,
        lambda: case_information_request(
            actor=request.user,
            reference=reference,
            lock_version=form.version(),
            question=chosen["question"],
            respond_by=chosen["respond_by"],
        ),
        _("Your request is sent to the person. The case waits for their answer."),
    )


@never_cache
@staff_required(VIEW)
@require_http_methods(["GET", "HEAD", "POST"])
def assign(request: HttpRequest, reference: str) -> HttpResponse:
    """A team lead gives the case to an officer of the agency, or back to the queue."""
    found = selectors.case_for_staff(
        user=request.user, reference=reference, audit=request.method != "POST"
    )
    people = selectors.case_assignable(user=request.user, case=found)
    if not people and not case_actions(request.user, found).assign:
        refusal = CaseRefused("not_allowed", _("You are not allowed to do this on this case."))
        return _refused(request, reference, refusal)
    data = request.POST if request.method == "POST" else None
    form = AssignForm(
        data,
        people=people,
        initial={"lock_version": found.lock_version, "to": str(found.assigned_to_id or "")},
    )
    if data is None or not form.is_valid():
        return _form_page(request, found, "assign.html", form)
    to = form.to_user_id()
    return _acted(
        request,
        reference,
        lambda: case_assign(
            actor=request.user,
            reference=reference,
            lock_version=form.version(),
            to_user_id=to,
        ),
        _("The case is assigned.") if to else _("The case is back in the queue."),
    )


# --- files -------------------------------------------------------------------------------------


def _download(handle_of: Callable[[], Any], name: str, content_type: str) -> HttpResponse:
    """The file as an attachment that no browser displays or guesses the type of (streamed:
    ``FileResponse`` is typed as a streaming response, served like any other)."""
    try:
        handle = handle_of()
    except FileNotFoundError as missing:  # removed from storage behind the database's back
        raise Http404("no such file") from missing
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return cast(HttpResponse, response)


@staff_required(VIEW)
@require_safe
def staff_upload(request: HttpRequest, reference: str, upload_id: uuid.UUID) -> HttpResponse:
    """A file given with the application (the download is on the audit log)."""
    upload = selectors.case_upload_for_staff(
        user=request.user, reference=reference, upload_id=upload_id
    )
    return _download(lambda: upload.file.open("rb"), upload.name, upload.content_type)


@staff_required(VIEW)
@require_safe
def staff_file(request: HttpRequest, reference: str, file_id: uuid.UUID) -> HttpResponse:
    """A file the person gave with an answer (the download is on the audit log)."""
    given = selectors.case_file_for_staff(user=request.user, reference=reference, file_id=file_id)
    return _download(lambda: given.file.open("rb"), given.name, given.content_type)


@never_cache
@staff_required(VIEW)
@require_safe
def staff_notice_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    """The decision notice the person was given, as a PDF (``?lang=en|th``)."""
    from onegate.cases.notice import is_decided, notice_language
    from onegate.cases.notice_pdf import notice_pdf_bytes

    found = selectors.case_for_staff(user=request.user, reference=reference)
    if not is_decided(found):
        raise Http404("no decision yet")
    language = notice_language(found, request.GET.get("lang"))
    response = HttpResponse(notice_pdf_bytes(found, language), content_type="application/pdf")
    name = f"notice-{found.reference}-{language}.pdf"
    response["Content-Disposition"] = content_disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
