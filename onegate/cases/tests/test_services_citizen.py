"""The person's side of a case: answering a request for information (once), withdrawing while
undecided, asking for a review of a refusal in time; and nobody else doing it for them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from onegate.audit.constants import CaseAction
from onegate.audit.models import AuditEvent
from onegate.cases.constants import ANSWER_MAX_FILES, REVIEW_DAYS, CaseStatus, EventKind
from onegate.cases.models import Case, CaseFile, InformationRequest
from onegate.cases.services import (
    CaseRefused,
    case_information_answer,
    case_information_request,
    case_review_ask,
    case_withdraw,
)
from onegate.cases.tests.factories import (
    case_in,
    citizen_account,
    demo_services,  # noqa: F401  (fixture)
    pdf_bytes,
)
from onegate.core.languages import format_date
from onegate.definitions.language import add_working_days
from onegate.identity.tests.acting_fixtures import active_delegation
from onegate.notify.constants import Channel
from onegate.notify.models import Message
from onegate.registries.models import Person

pytestmark = pytest.mark.usefixtures("demo_services")


def refused(call, **kwargs) -> CaseRefused:
    with pytest.raises(CaseRefused) as caught:
        call(**kwargs)
    return caught.value


def pdf(name: str = "letter.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), "application/pdf")


def open_request(case: Case) -> InformationRequest:
    return case.information_requests.get(answered_at__isnull=True)


# --- asking -----------------------------------------------------------------------------------


def test_the_officer_asks_and_the_person_is_told_what_and_by_when():
    case = case_in(CaseStatus.IN_REVIEW)
    officer = case.assigned_to

    request = case_information_request(
        actor=officer,
        reference=case.reference,
        lock_version=case.lock_version,
        question="Please send your specialist's letter.",
    )

    after = Case.objects.get(pk=case.pk)
    assert after.status == CaseStatus.INFORMATION_REQUESTED and after.assigned_to == officer
    due = add_working_days(timezone.localdate(), 10).date()
    assert request.respond_by == due and request.is_open
    last = after.events.last()
    assert last is not None and last.kind == EventKind.INFORMATION_REQUESTED
    message = Message.objects.get(
        user=case.user, channel=Channel.INBOX, event="cases.information_requested"
    )
    assert "Please send your specialist's letter." in message.body
    assert format_date(due, "en") in message.body
    assert AuditEvent.objects.filter(action=CaseAction.INFORMATION_REQUESTED).count() == 1


def test_an_empty_question_or_a_day_already_gone_is_refused():
    case = case_in(CaseStatus.IN_REVIEW)
    base = {"actor": case.assigned_to, "reference": case.reference, "lock_version": 3}

    empty = refused(case_information_request, question="  ", **base)
    past = refused(
        case_information_request,
        question="Your letter?",
        respond_by=timezone.localdate(),
        **base,
    )

    assert empty.message == "Enter the question for the person."
    assert past.message == "The day to answer by must be after today."
    assert not InformationRequest.objects.exists()


# --- answering --------------------------------------------------------------------------------


def test_the_person_answers_with_text_and_a_file_and_the_case_goes_back_to_the_queue():
    case = case_in(CaseStatus.INFORMATION_REQUESTED)
    request = open_request(case)

    answered = case_information_answer(
        actor=case.user, request_id=request.pk, answer="Attached.", files=[pdf("my letter.pdf")]
    )

    assert answered.answer == "Attached." and answered.answered_by == case.user
    after = Case.objects.get(pk=case.pk)
    assert after.status == CaseStatus.INFORMATION_RECEIVED and after.assigned_to is None
    [kept] = CaseFile.objects.filter(request=request)
    assert (kept.name, kept.content_type) == ("my letter.pdf", "application/pdf")
    assert kept.file.read()[:5] == b"%PDF-"
    last = after.events.last()
    assert last is not None and last.kind == EventKind.INFORMATION_ANSWERED
    assert last.payload["files"] == [str(kept.pk)]
    assert AuditEvent.objects.filter(action=CaseAction.INFORMATION_ANSWERED).count() == 1


def test_answering_twice_is_refused_and_the_first_answer_kept():
    case = case_in(CaseStatus.INFORMATION_REQUESTED)
    request = open_request(case)
    case_information_answer(actor=case.user, request_id=request.pk, answer="First.", files=[])

    problem = refused(
        case_information_answer,
        actor=case.user,
        request_id=request.pk,
        answer="Second.",
        files=[pdf()],
    )

    assert (problem.code, problem.message) == (
        "answered",
        "This request has already been answered.",
    )
    request.refresh_from_db()
    assert request.answer == "First." and not CaseFile.objects.exists()


def test_an_answer_needs_text_or_a_file_of_an_accepted_kind():
    case = case_in(CaseStatus.INFORMATION_REQUESTED)
    request = open_request(case)
    base = {"actor": case.user, "request_id": request.pk}

    empty = refused(case_information_answer, answer=" ", files=[], **base)
    script = SimpleUploadedFile("note.txt", b"hello there", "text/plain")
    wrong = refused(case_information_answer, answer="", files=[script], **base)
    many = [pdf(f"{n}.pdf") for n in range(ANSWER_MAX_FILES + 1)]
    too_many = refused(case_information_answer, answer="", files=many, **base)

    assert empty.message == "Enter your answer or choose a file to send."
    assert wrong.message == "note.txt: The selected file must be a PDF, JPG or PNG"
    assert too_many.message == "You can send up to 5 files."
    assert Case.objects.get(pk=case.pk).status == CaseStatus.INFORMATION_REQUESTED


def test_someone_else_does_not_find_the_request():
    case = case_in(CaseStatus.INFORMATION_REQUESTED)
    stranger, _person = citizen_account()

    with pytest.raises(Http404):
        case_information_answer(
            actor=stranger, request_id=open_request(case).pk, answer="Hi", files=[]
        )
    with pytest.raises(Http404):
        case_information_answer(actor=stranger, request_id="not-a-uuid", answer="x", files=[])

    refusal = AuditEvent.objects.filter(action=CaseAction.CASE_ACCESS_REFUSED).first()
    assert refusal is not None and refusal.actor_id == str(stranger.pk)


def test_a_delegate_answers_for_the_person():
    case = case_in(CaseStatus.INFORMATION_REQUESTED)
    delegate_user, delegate = citizen_account(born_years_ago=30)
    grantor = Person.objects.get(pk=case.subject_person_id)
    grantor_account = case.user
    assert grantor_account is not None
    active_delegation(grantor, grantor_account, delegate_user, delegate)

    case_information_answer(
        actor=delegate_user, request_id=open_request(case).pk, answer="For her.", files=[]
    )

    audit = AuditEvent.objects.get(action=CaseAction.INFORMATION_ANSWERED)
    assert audit.actor_id == str(delegate_user.pk)
    assert audit.on_behalf_of_id == str(grantor_account.pk)


# --- withdrawing ------------------------------------------------------------------------------


def test_the_person_withdraws_an_undecided_case():
    case = case_in(CaseStatus.REFERRED)

    withdrawn = case_withdraw(
        actor=case.user, reference=case.reference, lock_version=case.lock_version
    )

    assert withdrawn.status == CaseStatus.WITHDRAWN
    assert AuditEvent.objects.filter(action=CaseAction.APPLICATION_WITHDRAWN).count() == 1
    assert Message.objects.filter(
        user=case.user, channel=Channel.INBOX, event="cases.withdrawn"
    ).exists()


def test_a_decided_case_cannot_be_withdrawn_nor_from_a_stale_page():
    approved = case_in(CaseStatus.APPROVED)
    referred = case_in(CaseStatus.REFERRED)

    decided = refused(
        case_withdraw,
        actor=approved.user,
        reference=approved.reference,
        lock_version=approved.lock_version,
    )
    stale = refused(
        case_withdraw,
        actor=referred.user,
        reference=referred.reference,
        lock_version=referred.lock_version - 1,
    )

    assert decided.code == "state" and "“Approved”" in decided.message
    assert stale.code == "stale"
    assert Case.objects.get(pk=referred.pk).status == CaseStatus.REFERRED


def test_nobody_else_withdraws_it():
    case = case_in(CaseStatus.REFERRED)
    stranger, _person = citizen_account()

    with pytest.raises(Http404):
        case_withdraw(actor=stranger, reference=case.reference, lock_version=case.lock_version)

    assert Case.objects.get(pk=case.pk).status == CaseStatus.REFERRED


# --- asking for a review ----------------------------------------------------------------------


def test_a_review_closes_the_refusal_and_opens_a_new_case_in_the_queue():
    case = case_in(CaseStatus.REFUSED)

    review = case_review_ask(
        actor=case.user, reference=case.reference, reason="My specialist says I can drive."
    )

    old = Case.objects.get(pk=case.pk)
    assert old.status == CaseStatus.CLOSED and old.outcome == "refuse"
    assert review.review_of == old and review.reference != old.reference
    assert review.status == CaseStatus.REFERRED and review.assigned_to is None
    assert (review.application_id, review.subject_person_id) == (
        old.application_id,
        old.subject_person_id,
    )
    assert review.review_reason == "My specialist says I can drive."
    assert review.rules == old.rules
    assert [e.kind for e in review.events.all()] == [EventKind.REVIEW_ASKED]
    audit = AuditEvent.objects.get(action=CaseAction.REVIEW_ASKED)
    assert audit.payload == {"reference": review.reference, "review_of": old.reference}
    assert Message.objects.filter(
        user=case.user, channel=Channel.INBOX, event="cases.review_received"
    ).exists()


def test_a_review_is_asked_for_in_time_and_only_of_a_refusal():
    late = case_in(CaseStatus.REFUSED)
    Case.objects.filter(pk=late.pk).update(
        decided_at=timezone.now() - dt.timedelta(days=REVIEW_DAYS, minutes=1)
    )
    approved = case_in(CaseStatus.APPROVED)

    too_late = refused(case_review_ask, actor=late.user, reference=late.reference, reason="Why?")
    not_refused = refused(
        case_review_ask, actor=approved.user, reference=approved.reference, reason="Why?"
    )
    no_reason = refused(case_review_ask, actor=late.user, reference=late.reference, reason="")

    assert too_late.code == "review_late"
    assert too_late.message == (
        "A review must be asked for within 30 days of the decision, and that time has passed."
    )
    assert not_refused.code == "state"
    assert no_reason.code == "review_late"  # the first thing wrong is said first
    assert not Case.objects.filter(review_of__isnull=False).exists()
