"""How a case reads to its person: the status tag, the timeline's lines, what happens next, what
the case page shows (``case_summary``, ``case_page_context``) and the lines the runner's "Your
applications" page shows (the provider registered with ``onegate.runner.status`` when this
module is imported, from ``CasesConfig.ready``).

The provider finds the user's cases with ``selectors_citizen.cases_of`` (one query) and the
answer-by days of the open requests among them (one more, only when some are open): its cost
does not grow with the number of cases.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onegate.cases.constants import OPEN_STATES, CaseStatus, DecidedBy, EventKind
from onegate.cases.models import Case, CaseEvent, InformationRequest
from onegate.cases.notice import is_decided, review_deadline, review_open
from onegate.cases.selectors_citizen import (
    case_agency_name,
    case_open_request,
    case_service_title,
    case_timeline,
    cases_of,
)
from onegate.core.languages import format_date, pick
from onegate.runner.models import Application
from onegate.runner.status import StatusLine, status_provider_register

__all__ = [
    "TimelineEntry",
    "case_page_context",
    "case_statuses",
    "case_summary",
    "case_timeline_entries",
    "status_colour",
    "what_happens_next",
]

S = CaseStatus
# The GOV.UK tag colour of each status ("" is the default dark blue).
COLOURS = {
    S.SUBMITTED: "blue",
    S.DECIDING: "blue",
    S.REFERRED: "light-blue",
    S.IN_REVIEW: "light-blue",
    S.INFORMATION_REQUESTED: "orange",
    S.INFORMATION_RECEIVED: "light-blue",
    S.APPROVED: "green",
    S.REFUSED: "red",
    S.WITHDRAWN: "grey",
    S.CLOSED: "grey",
}

# A line of the person's timeline, in their words: what a status change (or an event) meant.
# A change of status and the event that caused it say the same, and are shown once (the event
# "information_requested" has the status's value, so one entry serves both).
TIMELINE_WORDS: dict[str, Any] = {
    S.SUBMITTED: gettext_lazy("Application received"),
    S.DECIDING: gettext_lazy("Checked against the service's rules"),
    S.REFERRED: gettext_lazy("Passed to an officer to decide"),
    S.IN_REVIEW: gettext_lazy("An officer started looking at it"),
    S.INFORMATION_REQUESTED: gettext_lazy("More information asked for"),
    S.INFORMATION_RECEIVED: gettext_lazy("Information received"),
    S.APPROVED: gettext_lazy("Approved"),
    S.REFUSED: gettext_lazy("Refused"),
    S.WITHDRAWN: gettext_lazy("Withdrawn"),
    S.CLOSED: gettext_lazy("Closed: a review was asked for"),
    EventKind.INFORMATION_ANSWERED: gettext_lazy("Information received"),
    EventKind.REVIEW_ASKED: gettext_lazy("Review asked for"),
    EventKind.MOVE_SCHEDULED: gettext_lazy(
        "Your new address goes on the house register on the day you move"
    ),
    EventKind.MOVE_RECORDED: gettext_lazy(
        "Your new address is on the house register, and the agencies you chose are being told"
    ),
    EventKind.MOVE_NOT_RECORDED: gettext_lazy(
        "The house register could not take your new address. Report the change of address "
        "again from your account, or visit a service centre"
    ),
}


def status_colour(status: str) -> str:
    return COLOURS.get(S(status), "") if status in S.values else ""


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the person's timeline."""

    at: dt.datetime
    title: str


def _event_title(event: CaseEvent) -> str:
    key = event.to_status if event.kind == EventKind.STATUS else event.kind
    words = TIMELINE_WORDS.get(str(key))
    if words is not None:
        return str(words)
    return str(EventKind(event.kind).label) if event.kind in EventKind.values else event.kind


def case_timeline_entries(events: Sequence[CaseEvent]) -> list[TimelineEntry]:
    """The events (``selectors_citizen.case_timeline``) as lines, the same line twice in a row
    kept once (a status change and the event causing it)."""
    entries: list[TimelineEntry] = []
    for event in events:
        title = _event_title(event)
        if entries and entries[-1].title == title:
            continue
        entries.append(TimelineEntry(event.created_at, title))
    return entries


def _expected(case: Case) -> str:
    return format_date(case.sla_due_on)


def _after_decision(case: Case) -> str:
    if case.status == S.APPROVED:
        return _("The application has been approved. The decision notice gives the details.")
    deadline = review_deadline(case)
    if deadline is not None and review_open(case):
        return _(
            "The application has been refused. If you think the decision is wrong, you can ask "
            "for a review by %(date)s. A different officer will look at it again."
        ) % {"date": format_date(deadline)}
    return _("The application has been refused. The time to ask for a review has passed.")


def what_happens_next(case: Case, *, review: Case | None = None) -> str:
    """What the person can expect now, in the page's language."""
    values = {"date": _expected(case), "agency": case_agency_name(case)}
    if case.status in (S.SUBMITTED, S.DECIDING):
        return _(
            "The application is being checked against the service's rules. Most are decided "
            "within minutes. We will send you a message when there is a decision."
        )
    if case.status in (S.REFERRED, S.IN_REVIEW, S.INFORMATION_RECEIVED):
        return (
            _(
                "An officer at %(agency)s will decide. We expect a decision by %(date)s. We will "
                "send you a message when there is a decision, or if we need more information."
            )
            % values
        )
    if case.status == S.INFORMATION_REQUESTED:
        return _(
            "We need more information from you before we can decide. Answer the request below."
        )
    if case.status in (S.APPROVED, S.REFUSED):
        return _after_decision(case)
    if case.status == S.CLOSED and review is not None:
        return _("A review of this decision was asked for. The review is case %(reference)s.") % {
            "reference": review.reference
        }
    if case.status == S.WITHDRAWN:
        return _("The application was withdrawn. Nothing more will happen. You can apply again.")
    return ""


# --- the case page -------------------------------------------------------------------------------


def case_summary(case: Case) -> dict[str, Any]:
    """What every page about the case shows at its top."""
    return {
        "case": case,
        "person": pick(case.subject_names or {}),
        "service_title": case_service_title(case),
        "agency": case_agency_name(case),
        "status_label": str(S(case.status).label),
        "status_colour": status_colour(case.status),
    }


def _answered_requests(case: Case) -> list[InformationRequest]:
    found = case.information_requests.filter(answered_at__isnull=False).prefetch_related("files")
    return list(found.order_by("asked_at"))


def _decision(case: Case) -> dict[str, Any]:
    if not is_decided(case) or case.decided_at is None:
        return {"decided": False}
    reason = pick(case.decision_reason or {})
    how = str(DecidedBy(case.decided_how).label) if case.decided_how in DecidedBy.values else ""
    return {
        "decided": True,
        "decided_on": timezone.localdate(case.decided_at),
        "reasons": [part.strip() for part in reason.split("\n\n") if part.strip()],
        "decided_how": how,
    }


def case_page_context(case: Case) -> dict[str, Any]:
    """Everything the case page shows (a few queries: events, requests, a review)."""
    review = case.reviews.first() if case.status == S.CLOSED else None
    events = case_timeline(case)
    return (
        case_summary(case)
        | _decision(case)
        | {
            "timeline": case_timeline_entries(events),
            # A move on the house register: each agency told shows on "Changes of address".
            "move_recorded": any(event.kind == EventKind.MOVE_RECORDED for event in events),
            "what_next": what_happens_next(case, review=review),
            "expected_on": case.sla_due_on if case.status in OPEN_STATES else None,
            "open_request": case_open_request(case)
            if case.status == S.INFORMATION_REQUESTED
            else None,
            "answered_requests": _answered_requests(case),
            "can_withdraw": case.can_withdraw(),
            "review_open": review_open(case),
            "review_deadline": review_deadline(case),
            "review": review,
        }
    )


# --- "Your applications" ----------------------------------------------------------------------


def _line(case: Case, answer_by: dt.date | None, *, listed: bool) -> StatusLine:
    decided = is_decided(case) and case.decided_at is not None
    note = ""
    if case.review_of_id is not None and case.review_of is not None:
        note = _("This is a review of %(reference)s") % {"reference": case.review_of.reference}
    return StatusLine(
        application_id=str(case.application_id),
        person=pick(case.subject_names or {}),
        status=str(S(case.status).label),
        colour=status_colour(case.status),
        url=reverse("cases:case", kwargs={"reference": case.reference}),
        reference=case.reference,
        expected_on=case.sla_due_on if case.status in OPEN_STATES else None,
        decided_on=timezone.localdate(case.decided_at) if decided and case.decided_at else None,
        answer_by=answer_by,
        note=note,
        service_title="" if listed else case_service_title(case),
        sent_on=None if listed else timezone.localdate(case.submitted_at),
    )


def _answer_by_days(cases: Sequence[Case]) -> dict[Any, dt.date]:
    waiting = [case.pk for case in cases if case.status == S.INFORMATION_REQUESTED]
    if not waiting:
        return {}
    found = InformationRequest.objects.filter(case_id__in=waiting, answered_at__isnull=True)
    return dict(found.values_list("case_id", "respond_by"))


@status_provider_register
def case_statuses(applications: Sequence[Application], user: Any) -> list[StatusLine]:
    """A line per case ``user`` may see: those of ``applications`` and of applications someone
    else sent for a person they act for. Within an application, in the order they were opened."""
    cases = sorted(cases_of(user=user), key=lambda case: (case.created_at, case.pk))
    listed = {str(one.pk) for one in applications}
    answer_by = _answer_by_days(cases)
    lines = [
        _line(case, answer_by.get(case.pk), listed=str(case.application_id) in listed)
        for case in cases
    ]
    # Others' applications newest first, as the page lists its own.
    return sorted(lines, key=lambda line: line.sent_on or dt.date.max, reverse=True)
