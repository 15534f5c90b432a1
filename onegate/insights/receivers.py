"""What the insights module records when the runner and cases tell it something.

``runner.signals.journey_event`` arrives inside the person's request (and inside the runner's
transaction where it has one): the event is written in a savepoint, and any failure is logged
and swallowed, so a journey never fails, nor loses its transaction, because it could not be
counted. Only the service, the definition version's number, the channel and what happened are
kept: never the application, its account, its people or its reference.

``cases.signals.case_decided`` arrives in a worker and may arrive twice (the announcing task
retries): its DECIDED event carries a dedup key of the case, so it is recorded once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.dispatch import receiver
from django.utils import timezone

from onegate.cases.selectors import case_for_insights
from onegate.cases.signals import case_decided
from onegate.insights.constants import EventKind, SlaResult
from onegate.insights.services.recording import event_dedup_key, event_record
from onegate.runner.signals import journey_event

__all__ = ["decision_record", "journey_event_record"]

ONCE_PER_PAGE = frozenset({EventKind.PAGE_VIEWED, EventKind.PAGE_INVALID, EventKind.INELIGIBLE})

logger = logging.getLogger(__name__)

# The number of each published definition version, by version id. Published versions never
# change, so an entry never goes stale; drafts have no number and are never kept here.
_version_numbers: dict[Any, int] = {}
_VERSION_NUMBERS_KEPT = 10_000


def _version_number(application: Any) -> int | None:
    """The number of the version the application is pinned to; None for a draft version (the
    designer's preview, which must not count)."""
    key = application.definition_version_id
    number = _version_numbers.get(key)
    if number is not None:
        return number
    version = application.definition_version
    if version.is_draft or version.number is None:
        return None
    if len(_version_numbers) >= _VERSION_NUMBERS_KEPT:
        _version_numbers.clear()
    _version_numbers[key] = version.number
    return int(version.number)


def _never_failing(record: Callable[[], object], *, kind: str) -> None:
    """Run ``record``; on any error, log it (the kind and the error's class: no values, which
    could be personal) and go on. Inside the caller's transaction it runs in a savepoint, so a
    failed INSERT leaves that transaction usable; outside one, in a transaction of its own that
    does not wait for the disk (below)."""
    try:
        if connection.in_atomic_block:
            with transaction.atomic():
                record()
        else:
            with transaction.atomic():
                _commit_without_waiting()
                record()
    except Exception as error:  # a journey never fails because it could not be counted
        logger.warning("Could not record a %s event: %s", kind, type(error).__name__)


def _commit_without_waiting() -> None:
    """A page view's event alone in its transaction: PostgreSQL commits it without waiting for
    the write-ahead log to reach the disk, which costs a page a few milliseconds; a crash may
    lose the last fraction of a second of counts, never a person's data (nothing else is in
    this transaction)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


# --- the journey ------------------------------------------------------------------------------


@receiver(journey_event, dispatch_uid="insights.journey_event_record")
def journey_event_record(
    sender: Any, application: Any, kind: str, page_id: str = "", **kwargs: Any
) -> None:
    """An event of an application's journey, counted for its service and version."""
    _never_failing(lambda: _journey_record(application, kind, page_id or ""), kind=kind)


def _journey_record(application: Any, kind: str, page_id: str) -> None:
    version = _version_number(application)
    if version is None:
        return
    seconds = None
    if kind == EventKind.SUBMITTED and application.submitted_at is not None:
        seconds = (application.submitted_at - application.created_at).total_seconds()
    # Seen, refused or "you cannot apply" at a page: counted once per application and page,
    # however often the person reloads, comes back or tries again, so the funnel counts
    # applications at every step and a page's error rate is a share of those that saw it.
    dedup = None
    if kind in ONCE_PER_PAGE:
        dedup = event_dedup_key(kind, f"{application.pk}:{page_id}")
    event_record(
        kind=kind,
        service_slug=application.service_slug,
        version=version,
        channel=application.channel,
        page_id=page_id,
        seconds=seconds,
        dedup=dedup,
    )


# --- cases --------------------------------------------------------------------------------------


@receiver(case_decided, dispatch_uid="insights.decision_record")
def decision_record(sender: Any, case_id: str, outcome: str = "", **kwargs: Any) -> None:
    """A decision: its outcome, how it was made, whether within the service level, how long
    it took from sending. Told twice, recorded once.

    Unlike a page's events, a failure here raises: the announcing task is tried again (the
    dedup key makes that safe), so a passing database error never loses a decision's count; and
    it commits as any write does, waiting for the disk."""
    with transaction.atomic():
        _decision_record(case_id)


def _decision_record(case_id: str) -> None:
    case = case_for_insights(case_id=case_id)
    if case is None or case["decided_at"] is None or case["version"] is None:
        return
    decided_on = timezone.localdate(case["decided_at"])
    met = decided_on <= case["sla_due_on"]
    event_record(
        kind=EventKind.DECIDED,
        service_slug=case["service_slug"],
        version=case["version"],
        channel=case["channel"],
        outcome=case["outcome"],
        decided_how=case["decided_how"],
        sla=SlaResult.MET if met else SlaResult.MISSED,
        seconds=(case["decided_at"] - case["submitted_at"]).total_seconds(),
        dedup=event_dedup_key("decided", case_id),
    )
