"""What the back office's case page shows, beyond the case itself: the application as it was
sent, the registry facts with where they came from, the rules' workings, the requests for
information, the history, and which actions to offer the officer looking at it.

Each function takes a case that ``selectors.case_for_staff`` has already let the user see; the
application is read with the definition version it was pinned to, so the labels are those the
person answered, whatever was published since. Reading all this does not change anything: the
read itself is audited once, by ``case_for_staff``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

from onegate.cases.constants import CaseStatus
from onegate.cases.models import Case, CaseEvent, InformationRequest
from onegate.catalogue.selectors import catalogue_current
from onegate.core.languages import format_date, pick
from onegate.definitions.language import CompiledDefinition
from onegate.identity.permissions import StaffPermission, staff_can
from onegate.registries.prefill import REGISTER_NAMES
from onegate.runner.codec import value_decode
from onegate.runner.facts import FactShown, prefilled_value
from onegate.runner.journey import CheckSection, answer_lines, check_sections, journey_of
from onegate.runner.models import Upload
from onegate.runner.selectors import application_compiled

__all__ = [
    "ASSIGNABLE",
    "ActionsShown",
    "FactRow",
    "RuleRow",
    "RulesShown",
    "case_actions",
    "case_application_sections",
    "case_facts",
    "case_history",
    "case_requests",
    "case_rules",
    "case_uploads",
]

# The states in which a team lead may give a case to someone (as ``case_assign`` allows).
ASSIGNABLE = frozenset(
    {CaseStatus.REFERRED, CaseStatus.INFORMATION_RECEIVED, CaseStatus.IN_REVIEW,
     CaseStatus.INFORMATION_REQUESTED}
)  # fmt: skip


@dataclass(frozen=True)
class ActionsShown:
    """What the page offers this officer now (the services decide whether it is allowed)."""

    work: bool  # may work on the agency's cases (notes)
    decide: bool  # holds the case in review, nothing proposed: decide, ask, release
    confirm: bool  # a refusal another officer proposed: confirm or reject it
    waiting_second: bool  # they proposed the refusal: a second officer must confirm it
    assign: bool  # team lead: give the case to someone


def case_actions(user: Any, case: Case) -> ActionsShown:
    """Which actions to offer ``user`` on ``case`` as it is now."""
    work = staff_can(user, StaffPermission.WORK_CASE, agency_slug=case.agency_slug)
    reviewing = case.status == CaseStatus.IN_REVIEW
    proposed = reviewing and bool(case.refusal_proposal)
    mine = case.assigned_to_id == user.pk
    own_proposal = proposed and case.refusal_proposed_by_id == user.pk
    return ActionsShown(
        work=work,
        decide=work and reviewing and mine and not proposed,
        confirm=work and proposed and not own_proposal,
        waiting_second=own_proposal,
        assign=case.status in ASSIGNABLE
        and staff_can(user, StaffPermission.ASSIGN_CASE, agency_slug=case.agency_slug),
    )


@dataclass(frozen=True)
class FactRow:
    """A registry fact the application read about the case's person, with where it came from."""

    label: str
    lines: list[str]
    register: str  # translated register name
    as_of: dt.datetime | None
    agency: str  # the agency that keeps it


@dataclass(frozen=True)
class RuleRow:
    """One decision rule as the evaluation met it."""

    rule_id: str
    outcome: str  # the outcome it gives when it holds ("approve", "refuse", "refer")
    held: bool
    deciding: bool
    reason: str


@dataclass(frozen=True)
class RulesShown:
    evaluated: bool
    outcome: str  # "approve", "refuse" or "refer" ("" before the rules ran)
    rule: str  # the deciding rule's id ("otherwise", "eligibility:<id>")
    reason: str  # the deciding rule's reason, in the page's language
    eligible: bool | None
    rows: list[RuleRow]
    failed: list[str]  # rules that could not be evaluated
    evaluated_at: dt.datetime | None


def case_compiled(case: Case) -> CompiledDefinition:
    """The definition the case's application is pinned to, compiled (cached)."""
    return application_compiled(case.application)


def case_application_sections(case: Case, language: str) -> list[CheckSection]:
    """The frozen application as "check your answers" reads it (labels from the pinned version),
    the prefilled facts shown for the case's person only."""
    application, compiled = case.application, case_compiled(case)
    name = pick(case.subject_names or {}, language)

    def prefilled(one: Any) -> list[tuple[str, FactShown]]:
        fact = prefilled_value(application, one, case.subject_person_id)
        return [(name, fact)] if fact is not None else []

    names = {
        str(subject["person_id"]): pick(subject.get("names") or {}, language)
        for subject in application.subjects or []
    }
    journey = journey_of(application, compiled)
    return check_sections(
        compiled, journey, application.answers or {}, prefilled, language=language,
        person_names=names,
    )  # fmt: skip


def case_uploads(case: Case) -> list[Upload]:
    """The files given with the application, in the order they were given."""
    return list(
        Upload.objects.filter(application_id=case.application_id)
        .only("id", "name", "size", "content_type", "field_id", "created_at")
        .order_by("created_at")
    )


def _fact_label(compiled: CompiledDefinition, alias: str, language: str) -> str:
    for _page, one in compiled.model.all_fields():
        if one.prefill == alias:
            return pick(one.label, language)
    return alias.replace("_", " ").capitalize()


def case_facts(case: Case, language: str) -> list[FactRow]:
    """Every fact the application read about the case's person: value, register, as of when."""
    compiled = case_compiled(case)
    kept = (case.application.facts or {}).get(case.subject_person_id) or {}
    rows = []
    for alias, entry in kept.items():
        if not isinstance(entry, dict):
            continue
        value = value_decode(entry.get("value"))
        field = next((one for _p, one in compiled.model.all_fields() if one.prefill == alias), None)
        lines = (
            answer_lines(field, value, language, missing=gettext("Not on record"))
            if field is not None
            else [_plain(value, language)]
        )
        registers = entry.get("registers") or ["population"]
        as_of = entry.get("as_of")
        rows.append(
            FactRow(
                label=_fact_label(compiled, alias, language),
                lines=lines,
                register=str(REGISTER_NAMES.get(registers[0], registers[0])),
                as_of=dt.datetime.fromisoformat(as_of) if as_of else None,
                agency=_agency_name(str(entry.get("agency") or ""), language),
            )
        )
    return rows


def _agency_name(slug: str, language: str) -> str:
    agency = catalogue_current().agency(slug) if slug else None
    return pick(agency.name, language) if agency is not None else slug


def _plain(value: Any, language: str) -> str:
    """A fact no question shows, as text."""
    if value is None or value in ("", [], {}):
        return gettext("Not on record")
    if isinstance(value, dt.date):
        return format_date(value, language)
    return str(value)


def case_rules(case: Case, language: str) -> RulesShown:
    """The rules' evaluation: eligibility, every decision rule held or not, the deciding one."""
    kept = case.rules or {}
    decision = case_compiled(case).model.decision
    by_id = {rule.id: rule for rule in decision.rules}
    deciding = str(kept.get("rule") or "")
    rows = []
    for rule_id, held in kept.get("trace") or []:
        rule = by_id.get(rule_id)
        rows.append(
            RuleRow(
                rule_id=rule_id,
                outcome=str(rule.outcome) if rule is not None else "",
                held=bool(held),
                deciding=rule_id == deciding,
                reason=pick(rule.reason, language) if rule is not None else "",
            )
        )
    evaluated_at = kept.get("evaluated_at")
    return RulesShown(
        evaluated=bool(kept),
        outcome=str(kept.get("outcome") or ""),
        rule=deciding,
        reason=pick(kept.get("reason") or {}, language),
        eligible=(kept.get("eligibility") or {}).get("eligible"),
        rows=rows,
        failed=[str(one) for one in kept.get("failed") or []],
        evaluated_at=dt.datetime.fromisoformat(evaluated_at) if evaluated_at else None,
    )


def case_history(case: Case) -> list[CaseEvent]:
    """Every line of the case's history, notes included, oldest first, with who acted."""
    return list(case.events.select_related("actor").order_by("created_at", "id"))


def case_requests(case: Case) -> list[InformationRequest]:
    """The requests for information, oldest first, with who asked and the files given."""
    found = case.information_requests.select_related("asked_by", "answered_by")
    return list(found.prefetch_related("files").order_by("asked_at"))
