"""A case's rules, evaluated and recorded so that the evaluation can be made again and compared.

What is kept (``Case.rules``) is everything the rules read, as JSON: the frozen answers, the
person's facts (the values only: provenance does not change an outcome), how the person applied,
and the day it counts from, which is the day the application was sent (in Bangkok), so replaying
next year agrees with today. ``_inputs_rebuilt`` makes the same ``RuleInputs`` from that record
through the runner's own ``application_inputs``, so prefilled fields are read as they were.

Eligibility was checked when the application was sent; failing it at decision time (a child who
came of age meanwhile, a fact read again) does not refuse anyone automatically: the case is
referred to an officer with that rule's reason, because the person was told they could apply.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from onegate.cases.models import Case
from onegate.definitions.language import CompiledDefinition, RuleInputs, rules_evaluate
from onegate.definitions.language import Outcome as RuleOutcome
from onegate.runner.codec import value_encode
from onegate.runner.facts import application_inputs
from onegate.runner.models import Application

RECORD_FORMAT = 1


def _inputs_of(case: Case, compiled: CompiledDefinition) -> tuple[RuleInputs, dict[str, Any]]:
    """What the rules read for the case's person, and the same as JSON to keep."""
    application = case.application
    today = timezone.localdate(case.submitted_at)
    inputs = application_inputs(application, person_id=case.subject_person_id, compiled=compiled)
    inputs = dataclasses.replace(inputs, today=today)
    kept = (application.facts or {}).get(case.subject_person_id) or {}
    recorded = {
        "answers": application.answers or {},
        "facts": {alias: (entry or {}).get("value") for alias, entry in kept.items()},
        "applies_as": application.applies_as,
        "applicant": inputs.applicant,
        "today": today.isoformat(),
    }
    return inputs, recorded


def _inputs_rebuilt(
    recorded: dict[str, Any], *, compiled: CompiledDefinition, case: Case
) -> RuleInputs:
    """``RuleInputs`` from a kept record, read the way the runner reads an application."""
    person = case.subject_person_id
    shell = Application(
        definition_version_id=case.definition_version_id,
        answers=recorded.get("answers") or {},
        facts={person: {alias: {"value": v} for alias, v in (recorded.get("facts") or {}).items()}},
        subjects=[{"person_id": person}],
        applies_as=recorded.get("applies_as") or "self",
    )
    inputs = application_inputs(shell, person_id=person, compiled=compiled)
    return dataclasses.replace(
        inputs,
        applicant=recorded.get("applicant") or inputs.applicant,
        today=dt.date.fromisoformat(recorded["today"]),
    )


def _json(value: Any) -> Any:
    """A computed value as JSON (dates tagged as the runner tags them; anything else as text)."""
    return json.loads(json.dumps(value_encode(value), default=str))


def _both_languages(text: Any) -> dict[str, str]:
    texts = {}
    for language in ("en", "th"):
        with translation.override(language):
            texts[language] = str(text)
    return texts


def _not_eligible_now(eligibility: Any) -> dict[str, Any]:
    """Refer, with why: the failing eligibility rule's reason, or rules that could not settle."""
    if eligibility.eligible is False:
        return {
            "outcome": RuleOutcome.REFER.value,
            "rule": f"eligibility:{eligibility.failed_rule}",
            "reason": dict(eligibility.reason or {}),
        }
    waiting = [*eligibility.pending, *eligibility.errored]
    return {
        "outcome": RuleOutcome.REFER.value,
        "rule": f"eligibility:{waiting[0] if waiting else 'unsettled'}",
        "reason": _both_languages(_("An officer will decide on your application.")),
    }


def _evaluated(compiled: CompiledDefinition, inputs: RuleInputs) -> dict[str, Any]:
    """The outcome, the deciding rule and its reason, every rule's result and the computed
    values, as JSON: what is kept and what a replay must give again."""
    result = rules_evaluate(compiled, inputs)
    eligibility = result.eligibility
    found: dict[str, Any] = {
        "eligibility": {
            "eligible": eligibility.eligible,
            "failed_rule": eligibility.failed_rule,
            "pending": list(eligibility.pending),
            "errored": list(eligibility.errored),
        }
    }
    decision = result.decision
    if decision is None:
        return found | _not_eligible_now(eligibility) | {"trace": [], "computed": {}, "failed": []}
    return found | {
        "outcome": str(decision.outcome),
        "rule": decision.rule,
        "reason": dict(decision.reason),
        "trace": [[rule, bool(held)] for rule, held in decision.trace],
        "computed": {name: _json(value) for name, value in decision.computed.items()},
        "failed": list(decision.failed),
    }


def _rules_record(case: Case, compiled: CompiledDefinition) -> dict[str, Any]:
    """The case's rules evaluated now, with their inputs: the value of ``Case.rules``."""
    inputs, recorded = _inputs_of(case, compiled)
    return {
        "format": RECORD_FORMAT,
        "version": case.definition_version.number,
        "version_id": str(case.definition_version_id),
        "inputs": recorded,
        **_evaluated(compiled, inputs),
        "evaluated_at": timezone.now().isoformat(),
    }


# What a replay compares: everything the evaluation decided, nothing about when it ran.
COMPARED = ("outcome", "rule", "reason", "trace", "computed", "failed", "eligibility")


def _replayed(case: Case, compiled: CompiledDefinition) -> dict[str, Any]:
    """The kept inputs evaluated again with ``compiled`` (the pinned version)."""
    inputs = _inputs_rebuilt(case.rules.get("inputs") or {}, compiled=compiled, case=case)
    return _evaluated(compiled, inputs)


def _differences(case: Case, compiled: CompiledDefinition) -> list[str]:
    """What a replay of the case's evaluation gives differently (names of ``COMPARED``)."""
    again = _replayed(case, compiled)
    kept = case.rules or {}
    return [name for name in COMPARED if _canonical(kept.get(name)) != _canonical(again.get(name))]


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
