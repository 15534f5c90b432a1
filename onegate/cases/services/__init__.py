"""The cases module's writes: each transition of a case is one function here.

Every one locks the case's row, checks who acts and the case's state (and the form's
``lock_version`` where a form is involved), appends the history line, writes the audit record and
enqueues what follows (messages, the decision's announcement) in the same transaction. A change
that cannot be made raises ``CaseRefused`` (``code``, ``message`` ready to show); a case the actor
may not see raises ``Http404``.
"""

from onegate.cases.services._transition import CaseRefused
from onegate.cases.services.citizen import case_review_ask, case_withdraw
from onegate.cases.services.deciding import case_decide_automatically
from onegate.cases.services.decisions import case_decide
from onegate.cases.services.information import case_information_answer, case_information_request
from onegate.cases.services.notes import case_note_add
from onegate.cases.services.opening import cases_open_for_application
from onegate.cases.services.queue import case_assign, case_release, case_take_next
from onegate.cases.services.refusals import case_refusal_confirm, case_refusal_reject

__all__ = [
    "CaseRefused",
    "case_assign",
    "case_decide",
    "case_decide_automatically",
    "case_information_answer",
    "case_information_request",
    "case_note_add",
    "case_refusal_confirm",
    "case_refusal_reject",
    "case_release",
    "case_review_ask",
    "case_take_next",
    "case_withdraw",
    "cases_open_for_application",
]
