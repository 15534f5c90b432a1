"""Getting an uploaded file back: only for those who may see the application, always as a download
the browser will not run or guess the type of, never cached."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from onegate.audit.constants import RunnerAction
from onegate.audit.models import AuditEvent
from onegate.identity.constants import StaffRole
from onegate.identity.tests.account_fixtures import make_account
from onegate.identity.tests.organisation_fixtures import service_centre, staff_member
from onegate.runner.tests.test_uploads import accept, draft_application, jpeg_with_gps, pdf_written
from onegate.runner.views_files import content_disposition


def url(upload) -> str:
    return reverse(
        "runner:file",
        kwargs={"application_id": upload.application_id, "upload_id": upload.pk},
    )


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def given(db):
    """A draft with one PDF given by the person applying, and their signed-in browser."""
    application, user = draft_application()
    upload = accept(application, user, 'ใบรับรองแพทย์ "final".pdf', pdf_written())
    browser = Client()
    browser.force_login(user)
    return application, user, upload, browser


def test_the_person_downloads_their_file_exactly_as_kept(given):
    _application, _user, upload, browser = given

    response = browser.get(url(upload))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    with upload.file.open("rb") as stored:
        assert body(response) == stored.read()
    assert not AuditEvent.objects.filter(action=str(RunnerAction.FILE_DOWNLOADED)).exists()


def test_the_download_is_an_attachment_the_browser_will_not_sniff_run_or_keep(given):
    _application, _user, upload, browser = given

    response = browser.get(url(upload))

    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert "filename*=UTF-8''" + quote(upload.name, safe="") in disposition
    assert '; filename="final.pdf"; ' in disposition  # the name's own quotes cannot break out
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "private, no-store"


def test_an_image_is_served_with_its_sniffed_type(given):
    application, user, _upload, browser = given
    photo = accept(application, user, "me.pdf", jpeg_with_gps(), field_id="new_photo")

    response = browser.get(url(photo))

    assert response["Content-Type"] == "image/jpeg"
    assert 'filename="me.jpg"' in response["Content-Disposition"]


@pytest.mark.parametrize(
    ("name", "fallback"),
    [
        ("report.pdf", 'filename="report.pdf"'),
        ("ใบรับรองแพทย์.pdf", 'filename="file.pdf"'),
        ('a"b\\c;d.pdf', 'filename="a_b_c_d.pdf"'),
        ("café.png", 'filename="cafe.png"'),
    ],
)
def test_the_ascii_file_name_falls_back_safely_and_the_real_one_follows(name, fallback):
    header = content_disposition(name)

    assert header == f"attachment; {fallback}; filename*=UTF-8''{quote(name, safe='')}"


def test_someone_else_gets_a_404_and_the_refusal_is_on_the_log(given):
    application, _user, upload, _browser = given
    stranger = Client()
    stranger.force_login(make_account("stranger@example.test"))

    response = stranger.get(url(upload))

    assert response.status_code == 404
    refused = AuditEvent.objects.get(action=str(RunnerAction.ACCESS_REFUSED))
    assert refused.subject_id == str(application.pk)


def test_a_file_of_another_application_is_not_found_through_this_one(given):
    _application, _user, upload, browser = given
    other, other_user = draft_application(owner=make_account("other@example.test"))
    theirs = accept(other, other_user, "theirs.pdf", pdf_written())
    wrong = reverse(
        "runner:file", kwargs={"application_id": upload.application_id, "upload_id": theirs.pk}
    )

    assert browser.get(wrong).status_code == 404


def test_signed_out_is_sent_to_sign_in(given):
    _application, _user, upload, _browser = given

    response = Client().get(url(upload))

    assert response.status_code == 302
    assert "login" in response["Location"] or "sign-in" in response["Location"]


def test_a_post_is_not_allowed(given):
    _application, _user, upload, browser = given

    assert browser.post(url(upload)).status_code == 405


def test_the_officer_assisting_with_the_draft_may_download_and_it_is_logged(given):
    application, _user, upload, _browser = given
    centre = service_centre("lak-si")
    officer = staff_member(
        "officer@example.test", StaffRole.CENTRE_OFFICER, centre.agency_slug, centre=centre
    )
    application.assisted_by = officer
    application.assisted_centre_id = centre.pk
    application.save(update_fields=["assisted_by", "assisted_centre_id"])
    desk = Client()
    desk.force_login(officer)

    response = desk.get(url(upload))

    assert response.status_code == 200
    event = AuditEvent.objects.get(action=str(RunnerAction.FILE_DOWNLOADED))
    assert event.payload == {"upload": str(upload.pk), "field": "medical_certificate"}
    assert event.actor_id == str(officer.pk)
