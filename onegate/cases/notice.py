"""A decision notice: what the person is told about a decided case, in one language.

The same content makes the printable page (``cases/notice.html``) and the PDF
(``notice_pdf``): the agency, the case's and the application's references, the day of the
decision, whom it is about, the service, the outcome with its reasons, who decided (the
service's rules, an officer, or an officer and a second one), and for a refusal how to ask for a
review — within ``REVIEW_DAYS`` days, from the case's page in the person's account, by the day
that ends. Every line is worked out in the notice's language, whatever the page's is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from onegate.cases.constants import REVIEW_DAYS, CaseStatus, DecidedBy, Outcome
from onegate.cases.models import Case
from onegate.cases.selectors_citizen import case_agency_name, case_service_title
from onegate.core.languages import SUPPORTED, format_date, pick

__all__ = [
    "Notice",
    "is_decided",
    "notice_build",
    "notice_language",
    "review_deadline",
    "review_open",
]


@dataclass(frozen=True)
class Notice:
    """A decision notice's content, every string already in ``language``."""

    language: str
    agency: str
    title: str
    reference: str
    facts: list[tuple[str, str]]  # (label, value): references, day, person, service, decision
    outcome: str  # Outcome.APPROVE or Outcome.REFUSE
    outcome_label: str  # "Approved" / "Refused"
    headline: str  # one sentence saying the decision
    reasons_title: str
    reasons: list[str]  # paragraphs
    decided_how_title: str
    decided_how: list[str]  # paragraphs
    review_title: str = ""
    review: list[str] = field(default_factory=list)  # how to ask for a review (refusals)
    footer: str = ""


def is_decided(case: Case) -> bool:
    """Whether the case has a decision to give notice of (approved or refused, even if closed
    since because a review was opened)."""
    return case.decided_at is not None and case.outcome in (Outcome.APPROVE, Outcome.REFUSE)


def _review_until(case: Case) -> dt.datetime | None:
    if case.decided_at is None or case.outcome != Outcome.REFUSE:
        return None
    return case.decided_at + dt.timedelta(days=REVIEW_DAYS)


def review_deadline(case: Case) -> dt.date | None:
    """The last day a review of a refusal may be asked for: ``REVIEW_DAYS`` after the decision
    (the service counts to the moment of the decision on that day)."""
    until = _review_until(case)
    return None if until is None else timezone.localdate(until)


def review_open(case: Case, now: dt.datetime | None = None) -> bool:
    """Whether the page offers "ask for a review" (the service checks again): a refused case,
    not reviewed yet (reviewing closes it), within ``REVIEW_DAYS`` of the decision."""
    until = _review_until(case)
    if until is None or case.status != CaseStatus.REFUSED:
        return False
    return (now or timezone.now()) <= until


def notice_language(case: Case, asked: str | None) -> str:
    """The language asked for (``?lang=``) when supported, else the case's."""
    if asked in SUPPORTED:
        return str(asked)
    return case.language if case.language in SUPPORTED else SUPPORTED[0]


def _paragraphs(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]


def _facts(case: Case, language: str, outcome_label: str) -> list[tuple[str, str]]:
    assert case.decided_at is not None  # noqa: S101 (is_decided checked by the caller)
    facts = [(_("Case reference"), case.reference)]
    if case.application.reference and case.application.reference != case.reference:
        facts.append((_("Application reference"), case.application.reference))
    facts += [
        (_("Date of decision"), format_date(case.decided_at, language)),
        (_("Person"), pick(case.subject_names or {}, language)),
        (_("Service"), case_service_title(case, language)),
        (_("Decision"), outcome_label),
    ]
    if case.review_of_id is not None and case.review_of is not None:
        facts.append((_("Review of"), case.review_of.reference))
    return facts


def _decided_how(case: Case) -> list[str]:
    label = str(DecidedBy(case.decided_how).label) if case.decided_how in DecidedBy.values else ""
    lines = [label] if label else []
    if case.decided_how == DecidedBy.RULES:
        lines.append(
            _(
                "The service's published rules were applied to the answers given and to the "
                "records the agency holds. No officer made this decision."
            )
        )
    elif case.decided_how == DecidedBy.FOUR_EYES:
        lines.append(_("A refusal is always checked and confirmed by a second officer."))
    return lines


def _review(case: Case, language: str) -> list[str]:
    deadline = review_deadline(case)
    if deadline is None:
        return []
    return [
        _(
            "If you think this decision is wrong, you can ask for a review. A different officer "
            "will look at the application again and send you a new decision with its reasons."
        ),
        _(
            "Ask within %(days)s days of the decision, by %(date)s: sign in to your account, go "
            "to Your applications, open case %(reference)s and choose \u201cAsk for a review\u201d."
        )
        % {
            "days": REVIEW_DAYS,
            "date": format_date(deadline, language),
            "reference": case.reference,
        },
        _("Say why you think the decision is wrong, and give any information we did not have."),
    ]


def _headline(case: Case, language: str) -> str:
    values = {
        "person": pick(case.subject_names or {}, language),
        "service": case_service_title(case, language),
    }
    if case.outcome == Outcome.APPROVE:
        return _("The application for %(person)s (%(service)s) has been approved.") % values
    return _("The application for %(person)s (%(service)s) has been refused.") % values


def _build(case: Case, language: str) -> Notice:
    outcome_label = _("Approved") if case.outcome == Outcome.APPROVE else _("Refused")
    reasons = _paragraphs(pick(case.decision_reason or {}, language))
    refused = case.outcome == Outcome.REFUSE
    return Notice(
        language=language,
        agency=case_agency_name(case, language),
        title=_("Decision notice"),
        reference=case.reference,
        facts=_facts(case, language, outcome_label),
        outcome=str(case.outcome),
        outcome_label=outcome_label,
        headline=_headline(case, language),
        reasons_title=_("Reasons for the decision"),
        reasons=reasons or [_("No further reasons were recorded.")],
        decided_how_title=_("How this decision was made"),
        decided_how=_decided_how(case),
        review_title=_("If you disagree: ask for a review") if refused else "",
        review=_review(case, language) if refused else [],
        footer=_("Issued through OneGate on behalf of %(agency)s.")
        % {"agency": case_agency_name(case, language)},
    )


def notice_build(case: Case, language: str) -> Notice:
    """The notice of ``case`` (decided: ``is_decided``) in ``language``."""
    if not is_decided(case):
        raise ValueError(f"case {case.reference} has no decision to give notice of")
    with translation.override(language):
        return _build(case, language)
