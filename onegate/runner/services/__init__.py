"""The runner's writes: applications while they are filled in and sent, and assisted digital."""

from onegate.runner.services.applications import (
    ApplicationRefused,
    answers_checksum,
    application_delete,
    application_facts_refresh,
    application_page_save,
    application_start,
    application_subject_remove,
    application_submit,
    draft_reminders_send,
    drafts_expire,
)
from onegate.runner.services.assisted import (
    AssistedStart,
    IdentityDocument,
    application_assisted_start,
)

__all__ = [
    "ApplicationRefused",
    "AssistedStart",
    "IdentityDocument",
    "answers_checksum",
    "application_assisted_start",
    "application_delete",
    "application_facts_refresh",
    "application_page_save",
    "application_start",
    "application_subject_remove",
    "application_submit",
    "draft_reminders_send",
    "drafts_expire",
]
