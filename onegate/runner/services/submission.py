"""Sending an application: once, only what was checked, only when complete and eligible.

Idempotent: the "check your answers" form carries the application's ``submit_token``; a second
POST with it finds the application sent and returns it, writing nothing. In one transaction,
with the row locked, the submission freezes the answers as the rules count them (hidden answers
removed), records eligibility and who acted for whom, gives the reference, tells the person
(notify, once per reference) and enqueues the announcement to other modules
(``signals.application_submitted``), which runs only once the transaction has committed.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from onegate.audit.constants import CaseAction
from onegate.audit.services import audit_record
from onegate.core.languages import pick
from onegate.core.tasks import enqueue_in_transaction
from onegate.definitions.language import (
    CompiledDefinition,
    RuleInputs,
    Visibility,
    eligibility_evaluate,
)
from onegate.definitions.language.model import DeclarationField, GroupField
from onegate.identity.acting import ActingOption, people_i_act_for
from onegate.identity.permissions import StaffPermission, staff_can
from onegate.runner.constants import ApplicationStatus
from onegate.runner.facts import application_inputs
from onegate.runner.journey import application_visibility, journey_from_visibility
from onegate.runner.models import Application
from onegate.runner.notifications import submitted_message
from onegate.runner.references import reference_new
from onegate.runner.selectors import (
    SUBJECT_TYPE,
    answers_checksum,
    application_compiled,
    application_for,
    may_fill_in,
)

# Package-private helpers shared by the runner's services.
from onegate.runner.services.drafts import (
    ApplicationRefused,
    _on_behalf_of,
    _orphans_delete,
    _refuse,
    _visible_only,
)
from onegate.runner.signals import journey_event
from onegate.runner.tasks import application_submitted_announce

__all__ = ["application_submit"]

REFERENCE_TRIES = 5


def _present(field: Any, value: Any) -> bool:
    if isinstance(field, DeclarationField):
        return value is True
    if isinstance(field, GroupField):
        return isinstance(value, list) and len(value) >= max(field.min_items, 1)
    return value not in (None, "", [], {})


def _first_incomplete(
    application: Application, compiled: CompiledDefinition, visibility: Visibility
) -> str | None:
    """The first visible page with a required answer missing, or a screen not yet finished."""
    screens = set(journey_from_visibility(compiled, visibility).screen_ids)
    for page in compiled.model.pages:
        if page.id not in visibility.pages:
            continue
        if page.id in screens and page.id not in application.pages_done:
            return page.id
        for field in page.fields:
            needed = field.id in visibility.fields and field.required and not field.prefill
            if needed and not _present(field, application.answers.get(field.id)):
                return page.id
    return None


def _declarations_merge(
    application: Application, compiled: CompiledDefinition, declarations: dict[str, bool] | None
) -> None:
    declared = {
        field.id
        for _page, field in compiled.model.all_fields()
        if isinstance(field, DeclarationField)
    }
    for field_id, value in (declarations or {}).items():
        if field_id in declared:
            if value is True:
                application.answers[field_id] = True
            else:
                application.answers.pop(field_id, None)


def _all_inputs(inputs: RuleInputs, compiled: CompiledDefinition) -> RuleInputs:
    """Every field given (None when not answered): nothing more will come, so a rule reading
    an unanswered question is evaluated on null rather than waiting."""
    answers = dict.fromkeys(compiled.plan.field_ids) | dict(inputs.answers)
    return RuleInputs(answers=answers, facts=inputs.facts, applicant=inputs.applicant)


def _eligibility(application: Application, compiled: CompiledDefinition) -> dict[str, dict]:
    found = {}
    for subject in application.subjects:
        inputs = application_inputs(application, person_id=subject["person_id"], compiled=compiled)
        result = eligibility_evaluate(compiled, _all_inputs(inputs, compiled))
        found[subject["person_id"]] = {
            "eligible": result.eligible,
            "failed_rule": result.failed_rule,
            "reason": result.reason,
            "pending": list(result.pending),
            "errored": list(result.errored),
        }
    return found


def _acting_record(
    actor: Any, application: Application, options: dict[str, ActingOption]
) -> dict[str, Any]:
    relationships, delegations = {}, []
    for subject in application.subjects:
        relationships[subject["person_id"]] = subject["relationship"]
        option = options.get(str(subject["person_id"]))
        if option is not None:
            delegations += list(option.delegation_ids)
    return {
        "actor": str(actor.pk),
        "applicant_person_id": application.applicant_person_id,
        "applies_as": application.applies_as,
        "relationships": relationships,
        "delegations": delegations,
        "assisted_by": str(application.assisted_by_id or ""),
        "centre": str(application.assisted_centre_id or ""),
    }


def _acting_options(actor: Any, application: Application) -> dict[str, ActingOption]:
    """Whom the actor may act for today, by person id: read once for the whole submission
    (none for the officer assisting, who acts on the centre's permission)."""
    if _assisting(actor, application):
        return {}
    return {option.person_id: option for option in people_i_act_for(actor)}


def _assisting(actor: Any, application: Application) -> bool:
    return application.assisted_by_id is not None and application.assisted_by_id == actor.pk


def _may_still_act(actor: Any, application: Application, options: dict[str, ActingOption]) -> bool:
    """On sending, the actor may still act for everyone on it (a delegation can have ended,
    a child come of age); the assisting officer still has the permission at the centre."""
    if _assisting(actor, application):
        return staff_can(
            actor, StaffPermission.ASSIST_APPLICANT, centre_id=application.assisted_centre_id
        )
    for subject in application.subjects:
        option = options.get(str(subject["person_id"]))
        if option is None or not option.covers(application.service_slug):
            return False
    return True


def _sha256(value: Any) -> str:
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _reference_give(application: Application) -> None:
    """Save the sent application with a new reference, trying again on the (rare) clash."""
    fields = [
        "status",
        "answers",
        "submission",
        "reference",
        "submitted_at",
        "language",
        "expires_at",
        "updated_at",
    ]
    for _attempt in range(REFERENCE_TRIES):
        application.reference = reference_new()
        try:
            with transaction.atomic():
                application.save(update_fields=fields)
            return
        except IntegrityError:
            continue
    raise IntegrityError("no free reference after several tries")


def _submitted_check(
    locked: Application, submit_token: uuid.UUID, checksum: str
) -> Application | None:
    """The application already sent with this token (return it), or None to go on; refusals."""
    same_token = str(locked.submit_token) == str(submit_token)
    if not locked.is_draft:
        if same_token:
            return locked
        raise _refuse("stale_token")
    if not same_token:
        raise _refuse("stale_token")
    if locked.expires_at is not None and locked.expires_at <= timezone.now():
        raise _refuse("expired")
    if answers_checksum(locked) != checksum:
        raise _refuse("changed")
    return None


def application_submit(
    *,
    actor: Any,
    application_id: Any,
    submit_token: uuid.UUID,
    answers_checksum: str,
    declarations: dict[str, bool] | None = None,
    language: str,
    application: Application | None = None,
) -> Application:
    """Send the application: complete, eligible for everyone on it, frozen, with a reference.

    Idempotent by ``submit_token``: the same POST again returns the sent application.
    ``application``: the one ``selectors.application_for`` already gave the caller for
    ``application_id`` (not read again); without it, it is read and checked here.
    """
    given = application if application is not None and application.pk == application_id else None
    if given is None or not may_fill_in(actor, given):
        application_for(user=actor, application_id=application_id)  # another's: 404, audited
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("definition_version")
            .get(pk=application_id)
        )
        sent = _submitted_check(locked, submit_token, answers_checksum)
        if sent is not None:
            return sent
        options = _acting_options(actor, locked)
        if not _may_still_act(actor, locked, options):
            raise _refuse("not_allowed")
        compiled = application_compiled(locked)
        _declarations_merge(locked, compiled, declarations)
        visibility = application_visibility(locked, compiled)
        missing = _first_incomplete(locked, compiled, visibility)
        if missing is not None:
            raise _refuse("incomplete", page_id=missing)
        locked.answers = _visible_only(locked.answers, visibility)
        _orphans_delete(actor, locked, compiled)
        eligibility = _eligibility(locked, compiled)
        refused = next((r for r in eligibility.values() if r["eligible"] is False), None)
        if refused is not None:
            raise ApplicationRefused("ineligible", pick(refused["reason"] or {}))
        _freeze(actor, locked, eligibility, language, options)
        audit_record(
            actor=actor,
            action=CaseAction.APPLICATION_SUBMITTED,
            subject_type=SUBJECT_TYPE,
            subject_id=locked.pk,
            purpose="Send an application",
            on_behalf_of=_on_behalf_of(actor, locked),
            payload={
                "reference": locked.reference,
                "service": locked.service_slug,
                "version": locked.submission["version"],
                "people": [s["person_id"] for s in locked.subjects],
            },
        )
        submitted_message(application=locked, compiled=compiled, actor=actor)
        enqueue_in_transaction(application_submitted_announce, application_id=str(locked.pk))
        journey_event.send(sender=Application, application=locked, kind="submitted", page_id="")
    return locked


def _freeze(
    actor: Any,
    locked: Application,
    eligibility: dict,
    language: str,
    options: dict[str, ActingOption],
) -> None:
    now = timezone.now()
    locked.submission = {
        "eligibility": eligibility,
        "acting": _acting_record(actor, locked, options),
        "version": locked.definition_version.number,
        "answers_sha256": _sha256(locked.answers),
        "facts_sha256": _sha256(locked.facts),
    }
    locked.status = ApplicationStatus.SUBMITTED
    locked.submitted_at = now
    locked.language = language
    locked.expires_at = None
    _reference_give(locked)
