"""The runner's periodic jobs (run by ``manage.py scheduler``, see ``onegate.core.scheduling``)."""

from __future__ import annotations

from datetime import timedelta

from onegate.core.scheduling import periodic
from onegate.runner.services.applications import draft_reminders_send, drafts_expire


# Drafts past their expiry are deleted with their files within the hour. Idempotent: a draft
# already gone, sent or saved again meanwhile is left alone.
@periodic(every=timedelta(hours=1))
def expire_drafts() -> None:
    drafts_expire()


# "Your unfinished application will be deleted on …", once per draft (``reminded_at``),
# ``DRAFT_REMINDER_DAYS`` before it expires.
@periodic(every=timedelta(hours=1))
def remind_drafts_expiring() -> None:
    draft_reminders_send()
