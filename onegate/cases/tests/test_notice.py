"""Decision notices: the page and the PDF, in the person's language by default and in the other
on asking; with the reasons, who decided, and for a refusal how and by when to ask for a review;
none before a decision; only for those who may see the case."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from django.urls import reverse
from pypdf import PdfReader

from onegate.audit.constants import CaseAction
from onegate.audit.models import AuditEvent
from onegate.cases.constants import REVIEW_DAYS, CaseStatus, DecidedBy
from onegate.cases.models import Case
from onegate.cases.notice import notice_build, review_deadline
from onegate.cases.notice_pdf import NoticeFontsMissing, notice_pdf_bytes, sarabun_files
from onegate.cases.tests.factories import (  # noqa: F401
    case_in,
    citizen_account,
    demo_services,
    eta_sent,
    open_and_decide,
    visitor_account,
)
from onegate.core.languages import format_date
from onegate.identity.models import User
from onegate.identity.tests.acting_fixtures import strong_session

pytestmark = pytest.mark.usefixtures("demo_services")

THAI_REASON = "หลักฐานที่คุณให้ไว้ไม่แสดงว่าคุณมีคุณสมบัติตามเงื่อนไข"  # generic:evidence_not_accepted


def person_of(case: Case) -> User:
    assert case.user is not None
    return case.user


def url(name: str, case: Case) -> str:
    return reverse(f"cases:{name}", kwargs={"reference": case.reference})


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page)))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def squeezed(text: str) -> str:
    """Without spaces, line breaks and zero-width spaces (Thai is wrapped between words)."""
    return re.sub(r"[\s\u200b]+", "", text)


@pytest.fixture
def refused() -> Case:
    user, _who = citizen_account()
    return case_in(CaseStatus.REFUSED, user=user)


def test_the_notice_page_of_a_refusal(client, refused):
    strong_session(client, person_of(refused))

    answer = client.get(url("notice", refused))

    assert answer.status_code == 200
    text = text_of(answer.content.decode())
    assert "Decision notice" in text and "Department of Land Transport" in text
    assert refused.reference in text and refused.application.reference in text
    assert format_date(refused.decided_at, "en") in text
    assert "has been refused" in text
    assert "The certificate does not say you are fit to drive." in text
    assert "confirmed by a second officer" in text
    last_day = review_deadline(refused)
    assert last_day is not None
    deadline = format_date(last_day, "en")
    assert f"Ask within {REVIEW_DAYS} days of the decision, by {deadline}" in text
    assert url("notice_pdf", refused) in answer.content.decode()
    read = AuditEvent.objects.filter(action=CaseAction.NOTICE_VIEWED, subject_id=refused.reference)
    assert read.exists()


def test_the_notice_is_in_the_cases_language_with_a_link_to_the_other(client, refused):
    Case.objects.filter(pk=refused.pk).update(language="th")
    strong_session(client, person_of(refused))

    thai = client.get(url("notice", refused)).content.decode()
    english = client.get(url("notice", refused) + "?lang=en").content.decode()

    assert 'lang="th"' in thai and THAI_REASON in thai
    assert str(refused.decided_at.year + 543) in text_of(thai)  # Buddhist era
    assert 'href="?lang=en"' in thai
    assert "The evidence you gave does not show" in english and THAI_REASON not in english


def test_the_pdf_in_english(client, refused):
    strong_session(client, person_of(refused))

    answer = client.get(url("notice_pdf", refused) + "?lang=en")

    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    disposition = f'inline; filename="decision-{refused.reference}.pdf"'
    assert answer["Content-Disposition"] == disposition
    text = pdf_text(answer.content)
    assert refused.reference in text and "Decision notice" in text
    assert "The evidence you gave does not show" in text
    assert "ask for a review" in text.lower()


def test_the_pdf_in_thai_has_the_thai_reasons(client, refused):
    strong_session(client, person_of(refused))

    answer = client.get(url("notice_pdf", refused) + "?lang=th")

    text = pdf_text(answer.content)
    assert refused.reference in text
    assert squeezed(THAI_REASON) in squeezed(text)
    assert squeezed(format_date(refused.decided_at, "th")) in squeezed(text)


def test_a_decision_by_the_rules_says_so():
    user, _who = visitor_account()
    [case] = open_and_decide(eta_sent(user, purpose="work"))
    assert case.status == CaseStatus.REFUSED and case.decided_how == DecidedBy.RULES

    notice = notice_build(case, "en")
    text = pdf_text(notice_pdf_bytes(case, "th"))

    assert "Decided automatically by the service's rules" in notice.decided_how[0]
    assert notice.review and case.reference in text


def test_an_approval_has_no_review_section(client):
    user, _who = citizen_account()
    case = case_in(CaseStatus.APPROVED, user=user)
    strong_session(client, user)

    text = text_of(client.get(url("notice", case)).content.decode())

    assert "has been approved" in text and "ask for a review" not in text.lower()


@pytest.mark.parametrize("status", [CaseStatus.REFERRED, CaseStatus.WITHDRAWN])
def test_no_notice_before_a_decision(client, status):
    user, _who = citizen_account()
    case = case_in(status, user=user)
    strong_session(client, user)

    assert client.get(url("notice", case)).status_code == 404
    assert client.get(url("notice_pdf", case)).status_code == 404


def test_missing_fonts_are_said_clearly(settings, tmp_path):
    sarabun_files.cache_clear()
    settings.BASE_DIR = tmp_path
    try:
        with pytest.raises(NoticeFontsMissing, match="npm ci"):
            sarabun_files()
    finally:
        sarabun_files.cache_clear()
