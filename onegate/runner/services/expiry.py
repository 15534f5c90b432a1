"""Drafts nobody finished: deleted (with their files) once past their expiry, and their owners
reminded once, ``DRAFT_REMINDER_DAYS`` before. Run by the periodic jobs; idempotent: a draft is
locked and checked again before anything is done to it, so a draft sent or saved meanwhile is
left alone, and a second run finds nothing more to do.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from onegate.audit.constants import RunnerAction
from onegate.audit.services import audit_record
from onegate.runner.constants import DRAFT_REMINDER_DAYS, ApplicationStatus
from onegate.runner.models import Application
from onegate.runner.notifications import draft_expiring_message
from onegate.runner.selectors import SUBJECT_TYPE, application_compiled

# Package-private helpers shared by the runner's services: delete with the files on commit.
from onegate.runner.services.drafts import _abandoned, _remove

__all__ = ["draft_reminders_send", "drafts_expire"]

JOB_BATCH = 100


def drafts_expire(*, now: dt.datetime | None = None) -> int:
    """Delete the drafts past their expiry, with their files; how many went. Idempotent."""
    moment = now or timezone.now()
    due = Application.objects.filter(status=ApplicationStatus.DRAFT, expires_at__lte=moment)
    total = 0
    while ids := list(due.order_by("expires_at").values_list("pk", flat=True)[:JOB_BATCH]):
        for key in ids:
            total += _draft_expire(key, moment)
        if len(ids) < JOB_BATCH:
            break
    return total


def _draft_expire(key: Any, moment: dt.datetime) -> int:
    with transaction.atomic():
        found = (
            Application.objects.select_for_update()
            .filter(pk=key, status=ApplicationStatus.DRAFT, expires_at__lte=moment)
            .first()
        )
        if found is None:  # sent or saved again meanwhile
            return 0
        service, expired_at = found.service_slug, found.expires_at
        _abandoned(found)
        _remove(found)
        audit_record(
            actor=None,
            action=RunnerAction.DRAFT_EXPIRED,
            subject_type=SUBJECT_TYPE,
            subject_id=key,
            purpose="Delete an application not sent before it expired",
            payload={
                "service": service,
                "expired_at": expired_at.isoformat() if expired_at else None,
            },
        )
    return 1


def draft_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind, once, the owners of drafts expiring within ``DRAFT_REMINDER_DAYS``; how many."""
    moment = now or timezone.now()
    soon = moment + dt.timedelta(days=DRAFT_REMINDER_DAYS)
    due = Application.objects.filter(
        status=ApplicationStatus.DRAFT,
        reminded_at__isnull=True,
        expires_at__gt=moment,
        expires_at__lte=soon,
    )
    total = 0
    for key in list(due.order_by("expires_at").values_list("pk", flat=True)):
        total += _draft_remind(key, moment, soon)
    return total


def _draft_remind(key: Any, moment: dt.datetime, soon: dt.datetime) -> int:
    with transaction.atomic():
        found = (
            Application.objects.select_for_update()
            .filter(pk=key, status=ApplicationStatus.DRAFT, reminded_at__isnull=True)
            .filter(expires_at__gt=moment, expires_at__lte=soon)
            .first()
        )
        if found is None:
            return 0
        sent = draft_expiring_message(application=found, compiled=application_compiled(found))
        found.reminded_at = moment
        found.save(update_fields=["reminded_at", "updated_at"])
        audit_record(
            actor=None,
            action=RunnerAction.DRAFT_REMINDED,
            subject_type=SUBJECT_TYPE,
            subject_id=found.pk,
            purpose="Remind a person that their unfinished application will be deleted",
            payload={
                "expires_at": found.expires_at.isoformat() if found.expires_at else None,
                "messages": len(sent),
            },
        )
    return 1
