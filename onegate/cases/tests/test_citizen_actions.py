"""What the person does on their case: withdraw it (once, and only undecided, with a stale form
refused), answer a request for information (text and a PDF, once), ask for a review of a refusal
(a new case, both pages linking each other). Refusals are told in the GOV.UK error pattern."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from onegate.cases import views_citizen
from onegate.cases.constants import ANSWER_MAX_CHARS, CaseStatus
from onegate.cases.models import Case
from onegate.cases.tests.factories import case_in, citizen_account, demo_services  # noqa: F401
from onegate.identity.tests.acting_fixtures import strong_session
from onegate.runner.tests.journey_support import pdf_bytes

pytestmark = pytest.mark.usefixtures("demo_services")


def case_url(case: Case, name: str = "case", **kwargs: object) -> str:
    return reverse(f"cases:{name}", kwargs={"reference": case.reference, **kwargs})


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page)))


def signed_in_with(status: str, client: Client) -> tuple[Case, Client]:
    user, _person = citizen_account()
    return case_in(status, user=user), strong_session(client, user)


# --- withdrawing ---------------------------------------------------------------------------------


def test_withdrawing_asks_first_then_withdraws(client):
    case, client = signed_in_with(CaseStatus.REFERRED, client)

    question = client.get(case_url(case, "withdraw")).content.decode()
    assert "Withdraw this application?" in question
    assert f'name="lock_version" value="{case.lock_version}"' in question

    done = client.post(case_url(case, "withdraw"), {"lock_version": case.lock_version})

    assert done.status_code == 302 and done["Location"] == case_url(case)
    case.refresh_from_db()
    assert case.status == CaseStatus.WITHDRAWN
    page = text_of(client.get(case_url(case)).content.decode())
    assert "You have withdrawn the application for" in page
    assert "Withdraw this application" not in page


def test_withdrawing_twice_says_it_is_withdrawn_already(client):
    case, client = signed_in_with(CaseStatus.REFERRED, client)
    version = case.lock_version
    client.post(case_url(case, "withdraw"), {"lock_version": version})

    again = client.post(case_url(case, "withdraw"), {"lock_version": version})

    page = text_of(again.content.decode())
    assert again.status_code == 409
    assert "There is a problem" in page and "“Withdrawn”" in page
    assert "This application cannot be withdrawn" in page


def test_a_decided_case_cannot_be_withdrawn(client):
    case, client = signed_in_with(CaseStatus.APPROVED, client)

    question = text_of(client.get(case_url(case, "withdraw")).content.decode())
    tried = client.post(case_url(case, "withdraw"), {"lock_version": case.lock_version})

    assert "This application cannot be withdrawn" in question
    assert tried.status_code == 409 and "“Approved”" in text_of(tried.content.decode())
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED


def test_a_stale_withdrawal_changes_nothing(client):
    case, client = signed_in_with(CaseStatus.REFERRED, client)

    stale = client.post(case_url(case, "withdraw"), {"lock_version": case.lock_version - 1})

    assert stale.status_code == 409
    assert "Someone else changed this case since you opened it" in text_of(stale.content.decode())
    case.refresh_from_db()
    assert case.status == CaseStatus.REFERRED
    # the page offers the current version again
    assert f'value="{case.lock_version}"' in stale.content.decode()


def test_withdrawing_is_post_only_and_needs_the_csrf_token(client):
    case, client = signed_in_with(CaseStatus.REFERRED, client)
    careful = Client(enforce_csrf_checks=True)
    careful.cookies = client.cookies

    forged = careful.post(case_url(case, "withdraw"), {"lock_version": case.lock_version})

    assert forged.status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.REFERRED


# --- answering a request for information ---------------------------------------------------------


def answer_url(case: Case) -> str:
    asked = case.information_requests.get()
    return case_url(case, "answer", request_id=asked.pk)


def test_the_answer_page_shows_the_question_and_takes_text_and_files(client):
    case, client = signed_in_with(CaseStatus.INFORMATION_REQUESTED, client)

    form = client.get(answer_url(case)).content.decode()
    assert "specialist" in form and 'enctype="multipart/form-data"' in form
    assert 'type="file"' in form and "multiple" in form and "application/pdf" in form
    assert f'data-maxlength="{ANSWER_MAX_CHARS}"' in form  # the character count

    upload = SimpleUploadedFile("letter.pdf", pdf_bytes(), "application/pdf")
    sent = client.post(
        answer_url(case), {"answer": "My specialist's letter.", "attachments": [upload]}
    )

    assert sent.status_code == 302 and sent["Location"] == case_url(case)
    case.refresh_from_db()
    asked = case.information_requests.get()
    assert case.status == CaseStatus.INFORMATION_RECEIVED
    assert asked.answer == "My specialist's letter." and asked.files.count() == 1
    page = client.get(case_url(case)).content.decode()
    assert "Your answer has been sent to" in text_of(page)
    file_url = case_url(case, "file", file_id=asked.files.get().pk)
    assert file_url in page
    download = client.get(file_url)
    assert download.status_code == 200 and b"".join(download.streaming_content)[:5] == b"%PDF-"


def test_an_empty_answer_is_refused_with_the_error_pattern(client):
    case, client = signed_in_with(CaseStatus.INFORMATION_REQUESTED, client)

    empty = client.post(answer_url(case), {"answer": "  "})

    page = empty.content.decode()
    assert empty.status_code == 200
    assert "govuk-error-summary" in page and 'href="#id_answer"' in page
    assert "Enter your answer or upload a file" in page
    assert case.information_requests.get().is_open


def test_a_file_that_is_not_a_pdf_or_an_image_is_refused_and_the_text_kept(client):
    case, client = signed_in_with(CaseStatus.INFORMATION_REQUESTED, client)
    fake = SimpleUploadedFile("letter.pdf", b"MZ not really a pdf", "application/pdf")

    refused = client.post(answer_url(case), {"answer": "Kept words", "attachments": [fake]})

    page = refused.content.decode()
    assert "govuk-error-summary" in page and "Kept words" in page
    assert case.information_requests.get().is_open


def test_answering_needs_the_csrf_token(client):
    case, client = signed_in_with(CaseStatus.INFORMATION_REQUESTED, client)
    careful = Client(enforce_csrf_checks=True)
    careful.cookies = client.cookies

    forged = careful.post(answer_url(case), {"answer": "Forged"})

    assert forged.status_code == 403
    assert case.information_requests.get().is_open


def test_files_beyond_the_ceiling_are_stopped_while_they_arrive(client, monkeypatch):
    case, client = signed_in_with(CaseStatus.INFORMATION_REQUESTED, client)
    monkeypatch.setattr(views_citizen, "ANSWER_BUDGET", 100)
    upload = SimpleUploadedFile("letter.pdf", pdf_bytes(), "application/pdf")

    stopped = client.post(answer_url(case), {"answer": "Kept", "attachments": [upload]})

    page = stopped.content.decode()
    assert "The files must be smaller than" in page and 'href="#id_attachments"' in page
    assert "Kept" in page
    assert case.information_requests.get().is_open


def test_answering_twice_is_refused_clearly(client):
    case, client = signed_in_with(CaseStatus.INFORMATION_REQUESTED, client)
    url = answer_url(case)
    client.post(url, {"answer": "First answer"})

    again = client.post(url, {"answer": "Second answer"})
    shown = client.get(url)

    assert "You have already answered this request" in text_of(again.content.decode())
    assert "This request was answered on" in text_of(shown.content.decode())
    assert case.information_requests.get().answer == "First answer"


# --- asking for a review -------------------------------------------------------------------------


def test_a_review_of_a_refusal_opens_a_new_case_and_both_pages_link(client):
    case, client = signed_in_with(CaseStatus.REFUSED, client)

    form = client.get(case_url(case, "review")).content.decode()
    assert "Why do you think the decision is wrong?" in form

    asked = client.post(case_url(case, "review"), {"reason": "My specialist says I can drive."})

    review = Case.objects.get(review_of=case)
    assert asked.status_code == 302 and asked["Location"] == case_url(review)
    new_page = text_of(client.get(case_url(review)).content.decode())
    assert f"It is case {review.reference}" in new_page
    assert f"This is a review of {case.reference}" in new_page
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    old_page = client.get(case_url(case)).content.decode()
    assert case_url(review) in old_page


def test_a_review_needs_a_reason_and_keeps_nothing_else(client):
    case, client = signed_in_with(CaseStatus.REFUSED, client)

    empty = client.post(case_url(case, "review"), {"reason": ""})

    assert "Enter why you think the decision is wrong" in empty.content.decode()
    assert not Case.objects.filter(review_of=case).exists()


def test_a_second_review_is_refused(client):
    case, client = signed_in_with(CaseStatus.REFUSED, client)
    client.post(case_url(case, "review"), {"reason": "First"})

    again = client.post(case_url(case, "review"), {"reason": "Second"})

    assert again.status_code == 409
    assert "A review of this decision has already been asked for" in text_of(again.content.decode())
    assert Case.objects.filter(review_of=case).count() == 1


def test_an_approval_cannot_be_reviewed(client):
    case, client = signed_in_with(CaseStatus.APPROVED, client)

    page = text_of(client.get(case_url(case, "review")).content.decode())

    assert "Only a refused application can be reviewed" in page
