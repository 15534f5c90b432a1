""" "Is this wrong?" from an application: a person says a fact a register filled in is wrong.

The fact is not changed here, and the application carries on with it as the register has it:
the registries' correction request goes to the agency that keeps the fact
(``registries.services.corrections.correction_request_open``, audited there), and the
application's own audit log says it was asked from this draft. Only for the people the
application is for, and only while it is a draft.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from onegate.audit.constants import RunnerAction
from onegate.audit.services import audit_record
from onegate.registries.models import CorrectionRequest, Person
from onegate.registries.services.corrections import correction_request_open
from onegate.runner.models import Application
from onegate.runner.selectors import (
    SUBJECT_TYPE,
    application_compiled,
    application_for,
    may_fill_in,
)
from onegate.runner.services.drafts import ApplicationRefused

__all__ = ["application_correction_request"]


def _subject(application: Application, person_id: str) -> dict[str, Any] | None:
    """The person of the application with this registry id (None: not one it is for)."""
    return next(
        (s for s in application.subjects or [] if str(s.get("person_id")) == str(person_id)),
        None,
    )


def _refused(code: str) -> ApplicationRefused:
    messages = {
        "not_draft": gettext("This application has already been sent."),
        "expired": gettext("This application was not sent in time, so it has been deleted."),
        "not_allowed": gettext("You cannot report this detail as wrong from this application."),
    }
    return ApplicationRefused(code, messages[code])


def _reporter(actor: Any) -> str:
    """Who reported it, as the registries keep it: the account's key."""
    return str(actor.pk) if getattr(actor, "pk", None) is not None else "citizen"


def application_correction_request(
    *,
    actor: Any,
    application: Application,
    person_id: str,
    alias: str,
    description: str,
) -> CorrectionRequest:
    """Tell the agency that keeps the fact behind ``alias`` (the definition's name for it) that
    it is wrong about ``person_id``, in the person's words (``description``).

    Another person's application is a 404 (audited), as everywhere; a person the application
    is not for, or a name the definition does not give a fact, is refused ("not_allowed"), as
    is an application already sent or expired. A description that is empty or too long is the
    registries' ``ValidationError``.
    """
    if not may_fill_in(actor, application):
        application_for(user=actor, application_id=application.pk)  # raises Http404, audited
    fact = application_compiled(application).model.facts.get(alias)
    person = (
        Person.objects.filter(pk=person_id).first()
        if _subject(application, person_id) is not None
        else None
    )
    if fact is None or person is None:
        raise _refused("not_allowed")
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if not locked.is_draft:
            raise _refused("not_draft")
        if locked.expires_at is not None and locked.expires_at <= timezone.now():
            raise _refused("expired")
        request = correction_request_open(
            person=person,
            fact=fact,
            description=description,
            reported_by=_reporter(actor),
            actor=actor,
        )
        audit_record(
            actor=actor,
            action=RunnerAction.CORRECTION_ASKED,
            subject_type=SUBJECT_TYPE,
            subject_id=locked.pk,
            purpose="Tell the agency that keeps a registry fact that it is wrong",
            payload={
                "fact": fact,
                "alias": alias,
                "person": str(person_id),
                "correction_request": str(request.pk),
                "agency": request.owning_agency,
            },
            on_behalf_of=locked.user if locked.assisted_by_id == actor.pk else None,
        )
    return request
