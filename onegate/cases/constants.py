"""The vocabulary of cases: a case's states and their groups, outcomes, who acted, limits."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Received")  # opened from a sent application; rules not run yet
    DECIDING = "deciding", _("Being checked")  # the rules are being evaluated
    APPROVED = "approved", _("Approved")  # decided: granted (by the rules or an officer)
    REFUSED = "refused", _("Refused")  # decided: not granted, with reasons
    REFERRED = "referred", _("Waiting for an officer")  # in the agency's queue, nobody on it
    IN_REVIEW = "in_review", _("Being reviewed by an officer")  # an officer has taken it
    INFORMATION_REQUESTED = "information_requested", _("Information needed from you")
    INFORMATION_RECEIVED = "information_received", _("Information received")  # back in the queue
    WITHDRAWN = "withdrawn", _("Withdrawn")  # by the person, before a decision
    CLOSED = "closed", _("Closed")  # nothing more to do (a refusal whose review was opened)


S = CaseStatus
# Decided or finished: nothing changes a case in these states but a review (a new case).
FINAL_STATES = frozenset({S.APPROVED, S.REFUSED, S.WITHDRAWN, S.CLOSED})
DECIDED_STATES = frozenset({S.APPROVED, S.REFUSED})
# Waiting in an agency's queue for an officer to take it.
QUEUE_STATES = frozenset({S.REFERRED, S.INFORMATION_RECEIVED})
# An officer may act on it (decide, ask for information, note, reassign).
WORKING_STATES = frozenset({S.IN_REVIEW})
# The person may withdraw it.
WITHDRAWABLE_STATES = frozenset(
    {S.SUBMITTED, S.DECIDING, S.REFERRED, S.IN_REVIEW, S.INFORMATION_REQUESTED,
     S.INFORMATION_RECEIVED}
)  # fmt: skip
OPEN_STATES = frozenset(CaseStatus) - FINAL_STATES


class Outcome(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REFUSE = "refuse", _("Refuse")
    REFER = "refer", _("Refer to an officer")


class DecidedBy(models.TextChoices):
    RULES = "rules", _("Decided automatically by the service's rules")
    OFFICER = "officer", _("Decided by an officer")
    FOUR_EYES = "four_eyes", _("Decided by an officer and confirmed by a second officer")


class EventKind(models.TextChoices):
    """One line of a case's history (``CaseEvent``)."""

    STATUS = "status", _("Status changed")
    RULES = "rules", _("Rules evaluated")
    ASSIGNED = "assigned", _("Assigned")
    NOTE = "note", _("Note")  # staff only
    REFUSAL_PROPOSED = "refusal_proposed", _("Refusal proposed, waiting for a second officer")
    REFUSAL_REJECTED = "refusal_rejected", _("Proposed refusal not confirmed")
    INFORMATION_REQUESTED = "information_requested", _("Information requested")
    INFORMATION_ANSWERED = "information_answered", _("Information given")
    REVIEW_ASKED = "review_asked", _("Review asked for")
    # Tell us you have moved (``services.moves``): what the house register did with the move.
    MOVE_SCHEDULED = (
        "move_scheduled",
        _("New address to go on the house register on the moving day"),
    )
    MOVE_RECORDED = "move_recorded", _("New address on the house register, chosen agencies told")
    MOVE_NOT_RECORDED = "move_not_recorded", _("House register not updated")


# Events only staff see on the case page (the person's timeline leaves them out).
STAFF_ONLY_EVENTS = frozenset({EventKind.NOTE, EventKind.ASSIGNED, EventKind.REFUSAL_PROPOSED,
                               EventKind.REFUSAL_REJECTED, EventKind.RULES})  # fmt: skip

# Limits on what people type.
NOTE_MAX_CHARS = 4000
REASON_MAX_CHARS = 2000
QUESTION_MAX_CHARS = 2000
ANSWER_MAX_CHARS = 5000
ANSWER_MAX_FILES = 5
ANSWER_FILE_MAX_BYTES = 10 * 1024 * 1024
ANSWER_FILE_TYPES = ("pdf", "jpeg", "png")
# Working days the person has to answer a request for information.
RESPOND_WORKING_DAYS = 10
# Days after a refusal within which a review may be asked for.
REVIEW_DAYS = 30
# Working days before the SLA is due at which the queue warns ("due soon").
SLA_WARNING_WORKING_DAYS = 1
# Cases on one page of a queue.
QUEUE_PAGE_SIZE = 25
