"""The person's pages about a case, under "Your applications": where it stands and what comes
next, answering a request for information, withdrawing, asking for a review of a refusal, the
decision notice (a page and a PDF) and the files given with an answer.

Every page finds the case through ``selectors_citizen.case_for_citizen``: anyone who may not
see it gets a 404 (on the audit log). Changes go through the services, which check again under
the row lock; their refusals (``CaseRefused``) are shown as GOV.UK error summaries with what
was typed kept. Forms that change a case carry its ``lock_version``.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from onegate.audit.constants import CaseAction
from onegate.audit.services import audit_record
from onegate.cases.constants import (
    ANSWER_FILE_MAX_BYTES,
    ANSWER_MAX_CHARS,
    ANSWER_MAX_FILES,
    REASON_MAX_CHARS,
)
from onegate.cases.forms_citizen import ANSWER_ACCEPT, AnswerForm, ReviewForm, WithdrawForm
from onegate.cases.models import Case, InformationRequest
from onegate.cases.notice import is_decided, notice_build, notice_language
from onegate.cases.notice_pdf import notice_pdf_bytes
from onegate.cases.selectors_citizen import (
    SUBJECT_TYPE,
    case_agency_name,
    case_file_for_citizen,
    case_for_citizen,
    case_view_record,
)
from onegate.cases.services import (
    CaseRefused,
    case_information_answer,
    case_review_ask,
    case_withdraw,
)
from onegate.cases.status import case_page_context, case_summary
from onegate.core.languages import NATIVE_NAMES, SUPPORTED
from onegate.pages.formerrors import error_list
from onegate.runner.fields import character_count_texts
from onegate.runner.uploads.limit import upload_limit_install, upload_too_large
from onegate.runner.views_files import content_disposition

__all__ = ["answer", "case", "file", "notice", "notice_pdf", "review", "withdraw"]

ANSWER_BUDGET = ANSWER_MAX_FILES * ANSWER_FILE_MAX_BYTES


def _case_url(case: Case) -> str:
    return reverse("cases:case", kwargs={"reference": case.reference})


def _to_case(case: Case) -> HttpResponseRedirect:
    return HttpResponseRedirect(_case_url(case))


@never_cache
@require_safe
@login_required
def case(request: HttpRequest, reference: str) -> HttpResponse:
    """Where the case stands: summary, timeline, what happens next, the request to answer, the
    decision with its reasons and notice, and what the person may do."""
    found = case_for_citizen(user=request.user, reference=reference)
    case_view_record(request.user, found)
    return render(request, "cases/citizen/case.html", case_page_context(found))


# --- answering a request for information ----------------------------------------------------


def _answer_page(
    request: HttpRequest, found: Case, asked: InformationRequest, form: AnswerForm, **more: Any
) -> HttpResponse:
    context = case_summary(found) | {
        "asked": asked,
        "form": form,
        "errors": more.pop("errors", None) or error_list(form),
        "max_length": ANSWER_MAX_CHARS,
        "count_texts": character_count_texts(),
        "accept": ANSWER_ACCEPT,
        "max_files": ANSWER_MAX_FILES,
        "max_size": filesizeformat(ANSWER_FILE_MAX_BYTES),
        "action_url": request.path,
        **more,
    }
    return render(request, "cases/citizen/answer.html", context)


def _request_of(found: Case, request_id: uuid.UUID) -> InformationRequest:
    asked = InformationRequest.objects.filter(case=found, pk=request_id).first()
    if asked is None:
        raise Http404("no such request")
    return asked


def _csrf_refused(request: HttpRequest) -> HttpResponse | None:
    """CSRF checked here, once the ceiling on the files is in place (``uploads.limit``)."""
    return CsrfViewMiddleware(_no_response).process_view(request, _no_response, (), {})


def _no_response(_request: HttpRequest) -> HttpResponse:
    return HttpResponse()  # never called: only the middleware's view check is used


@csrf_exempt  # checked in _answer_post, after the ceiling on the files is installed
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def answer(request: HttpRequest, reference: str, request_id: uuid.UUID) -> HttpResponse:
    """The question, and a box and files for the answer; answered, back to the case."""
    found = case_for_citizen(user=request.user, reference=reference)
    asked = _request_of(found, request_id)
    if request.method == "POST":
        return _answer_post(request, found, asked)
    if not asked.is_open:
        return _answer_page(request, found, asked, AnswerForm(), answered=True)
    return _answer_page(request, found, asked, AnswerForm())


def _answer_post(request: HttpRequest, found: Case, asked: InformationRequest) -> HttpResponse:
    upload_limit_install(request, budget_bytes=ANSWER_BUDGET)
    forged = _csrf_refused(request)
    if forged is not None:
        return forged
    if upload_too_large(request):
        problem = _("The files must be smaller than %(size)s in total") % {
            "size": filesizeformat(ANSWER_BUDGET)
        }
        form = AnswerForm(request.POST)
        return _answer_page(request, found, asked, form, errors=[_summary(problem, "attachments")])
    if not asked.is_open:
        problem = _("You have already answered this request. You do not need to do anything else.")
        return _answer_page(request, found, asked, AnswerForm(), answered=True, problem=problem)
    form = AnswerForm(request.POST, request.FILES)
    if not form.is_valid():
        return _answer_page(request, found, asked, form)
    try:
        case_information_answer(
            actor=request.user,
            request_id=asked.pk,
            answer=form.cleaned_data["answer"],
            files=form.cleaned_data["attachments"],
        )
    except CaseRefused as refused:
        asked.refresh_from_db()
        return _answer_refused(request, found, asked, form, refused)
    messages.success(
        request, _("Your answer has been sent to %(agency)s.") % {"agency": case_agency_name(found)}
    )
    return _to_case(found)


def _summary(text: str, field: str) -> dict[str, str]:
    return {"text": str(text), "href": f"#id_{field}"}


def _answer_refused(
    request: HttpRequest,
    found: Case,
    asked: InformationRequest,
    form: AnswerForm,
    refused: CaseRefused,
) -> HttpResponse:
    if refused.code == "answered" or not asked.is_open:
        return _answer_page(
            request, found, asked, AnswerForm(), answered=True, problem=refused.message
        )
    field = (
        "attachments"
        if form.cleaned_data.get("attachments") and refused.code == "invalid"
        else "answer"
    )
    form.add_error(field, str(refused.message))
    return _answer_page(request, found, asked, form)


# --- withdrawing --------------------------------------------------------------------------------


def _withdraw_page(
    request: HttpRequest, found: Case, *, problem: str = "", status: int = 200
) -> HttpResponse:
    context = case_summary(found) | {
        "errors": [_summary(problem, "withdraw")] if problem else [],
        "problem": problem,
        "form_version": found.lock_version,
    }
    return render(request, "cases/citizen/withdraw.html", context, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    """ "Withdraw this application?" — then withdrawn, if it still can be."""
    found = case_for_citizen(user=request.user, reference=reference)
    if request.method != "POST":
        return _withdraw_page(request, found)
    form = WithdrawForm(request.POST)
    version = form.version() if form.is_valid() else 0
    try:
        case_withdraw(actor=request.user, reference=found.reference, lock_version=version)
    except CaseRefused as refused:
        found.refresh_from_db()
        return _withdraw_page(request, found, problem=refused.message, status=409)
    messages.success(
        request,
        _("You have withdrawn the application for %(person)s.")
        % {"person": case_summary(found)["person"]},
    )
    return _to_case(found)


# --- asking for a review --------------------------------------------------------------------------


def _review_page(
    request: HttpRequest, found: Case, form: ReviewForm, *, status: int = 200
) -> HttpResponse:
    context = case_page_context(found) | {
        "form": form,
        "errors": error_list(form),
        "reason": form.data.get("reason", "") if form.is_bound else "",
        "max_length": REASON_MAX_CHARS,
        "count_texts": character_count_texts(),
    }
    return render(request, "cases/citizen/review.html", context, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def review(request: HttpRequest, reference: str) -> HttpResponse:
    """Ask for a review of a refusal, with reasons: a new case for a different officer."""
    found = case_for_citizen(user=request.user, reference=reference)
    if request.method != "POST":
        return _review_page(request, found, ReviewForm())
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _review_page(request, found, form)
    try:
        opened = case_review_ask(
            actor=request.user, reference=found.reference, reason=form.cleaned_data["reason"]
        )
    except CaseRefused as refused:
        found.refresh_from_db()
        form.add_error("reason", str(refused.message))
        return _review_page(request, found, form, status=409)
    messages.success(
        request,
        _("You have asked for a review. It is case %(reference)s.")
        % {"reference": opened.reference},
    )
    return _to_case(opened)


# --- the decision notice ----------------------------------------------------------------------


def _decided_case(request: HttpRequest, reference: str) -> Case:
    found = case_for_citizen(user=request.user, reference=reference)
    if not is_decided(found):
        raise Http404("no decision yet")
    return found


def _notice_read(user: Any, found: Case, form: str, language: str) -> None:
    with transaction.atomic():
        audit_record(
            actor=user,
            action=CaseAction.NOTICE_VIEWED,
            subject_type=SUBJECT_TYPE,
            subject_id=found.reference,
            purpose="Read the decision notice of a case",
            payload={"form": form, "language": language},
        )


@never_cache
@require_safe
@login_required
def notice(request: HttpRequest, reference: str) -> HttpResponse:
    """The decision notice, printable, in the case's language (``?lang=`` for another)."""
    found = _decided_case(request, reference)
    language = notice_language(found, request.GET.get("lang"))
    _notice_read(request.user, found, "html", language)
    context = case_summary(found) | {
        "notice": notice_build(found, language),
        "languages": [
            {"code": code, "name": NATIVE_NAMES[code], "current": code == language}
            for code in SUPPORTED
        ],
        "pdf_url": reverse("cases:notice_pdf", kwargs={"reference": found.reference})
        + f"?lang={language}",
    }
    return render(request, "cases/notice.html", context)


@never_cache
@require_safe
@login_required
def notice_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    """The decision notice as a PDF, shown in the browser (``?lang=`` as for the page)."""
    found = _decided_case(request, reference)
    language = notice_language(found, request.GET.get("lang"))
    _notice_read(request.user, found, "pdf", language)
    response = HttpResponse(notice_pdf_bytes(found, language), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="decision-{found.reference}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- files given with an answer -----------------------------------------------------------------


@never_cache
@require_safe
@login_required
def file(request: HttpRequest, reference: str, file_id: uuid.UUID) -> FileResponse:
    """A file given with an answer, downloaded (never shown inline), for whoever sees the case."""
    found = case_file_for_citizen(user=request.user, reference=reference, file_id=file_id)
    try:
        handle = found.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404("no such file") from missing
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action=CaseAction.FILE_DOWNLOADED,
            subject_type=SUBJECT_TYPE,
            subject_id=reference,
            purpose="Download a file given with an answer to a request for information",
            payload={"file": str(found.pk)},
        )
    response = FileResponse(handle, content_type=found.content_type)
    response["Content-Disposition"] = content_disposition(found.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
