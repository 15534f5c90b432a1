"""Asking the person for more information, and their answer.

The officer holding a case asks one question at a time, with a day to answer by (by default
``RESPOND_WORKING_DAYS`` working days ahead); the case waits with that officer still on it. The
person (or whoever may act for them) answers once, with text, files or both; the case then goes
back to the queue for whoever is free. Files are checked as the runner checks an application's
(type sniffed, active content refused, scanned for viruses) before anything is kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onegate.audit.constants import CaseAction
from onegate.audit.services import audit_record
from onegate.cases import notifications
from onegate.cases.constants import (
    ANSWER_FILE_MAX_BYTES,
    ANSWER_FILE_TYPES,
    ANSWER_MAX_CHARS,
    ANSWER_MAX_FILES,
    QUESTION_MAX_CHARS,
    RESPOND_WORKING_DAYS,
    CaseStatus,
    EventKind,
)
from onegate.cases.models import Case, CaseFile, InformationRequest
from onegate.cases.services._transition import (
    SUBJECT_TYPE,
    _access_refused,
    _assigned_check,
    _locked,
    _may_work,
    _move,
    _on_behalf_of,
    _person_may_act,
    _refusals_recorded,
    _refused,
    _staff_case_or_404,
    _state_check,
    _text_checked,
    _version_check,
)
from onegate.definitions.language import add_working_days
from onegate.definitions.selectors import definition_version_compiled
from onegate.runner.models import uploads_storage
from onegate.runner.services.uploads import REFUSALS, WRONG_TYPE
from onegate.runner.uploads import FileProblem, file_check, name_clean

__all__ = ["case_information_answer", "case_information_request"]

MEGABYTE = 1024 * 1024


def _respond_by(given: dt.date | None) -> dt.date:
    today = timezone.localdate()
    if given is None:
        return add_working_days(today, RESPOND_WORKING_DAYS).date()
    if given <= today:
        raise _refused("invalid", _("The day to answer by must be after today."))
    return given


def _request_new(case: Case, actor: Any, question: str, respond_by: dt.date) -> InformationRequest:
    request = InformationRequest.objects.create(
        case=case, question=question, asked_by=actor, asked_at=timezone.now(), respond_by=respond_by
    )
    _move(
        case,
        actor=actor,
        kind=EventKind.INFORMATION_REQUESTED,
        to_status=CaseStatus.INFORMATION_REQUESTED,
        text=question,
        payload={"request": str(request.pk), "respond_by": respond_by.isoformat()},
    )
    return request


def case_information_request(
    *,
    actor: Any,
    reference: str,
    lock_version: int,
    question: str,
    respond_by: dt.date | None = None,
) -> InformationRequest:
    """Ask the person ``question``; the case waits for the answer, still with the officer."""
    _staff_case_or_404(actor, reference)
    with _refusals_recorded(actor, reference, "request_information"), transaction.atomic():
        case = _locked(reference=reference)
        _may_work(actor, case)
        _state_check(case, {CaseStatus.IN_REVIEW})
        _assigned_check(actor, case)
        _version_check(case, lock_version)
        if case.refusal_proposal:
            raise _refused("state", _("A refusal is waiting for a second officer."))
        words = _text_checked(
            question,
            limit=QUESTION_MAX_CHARS,
            empty=_("Enter the question for the person."),
            too_long=_("Write the question in %(limit)s characters or fewer."),
        )
        request = _request_new(case, actor, words, _respond_by(respond_by))
        audit_record(
            actor=actor,
            action=CaseAction.INFORMATION_REQUESTED,
            subject_type=SUBJECT_TYPE,
            subject_id=case.pk,
            purpose="Ask the person for more information",
            payload={"reference": case.reference, "request": str(request.pk)},
        )
        compiled = definition_version_compiled(version_id=case.definition_version_id)
        notifications.information_requested_message(case=case, compiled=compiled, request=request)
    return request


# --- the person's answer ----------------------------------------------------------------------


@dataclass(frozen=True)
class _File:
    name: str
    content_type: str
    data: bytes


def _problem_text(code: str, name: str) -> str:
    if code == "wrong_type":
        problem = str(WRONG_TYPE[tuple(sorted(ANSWER_FILE_TYPES))])
    else:
        problem = str(REFUSALS.get(code, REFUSALS["damaged"])) % {
            "size": ANSWER_FILE_MAX_BYTES // MEGABYTE,
            "megapixels": 40,
            "pages": 100,
        }
    return str(_("%(name)s: %(problem)s")) % {"name": name, "problem": problem}


def _file_checked(uploaded: UploadedFile) -> _File:
    name = uploaded.name or ""
    try:
        if uploaded.size is not None and uploaded.size > ANSWER_FILE_MAX_BYTES:
            raise FileProblem("too_big")
        data = b"".join(uploaded.chunks())
        if len(data) > ANSWER_FILE_MAX_BYTES:
            raise FileProblem("too_big")
        checked = file_check(data, accept=ANSWER_FILE_TYPES)
    except FileProblem as problem:
        raise _refused("invalid", _problem_text(problem.code, name)) from problem
    return _File(name_clean(name, checked.kind), checked.content_type, checked.data)


def _answer_checked(answer: str, files: list[UploadedFile]) -> tuple[str, list[_File]]:
    """The answer's text and files, checked before anything is kept."""
    words = (answer or "").strip()
    if not words and not files:
        raise _refused("invalid", _("Enter your answer or choose a file to send."))
    if len(words) > ANSWER_MAX_CHARS:
        raise _refused(
            "invalid",
            _("Write your answer in %(limit)s characters or fewer."),
            limit=ANSWER_MAX_CHARS,
        )
    if len(files) > ANSWER_MAX_FILES:
        raise _refused("invalid", _("You can send up to %(count)s files."), count=ANSWER_MAX_FILES)
    return words, [_file_checked(one) for one in files]


def _request_or_404(actor: Any, request_id: Any) -> InformationRequest:
    try:
        key = uuid.UUID(str(request_id))
    except ValueError:
        found = None
    else:
        found = InformationRequest.objects.select_related("case").filter(pk=key).first()
    if found is None or not _person_may_act(actor, found.case):
        _access_refused(actor, found.case.reference if found else str(request_id))
        raise Http404("no such request")
    return found


def _files_keep(
    request: InformationRequest, actor: Any, files: list[_File], stored: list[str]
) -> list[CaseFile]:
    """The files kept with the answer; ``stored`` gets each stored name (to delete them again
    if the transaction does not commit)."""
    kept = []
    for one in files:
        row = CaseFile(
            request=request,
            name=one.name,
            content_type=one.content_type,
            size=len(one.data),
            sha256=hashlib.sha256(one.data).hexdigest(),
            uploaded_by=actor,
        )
        row.file.save("answer", ContentFile(one.data), save=False)
        stored.append(str(row.file.name))
        row.save(force_insert=True)
        kept.append(row)
    return kept


def _answer_save(
    locked: InformationRequest,
    case: Case,
    actor: Any,
    answer: tuple[str, list[_File]],
    stored: list[str],
) -> list[CaseFile]:
    words, files = answer
    locked.answer, locked.answered_at, locked.answered_by = words, timezone.now(), actor
    locked.save(update_fields=["answer", "answered_at", "answered_by"])
    kept = _files_keep(locked, actor, files, stored)
    case.assigned_to, case.assigned_at = None, None  # back in the queue for whoever is free
    _move(
        case,
        actor=actor,
        kind=EventKind.INFORMATION_ANSWERED,
        to_status=CaseStatus.INFORMATION_RECEIVED,
        fields=["assigned_to", "assigned_at"],
        text=words,
        payload={"request": str(locked.pk), "files": [str(row.pk) for row in kept]},
    )
    return kept


def case_information_answer(
    *, actor: Any, request_id: uuid.UUID | str, answer: str, files: list[UploadedFile]
) -> InformationRequest:
    """The person's answer to a request: kept with its files, and the case back in the queue."""
    request = _request_or_404(actor, request_id)
    reference = request.case.reference
    stored: list[str] = []
    with _refusals_recorded(actor, reference, "answer"):
        checked = _answer_checked(answer, list(files or []))
        try:
            with transaction.atomic():
                case = _locked(case_id=request.case_id)
                locked = InformationRequest.objects.select_for_update().get(pk=request.pk)
                if locked.answered_at is not None:
                    raise _refused("answered")
                _state_check(case, {CaseStatus.INFORMATION_REQUESTED})
                kept = _answer_save(locked, case, actor, checked, stored)
                audit_record(
                    actor=actor,
                    action=CaseAction.INFORMATION_ANSWERED,
                    subject_type=SUBJECT_TYPE,
                    subject_id=case.pk,
                    purpose="Answer a request for information",
                    on_behalf_of=_on_behalf_of(actor, case),
                    payload={"reference": reference, "request": str(locked.pk), "files": len(kept)},
                )
        except BaseException:
            _stored_delete(stored)
            raise
    return locked


def _stored_delete(names: list[str]) -> None:
    storage = uploads_storage()
    for name in names:
        storage.delete(name)
