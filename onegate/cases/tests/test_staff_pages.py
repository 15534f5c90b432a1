"""The back office's pages: who may open them, and what the case page shows."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation

from onegate.audit.constants import CaseAction
from onegate.audit.models import AuditEvent
from onegate.cases.constants import CaseStatus
from onegate.cases.models import CaseFile
from onegate.cases.tests.factories import (  # noqa: F401
    case_in,
    citizen_account,
    demo_services,
    pdf_bytes,
    staff,
)
from onegate.identity.constants import StaffRole
from onegate.runner.models import Upload

pytestmark = pytest.mark.usefixtures("demo_services")


def test_anonymous_is_sent_to_sign_in(client):
    for name in ("cases:queues", "cases:queue"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


def test_a_citizen_is_refused(client):
    user, _person = citizen_account()
    client.force_login(user)
    assert client.get(reverse("cases:queues")).status_code == 403
    assert client.get(reverse("cases:queue")).status_code == 403
    case = case_in(CaseStatus.REFERRED)
    assert client.get(reverse("cases:staff_case", args=[case.reference])).status_code == 403


def test_the_case_page_shows_the_application_facts_rules_and_history(client):
    case = case_in(CaseStatus.IN_REVIEW)
    client.force_login(case.assigned_to)
    response = client.get(reverse("cases:staff_case", args=[case.reference]))
    assert response.status_code == 200
    page = response.content.decode()
    assert case.reference in page
    assert "The application as sent" in page
    assert "certificate.pdf" in page
    upload = case.application.uploads.get()
    assert reverse("cases:staff_upload", args=[case.reference, upload.pk]) in page
    assert "Facts from government registers" in page
    assert "What the rules found" in page
    assert "Decide" in page
    viewed = AuditEvent.objects.filter(action=CaseAction.CASE_VIEWED, subject_id=str(case.pk))
    assert viewed.exists()


def test_every_staff_url_sends_the_signed_out_to_sign_in(client):
    case = case_in(CaseStatus.REFERRED)
    for name in ("staff_case", "decide", "request_information", "assign", "staff_notice_pdf"):
        response = client.get(reverse(f"cases:{name}", args=[case.reference]))
        assert response.status_code == 302, name
        assert reverse("account_login") in response["Location"], name
    response = client.post(reverse("cases:take_next"))
    assert response.status_code == 302


def test_a_decided_case_shows_the_decision_and_its_notice(client):
    case = case_in(CaseStatus.REFUSED)
    second = case.confirmed_by
    assert second is not None
    client.force_login(second)

    page = client.get(reverse("cases:staff_case", args=[case.reference])).content.decode()
    pdf = client.get(reverse("cases:staff_notice_pdf", args=[case.reference]), {"lang": "th"})

    assert "Decided by an officer and confirmed by a second officer" in page
    assert f"Confirmed by {second.get_full_name()}" in page
    assert "The certificate does not say you are fit to drive." in page
    assert "Decide" not in page.split("Summary")[0]  # no actions on a decided case
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"].startswith("attachment;")


def test_an_undecided_case_has_no_notice(client):
    case = case_in(CaseStatus.IN_REVIEW)
    client.force_login(case.assigned_to)

    response = client.get(reverse("cases:staff_notice_pdf", args=[case.reference]))

    assert response.status_code == 404


def a_file_of(case) -> Upload:
    """A file given with the case's application, stored privately as the runner stores one."""
    content = pdf_bytes()
    return Upload.objects.create(
        application=case.application,
        field_id="medical_certificate",
        name="certificate.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        file=ContentFile(content, name="certificate.pdf"),
    )


def test_files_download_as_attachments_audited_and_only_in_scope(client):
    case = case_in(CaseStatus.INFORMATION_RECEIVED)
    upload = case.application.uploads.first() or a_file_of(case)
    given = CaseFile.objects.get(request__case=case)
    officer = staff(StaffRole.CASE_WORKER, case.agency_slug)
    client.force_login(officer)

    for address in (
        reverse("cases:staff_upload", args=[case.reference, upload.pk]),
        reverse("cases:staff_file", args=[case.reference, given.pk]),
    ):
        response = client.get(address)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    downloads = AuditEvent.objects.filter(
        action=CaseAction.FILE_DOWNLOADED, actor_id=str(officer.pk)
    )
    assert downloads.count() == 2

    client.force_login(staff(StaffRole.CASE_WORKER, "immigration"))
    assert (
        client.get(reverse("cases:staff_upload", args=[case.reference, upload.pk])).status_code
        == 404
    )
    other = case_in(CaseStatus.REFERRED)
    client.force_login(officer)
    wrong_case = reverse("cases:staff_upload", args=[other.reference, upload.pk])
    assert client.get(wrong_case).status_code == 404


def test_the_case_page_in_thai(client):
    case = case_in(CaseStatus.IN_REVIEW)
    client.force_login(case.assigned_to)

    with translation.override("th"):
        address = reverse("cases:staff_case", args=[case.reference])
    page = client.get(address).content.decode()

    assert 'lang="th"' in page
    assert "2569" in page or "2570" in page  # dates in the Buddhist era
