"""Tell us you have moved: an approved move goes to the house register, once, for the agencies
the person ticked.

A case of ``MOVE_SERVICE`` approved (by the rules or an officer) is announced with
``signals.case_decided``; ``receivers.record_move_on_approval`` enqueues ``tasks.case_move_record``
from the announcing task, and that task calls ``case_move_record``. Under the case's
row lock it records the move with the registries' ``address_change_report`` for the case's
person (the new address and moving date from the answers, the agencies from
``agencies_to_tell``), and appends a line to the case's history in the same transaction. That
line is the idempotency key: a retried task finds it and does nothing.

What the register may do with a move, each a history line the person sees:

* ``MOVE_RECORDED``: the address is on the register and the chosen agencies are being told (each
  delivery shows on the person's "Changes of address" page). An address that already was the
  current one counts as recorded (nothing more to do; no agency is told twice).
* ``MOVE_SCHEDULED``: a move dated in the future (the service takes them 30 days ahead; the
  register holds no future addresses) is recorded by a task that runs on the moving day; the
  wait is audited.
* ``MOVE_NOT_RECORDED``: the register refused it (a date before the current address began, an
  address that no longer checks out, a person not on the register). The decision stands; the
  person is told to report the move again, or visit a service centre, and it is audited.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from onegate.audit.constants import CaseAction
from onegate.audit.services import audit_record
from onegate.cases.constants import CaseStatus, EventKind
from onegate.cases.models import Case
from onegate.cases.services._transition import SUBJECT_TYPE, _event, _locked
from onegate.registries.addresses import AddressInput, ValidAddress, address_validate
from onegate.registries.models import Person
from onegate.registries.selectors import address_is_current
from onegate.registries.services.addresses import address_change_report

__all__ = ["MOVE_SERVICE", "case_move_record"]

logger = logging.getLogger(__name__)

MOVE_SERVICE = "tell-us-you-have-moved"
DONE = (EventKind.MOVE_RECORDED, EventKind.MOVE_NOT_RECORDED)


@dataclass(frozen=True)
class _Move:
    address: ValidAddress
    moved_on: dt.date
    agencies: tuple[str, ...]  # agency slugs


def case_move_record(*, case_id: str) -> str:
    """Record the approved move of the case on the house register, once; return the history
    line's kind (or "" for a case that is not an approved move)."""
    with transaction.atomic():
        case = _locked(case_id=case_id)
        if case.service_slug != MOVE_SERVICE or case.status != CaseStatus.APPROVED:
            return ""
        done = case.events.filter(kind__in=[str(kind) for kind in DONE]).first()
        if done is not None:
            return done.kind
        try:
            move = _move_of(case.application.answers or {})
        except ValidationError as error:
            return _not_recorded(case, code=_code(error))
        if move.moved_on > timezone.localdate():
            return _scheduled(case, move.moved_on)
        return _recorded(case, move)


def _move_of(answers: dict[str, Any]) -> _Move:
    """The move as the person answered it: raises ``ValidationError`` for an answer that no
    longer checks out (the divisions changed, say)."""
    given = answers.get("new_address") or {}
    address = address_validate(
        address=AddressInput(
            house_number=str(given.get("house_number") or ""),
            moo=str(given.get("moo") or ""),
            building=str(given.get("village") or ""),
            soi=str(given.get("soi") or ""),
            road=str(given.get("road") or ""),
            sub_district_code=str(given.get("sub_district_code") or ""),
            postcode=str(given.get("postcode") or ""),
        )
    )
    try:
        moved_on = dt.date.fromisoformat(str(answers.get("moved_on")))
    except ValueError:
        raise ValidationError("no moving date", code="moved_on") from None
    # The options' values are the agencies' slugs, written with "_" for "-". No answer means
    # nobody is told, not the register's ``agencies=None`` ("every subscribed agency"): the
    # field is optional, so a person who unticked every agency sends none, and applications
    # from before the field existed said nothing about agencies either.
    ticked = answers.get("agencies_to_tell") or []
    agencies = tuple(str(value).replace("_", "-") for value in ticked)
    return _Move(address=address, moved_on=moved_on, agencies=agencies)


def _recorded(case: Case, move: _Move) -> str:
    person = Person.objects.filter(pk=case.subject_person_id).first()
    if person is None:
        return _not_recorded(case, code="not_on_register")
    if address_is_current(person_id=str(person.pk), address=move.address):
        # Reported another way first (from the person's account, say): the register has it and
        # the agencies then chosen were told; telling anyone again would be a second move. This
        # is asked first because the register refuses a date not after the current address
        # began ("before_current") before it compares the places.
        return _already(case)
    try:
        event = address_change_report(
            person=person,
            address=move.address,
            moved_on=move.moved_on,
            actor=None,
            purpose=f"Tell us you have moved: application {case.application.reference}",
            agencies=move.agencies,
        )
    except ValidationError as error:
        code = _code(error)
        if code != "unchanged":
            return _not_recorded(case, code=code)
        return _already(case)  # reported elsewhere in between
    payload = {"event": str(event.pk), "agencies": list(move.agencies)}
    _event(case, actor=None, kind=EventKind.MOVE_RECORDED, payload=payload)
    return EventKind.MOVE_RECORDED


def _already(case: Case) -> str:
    _event(case, actor=None, kind=EventKind.MOVE_RECORDED, payload={"already": True})
    return EventKind.MOVE_RECORDED


def _scheduled(case: Case, moved_on: dt.date) -> str:
    from onegate.cases.tasks import case_move_record_task
    from onegate.core.tasks import enqueue_in_transaction

    if not case.events.filter(kind=EventKind.MOVE_SCHEDULED).exists():
        _event(case, actor=None, kind=EventKind.MOVE_SCHEDULED,
               payload={"moved_on": moved_on.isoformat()})  # fmt: skip
        audit_record(
            actor=None,
            action=CaseAction.MOVE_SCHEDULED,
            subject_type=SUBJECT_TYPE,
            subject_id=case.pk,
            purpose="Record an approved move on the house register on the moving day",
            payload={"reference": case.reference},  # not the date: it says when they move
        )
    start = dt.datetime.combine(moved_on, dt.time.min, tzinfo=timezone.get_current_timezone())
    # A second run before the day enqueues a second task: the first to run records the move,
    # the other finds its history line and does nothing.
    enqueue_in_transaction(case_move_record_task.using(run_after=start), str(case.pk))
    return EventKind.MOVE_SCHEDULED


def _not_recorded(case: Case, *, code: str) -> str:
    # The reason's code only: the address and the date are personal data.
    logger.warning("approved move of case %s not recorded on the house register: %s", case.pk, code)
    _event(case, actor=None, kind=EventKind.MOVE_NOT_RECORDED, payload={"code": code})
    audit_record(
        actor=None,
        action=CaseAction.MOVE_NOT_RECORDED,
        subject_type=SUBJECT_TYPE,
        subject_id=case.pk,
        purpose="Record an approved move on the house register",
        payload={"reference": case.reference, "code": code},
    )
    return EventKind.MOVE_NOT_RECORDED


def _code(error: ValidationError) -> str:
    """The first error's code ("before_current", "future", "unchanged", …)."""
    errors = (
        [one for field in error.error_dict.values() for one in field]
        if hasattr(error, "error_dict")
        else error.error_list
    )
    return next((str(one.code) for one in errors if one.code), "invalid")
