"""The runner's periodic jobs: drafts past their expiry go with their files, and the person is
reminded once, a week before, in the service's words or the generic ones."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from onegate.audit.constants import RunnerAction
from onegate.core.languages import format_date
from onegate.core.scheduling import discover_jobs
from onegate.core.scheduling import registry as job_registry
from onegate.identity.tests.acting_fixtures import make_household
from onegate.notify.constants import Channel
from onegate.notify.models import Message
from onegate.runner.constants import DRAFT_REMINDER_DAYS, ApplicationStatus
from onegate.runner.models import Application, Upload, uploads_storage
from onegate.runner.services import draft_reminders_send, drafts_expire
from onegate.runner.tests.test_services import (
    CHILD_CARD,
    actions,
    child_card_filled,
    publish_edited,
    published,  # noqa: F401  (fixture)
    start_for,
)
from onegate.runner.tests.test_submit import submit

pytestmark = pytest.mark.usefixtures("published")


def _expiring(application: Application, at: dt.datetime) -> Application:
    Application.objects.filter(pk=application.pk).update(expires_at=at)
    application.refresh_from_db()
    return application


def _with_file(application: Application) -> str:
    upload = Upload.objects.create(
        application=application,
        field_id="photo",
        name="me.png",
        content_type="image/png",
        size=4,
        sha256="0" * 64,
        file=ContentFile(b"\x89PNG", name="me.png"),
    )
    return str(upload.file.name)


def test_the_jobs_are_scheduled():
    discover_jobs()

    assert "onegate.runner.jobs.expire_drafts" in job_registry
    assert "onegate.runner.jobs.remind_drafts_expiring" in job_registry


def test_expired_drafts_go_with_their_files_and_the_rest_stay(
    django_capture_on_commit_callbacks: Any,
):
    household = make_household()
    parent = household.parent_user
    now = timezone.now()
    old = _expiring(start_for(parent, household.child), now - dt.timedelta(minutes=1))
    stored = _with_file(old)
    live = start_for(parent, household.ward)
    sent = submit(parent, child_card_filled(parent, household.nearly_adult))
    Application.objects.filter(pk=sent.pk).update(expires_at=now - dt.timedelta(days=1))

    with django_capture_on_commit_callbacks(execute=True):
        removed = drafts_expire()

    assert removed == 1
    assert not Application.objects.filter(pk=old.pk).exists()
    assert not uploads_storage().exists(stored)
    assert Application.objects.filter(pk=live.pk).exists()
    assert Application.objects.filter(pk=sent.pk, status=ApplicationStatus.SUBMITTED).exists()
    expired = actions(RunnerAction.DRAFT_EXPIRED, old)
    assert len(expired) == 1 and expired[0].actor_type == "system"


def test_expiring_again_does_nothing_more():
    household = make_household()
    parent = household.parent_user
    _expiring(start_for(parent, household.child), timezone.now() - dt.timedelta(minutes=1))
    assert drafts_expire() == 1

    assert drafts_expire() == 0
    assert len(actions(RunnerAction.DRAFT_EXPIRED)) == 1


def test_a_draft_is_reminded_once_a_week_before_it_expires():
    household = make_household()
    parent = household.parent_user
    now = timezone.now()
    soon = _expiring(start_for(parent, household.child), now + dt.timedelta(days=6))
    later = _expiring(
        start_for(parent, household.ward), now + dt.timedelta(days=DRAFT_REMINDER_DAYS + 1)
    )

    assert draft_reminders_send() == 1
    assert draft_reminders_send() == 0

    soon.refresh_from_db()
    later.refresh_from_db()
    assert soon.reminded_at is not None and later.reminded_at is None
    assert soon.expires_at is not None
    inbox = Message.objects.get(user=parent, channel=Channel.INBOX)
    assert inbox.event == "runner.draft_expiring"
    assert inbox.subject == (
        f"Your unfinished application will be deleted on {format_date(soon.expires_at, 'en')}"
    )
    assert "Get a health card for your child" in inbox.body and "Niran Jaidee" in inbox.body
    assert len(actions(RunnerAction.DRAFT_REMINDED, soon)) == 1


def test_the_reminder_is_in_the_persons_language():
    household = make_household()
    parent = household.parent_user
    parent.preferred_language = "th"
    parent.save(update_fields=["preferred_language"])
    _expiring(start_for(parent, household.child), timezone.now() + dt.timedelta(days=3))

    draft_reminders_send()

    inbox = Message.objects.get(user=parent, channel=Channel.INBOX)
    assert inbox.subject.startswith("คำขอที่ยังกรอกไม่เสร็จของคุณจะถูกลบในวันที่")
    assert "ขอบัตรสุขภาพให้ลูก" in inbox.body and "นิรันดร์ ใจดี" in inbox.body


def test_a_service_with_its_own_reminder_text_sends_it():
    household = make_household()
    own = (
        "notifications:\n"
        "  draft_expiring:\n"
        "    subject:\n"
        "      en: Your health card application is not finished\n"
        "      th: คำขอบัตรสุขภาพของคุณยังไม่เสร็จ\n"
        "    body:\n"
        "      en: Finish it before {expires_on} or it is deleted.\n"
        "      th: โปรดส่งก่อนวันที่ {expires_on} มิฉะนั้นคำขอจะถูกลบ\n"
    )
    publish_edited(CHILD_CARD, "notifications:\n", own)
    parent = household.parent_user
    _expiring(start_for(parent, household.child), timezone.now() + dt.timedelta(days=2))

    draft_reminders_send()

    inbox = Message.objects.get(user=parent, channel=Channel.INBOX)
    assert inbox.event == "runner.draft_expiring:child-health-card"
    assert inbox.subject == "Your health card application is not finished"


def test_expired_sent_and_reminded_drafts_are_not_reminded():
    household = make_household()
    parent = household.parent_user
    now = timezone.now()
    _expiring(start_for(parent, household.child), now - dt.timedelta(hours=1))
    sent = submit(parent, child_card_filled(parent, household.ward))
    Application.objects.filter(pk=sent.pk).update(expires_at=now + dt.timedelta(days=1))

    assert draft_reminders_send() == 0
    assert not Message.objects.filter(event__startswith="runner.draft_expiring").exists()
