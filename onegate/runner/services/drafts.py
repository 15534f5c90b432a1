"""A draft application while it is filled in: saving pages, the people on it, its facts, deleting.

Shared by the runner's services (``applications``, ``submission``, ``expiry``): the refusals
(``ApplicationRefused``), the checks every write makes (the actor may fill the application in,
it is still a live draft, locked), which answers are shown (hidden answers are never kept), and
the registry reads made again for a draft. Every public function takes keyword arguments, does
its writes in one transaction with the row locked and writes an audit record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from onegate.audit.constants import RunnerAction
from onegate.audit.services import audit_record
from onegate.core.languages import pick
from onegate.definitions.language import CompiledDefinition, Visibility
from onegate.definitions.language.model import Page
from onegate.identity.acting import acting_access, acting_option
from onegate.identity.models import ServiceCentre
from onegate.registries.adapters import AccessContext
from onegate.registries.staff import staff_access
from onegate.runner.constants import FACTS_FRESH_HOURS
from onegate.runner.facts import facts_read
from onegate.runner.journey import application_visibility
from onegate.runner.models import Application, uploads_storage
from onegate.runner.selectors import (
    SUBJECT_TYPE,
    application_compiled,
    application_for,
    application_on_behalf_of,
    may_fill_in,
)
from onegate.runner.signals import journey_event

__all__ = [
    "ApplicationRefused",
    "application_delete",
    "application_facts_refresh",
    "application_page_save",
    "application_subject_remove",
]

REFUSALS = {
    "not_published": gettext_lazy("This service is not taking applications at the moment."),
    "not_allowed": gettext_lazy("You cannot make this application for this person."),
    "too_old": gettext_lazy("%(name)s is too old for this service."),
    "not_draft": gettext_lazy("This application has already been sent."),
    "stale_token": gettext_lazy(
        "This page was out of date. Check your answers again, then send your application."
    ),
    "changed": gettext_lazy(
        "Your answers changed after you checked them. Check them again, then send your application."
    ),
    "incomplete": gettext_lazy("You have not answered all the questions yet."),
    "expired": gettext_lazy("This application was not sent in time, so it has been deleted."),
}


class ApplicationRefused(Exception):
    """What the person asked cannot be done; ``message`` says why in their language."""

    def __init__(self, code: str, message: str, *, page_id: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.message = message
        self.page_id = page_id


def _refuse(code: str, *, page_id: str | None = None, **values: Any) -> ApplicationRefused:
    text = str(REFUSALS[code])
    return ApplicationRefused(code, text % values if values else text, page_id=page_id)


# --- reading the registry for a draft ------------------------------------------------------


def _service_title(compiled: CompiledDefinition) -> str:
    return pick(compiled.model.title)


def _acting_reads(actor: Any, compiled: CompiledDefinition) -> Callable[[dict], AccessContext]:
    """Reads for the people the actor acts for: on each one's log, naming the actor's role."""
    purpose = gettext("Apply for %(service)s") % {"service": _service_title(compiled)}
    slug = compiled.model.service

    def access_for(subject: dict[str, Any]) -> AccessContext:
        option = acting_option(actor, subject["person_id"])
        if option is None or not option.covers(slug):
            raise _refuse("not_allowed")
        return acting_access(actor, option, purpose=purpose, organisation=compiled.model.agency)

    return access_for


def _staff_reads(staff: Any, centre_agency: str, service_slug: str) -> Callable[[dict], Any]:
    """Reads by a centre officer with the person at the counter, on the person's log."""
    access = staff_access(
        user=staff, organisation=centre_agency, purpose_code="application", reference=service_slug
    )
    return lambda _subject: access


def _facts_audit(actor: Any, application: Application, compiled: CompiledDefinition) -> None:
    audit_record(
        actor=actor,
        action=RunnerAction.FACTS_READ,
        subject_type=SUBJECT_TYPE,
        subject_id=application.pk,
        purpose="Read registry facts into an application",
        on_behalf_of=_on_behalf_of(actor, application),
        payload={
            "people": list(application.facts),
            "facts": sorted(set(compiled.model.facts.values())),
        },
    )


def _on_behalf_of(actor: Any, application: Application) -> Any:
    """The account the actor acted for (``selectors.application_on_behalf_of``)."""
    return application_on_behalf_of(application, actor)


# --- while a draft ----------------------------------------------------------------------------


def _may_fill_in_or_404(actor: Any, application: Application) -> None:
    """Another person's application is a 404, audited, as everywhere. Called before the
    transaction, so the refusal's audit record is not rolled back with it. (Who an application
    belongs to never changes, so the unlocked row answers.)"""
    if not may_fill_in(actor, application):
        application_for(user=actor, application_id=application.pk)  # raises Http404


def _locked_draft(actor: Any, application: Application) -> Application:
    """The application locked for writing, if it is still a live draft (inside a transaction,
    after ``_may_fill_in_or_404``)."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if not locked.is_draft:
        raise _refuse("not_draft")
    if locked.expires_at is not None and locked.expires_at <= timezone.now():
        raise _refuse("expired")
    return locked


def _visible_only(answers: dict[str, Any], visibility: Visibility) -> dict[str, Any]:
    return {key: value for key, value in answers.items() if key in visibility.fields}


def _orphans_delete(actor: Any, locked: Application, compiled: CompiledDefinition) -> None:
    """Delete the files no answer kept lists any more (a question now hidden, a file replaced):
    personal data the application no longer holds is not kept."""
    if not any(_takes_files(page.fields) for page in compiled.model.pages):
        return  # no file question: no file to look for
    # Imported when needed: the uploads service uses this module's checks.
    from onegate.runner.selectors import upload_ids_referenced
    from onegate.runner.services.uploads import uploads_orphaned_delete

    keep = upload_ids_referenced(compiled, locked.answers)
    uploads_orphaned_delete(actor=actor, application=locked, keep_ids=keep)


def _takes_files(fields: Any) -> bool:
    """Whether any of ``fields`` (or of their groups' fields) is a file question."""
    return any(one.type == "file" or _takes_files(getattr(one, "fields", ())) for one in fields)


def _page(compiled: CompiledDefinition, page_id: str) -> Page:
    page = next((p for p in compiled.model.pages if p.id == page_id), None)
    if page is None:
        raise ValueError(f"no page {page_id!r} in this definition")
    return page


def application_page_save(
    *,
    actor: Any,
    application: Application,
    page_id: str,
    answers: dict[str, Any],
    complete: bool,
    resume_page: str,
    invalid_ids: Iterable[str] = (),
) -> Application:
    """Save one page's answers (JSON, from ``fields.page_form``) in place of its earlier ones.

    A page saved unfinished (``complete`` False: "save and come back later", "add another")
    keeps the stored answer of each field in ``invalid_ids`` (shown, but its new answer wrong):
    nothing given before is lost to a typo. Answers that the new ones hide are dropped, not
    kept, with the files they held. A saved draft is kept for another
    ``retention.draft_days`` from now (and may be reminded again before that ends).
    """
    _may_fill_in_or_404(actor, application)
    with transaction.atomic():
        locked = _locked_draft(actor, application)
        compiled = application_compiled(locked)
        page = _page(compiled, page_id)
        on_page = {field.id for field in page.fields}
        asked = {field.id for field in page.fields if not field.prefill}
        kept = set() if complete else set(invalid_ids) & asked
        stored = {
            key: value for key, value in locked.answers.items() if key not in on_page or key in kept
        }
        stored.update({key: value for key, value in answers.items() if key in asked})
        shown = application_visibility(locked, compiled, answers=stored)
        locked.answers = _visible_only(stored, shown)
        _orphans_delete(actor, locked, compiled)
        first_done = complete and page_id not in locked.pages_done
        done = [p for p in locked.pages_done if p != page_id]
        locked.pages_done = [*done, page_id] if complete else done
        locked.resume_page = resume_page[:63]
        locked.expires_at = timezone.now() + dt.timedelta(days=compiled.model.retention.draft_days)
        locked.reminded_at = None
        assisting = locked.assisted_by_id is not None and locked.assisted_by_id == actor.pk
        if assisting:  # the officer has the person at the counter today
            locked.identity_check = {
                **(locked.identity_check or {}),
                "continued_at": timezone.now().isoformat(),
            }
        locked.save(
            update_fields=[
                "identity_check",
                "answers",
                "pages_done",
                "resume_page",
                "expires_at",
                "reminded_at",
                "updated_at",
            ]
        )
        audit_record(
            actor=actor,
            action=RunnerAction.DRAFT_SAVED,
            subject_type=SUBJECT_TYPE,
            subject_id=locked.pk,
            purpose="Save an application's answers",
            on_behalf_of=_on_behalf_of(actor, locked),
            payload={"page": page_id, "complete": complete},
        )
        if first_done:
            journey_event.send(
                sender=Application, application=locked, kind="page_completed", page_id=page_id
            )
    return locked


def application_subject_remove(
    *, actor: Any, application: Application, person_id: str
) -> Application:
    """Take one person (a child who cannot get it) off an application for several."""
    _may_fill_in_or_404(actor, application)
    with transaction.atomic():
        locked = _locked_draft(actor, application)
        kept = [s for s in locked.subjects if s["person_id"] != str(person_id)]
        if len(kept) == len(locked.subjects) or not kept:
            raise _refuse("not_allowed")
        locked.subjects = kept
        locked.facts = {pid: v for pid, v in locked.facts.items() if pid != str(person_id)}
        locked.save(update_fields=["subjects", "facts", "updated_at"])
        audit_record(
            actor=actor,
            action=RunnerAction.SUBJECT_REMOVED,
            subject_type=SUBJECT_TYPE,
            subject_id=locked.pk,
            purpose="Take a person off an application",
            on_behalf_of=_on_behalf_of(actor, locked),
            payload={"person": str(person_id)},
        )
    return locked


def _reads_for(actor: Any, application: Application, compiled: CompiledDefinition) -> Any:
    """The access for reading the facts again: the assisting officer's, else the actor's."""
    if application.assisted_by_id is not None and application.assisted_by_id == actor.pk:
        where = application.assisted_centre_id
        centre = ServiceCentre.objects.filter(pk=where).first() if where else None
        agency = centre.agency_slug if centre else application.agency_slug
        return _staff_reads(actor, agency, application.service_slug)
    return _acting_reads(actor, compiled)


def application_facts_refresh(
    *, actor: Any, application: Application, request: Any = None
) -> Application:
    """Read the facts again when they are older than ``FACTS_FRESH_HOURS`` (a draft resumed a
    day later shows today's register); fresh facts and sent applications are left as they are."""
    fresh_since = timezone.now() - dt.timedelta(hours=FACTS_FRESH_HOURS)
    if not application.is_draft or (
        application.facts_read_at is not None and application.facts_read_at > fresh_since
    ):
        return application
    compiled = application_compiled(application)
    _may_fill_in_or_404(actor, application)
    with transaction.atomic():
        locked = _locked_draft(actor, application)
        reads = _reads_for(actor, locked, compiled)
        locked.facts = facts_read(compiled=compiled, subjects=locked.subjects, access_for=reads)
        locked.facts_read_at = timezone.now()
        locked.save(update_fields=["facts", "facts_read_at", "updated_at"])
        _facts_audit(actor, locked, compiled)
    return locked


def _files_delete(names: list[str]) -> None:
    storage = uploads_storage()
    for name in names:
        storage.delete(name)


def _abandoned(application: Application) -> None:
    """Tell the performance measures a draft is given up (deleted or expired), at the page it
    would have resumed on: before it is deleted, while it still says what it was."""
    journey_event.send(
        sender=Application,
        application=application,
        kind="abandoned",
        page_id=application.resume_page,
    )


def _remove(application: Application) -> None:
    """Delete the application and its uploads; the files go once the transaction commits."""
    names = [name for name in application.uploads.values_list("file", flat=True) if name]
    application.delete()
    if names:
        transaction.on_commit(partial(_files_delete, names))


def application_delete(*, actor: Any, application: Application) -> None:
    """Delete a draft the person (or the officer assisting) no longer wants, with its files."""
    _may_fill_in_or_404(actor, application)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if not locked.is_draft:
            raise _refuse("not_draft")
        key, service = locked.pk, locked.service_slug
        on_behalf_of = _on_behalf_of(actor, locked)
        _abandoned(locked)
        _remove(locked)
        audit_record(
            actor=actor,
            action=RunnerAction.DRAFT_DELETED,
            subject_type=SUBJECT_TYPE,
            subject_id=key,
            purpose="Delete an application that was not sent",
            on_behalf_of=on_behalf_of,
            payload={"service": service},
        )
