"""Evaluating a compiled definition's rules for one application: fast, pure, and explained.

Rules count only the answers a person could see: a field hidden by its condition, or on a hidden
page, is ``null`` (``visibility``), as is one not answered yet. An eligibility rule waits for the
answers and facts it reads (*pending*); one that has them all but cannot be evaluated (CEL
cannot do what it asks with these values) is *errored*: it will not settle by itself, so the
caller refers the application to an officer. A decision rule that cannot be evaluated refers the
application too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from .compiled import CompiledDefinition
from .dependencies import Needs
from .evaluation import Evaluation, RuleInputs
from .model import Outcome
from .visibility import Visible, visible_evaluation

__all__ = [
    "DecisionResult",
    "EligibilityResult",
    "RulesResult",
    "decision_evaluate",
    "eligibility_evaluate",
    "rules_evaluate",
]


@dataclass(frozen=True)
class EligibilityResult:
    eligible: bool | None  # None while a rule is pending, or when one errored
    failed_rule: str | None
    reason: dict[str, str] | None
    pending: tuple[str, ...] = ()  # rules waiting for answers or facts not given yet
    errored: tuple[str, ...] = ()  # rules with all they read that could not be evaluated: refer


@dataclass(frozen=True)
class DecisionResult:
    outcome: Outcome
    rule: str  # the deciding rule's id; "otherwise" when none matched
    reason: dict[str, str]
    trace: tuple[tuple[str, bool], ...]  # every rule evaluated, in order, and whether it held
    computed: dict[str, Any] = field(default_factory=dict)
    failed: tuple[str, ...] = ()  # rules that could not be evaluated (the application is referred)


@dataclass(frozen=True)
class RulesResult:
    eligibility: EligibilityResult
    decision: DecisionResult | None  # None unless eligible


def eligibility_evaluate(compiled: CompiledDefinition, inputs: RuleInputs) -> EligibilityResult:
    """The first eligibility rule that fails, or eligible; None while one is pending or errored."""
    if compiled.plan.conditions.eligibility:
        visible = visible_evaluation(compiled, inputs)
        return _eligibility(compiled, visible, inputs.facts, lambda: visible.evaluation)
    made: list[Evaluation] = []

    def lazily() -> Evaluation:  # made only when some rule has all it reads
        if not made:
            made.append(Evaluation(compiled, inputs))
        return made[0]

    return _eligibility(compiled, _Given(dict(inputs.answers)), inputs.facts, lazily)


@dataclass(frozen=True)
class _Given:
    """The answers as given, when no condition can hide one that the rules read."""

    answers: dict[str, Any]
    hidden: frozenset[str] = frozenset()


def _eligibility(
    compiled: CompiledDefinition,
    visible: Visible | _Given,
    facts: Mapping[str, Any],
    evaluation: Callable[[], Evaluation],
) -> EligibilityResult:
    answers = visible.answers
    pending: list[str] = []
    errored: list[str] = []
    for rule, program, needs in compiled.plan.eligibility:
        if not needs.answers <= answers.keys() or not needs.facts <= facts.keys():
            pending.append(rule.id)
            continue
        held = evaluation().holds(program)
        if held is False:
            return EligibilityResult(
                False, rule.id, dict(rule.reason), tuple(pending), tuple(errored)
            )
        if held is None:
            (pending if _waits(needs, visible) else errored).append(rule.id)
    settled = not pending and not errored
    return EligibilityResult(True if settled else None, None, None, tuple(pending), tuple(errored))


def _waits(needs: Needs, visible: Visible | _Given) -> bool:
    """Whether a rule that could not be evaluated reads an empty answer that may still come."""
    return any(
        visible.answers[name] is None and name not in visible.hidden for name in needs.answers
    )


def decision_evaluate(compiled: CompiledDefinition, inputs: RuleInputs) -> DecisionResult:
    """The first decision rule that holds decides; ``otherwise`` when none does.

    Answers of hidden fields and pages count as null.
    """
    if not compiled.plan.conditions.decision:
        return _decision(compiled, Evaluation(compiled, inputs))
    return _decision(compiled, visible_evaluation(compiled, inputs).evaluation)


def rules_evaluate(compiled: CompiledDefinition, inputs: RuleInputs) -> RulesResult:
    """Eligibility and, for the eligible, the decision, with the inputs converted once.

    What a submitted application goes through; the same as ``eligibility_evaluate`` followed by
    ``decision_evaluate``, at about half the cost.
    """
    conditions = compiled.plan.conditions
    if conditions.eligibility or conditions.decision:
        seen = visible_evaluation(compiled, inputs)
        visible: Visible | _Given = seen
        evaluation = seen.evaluation
    else:
        visible, evaluation = _Given(dict(inputs.answers)), Evaluation(compiled, inputs)
    eligibility = _eligibility(compiled, visible, inputs.facts, lambda: evaluation)
    decision = _decision(compiled, evaluation) if eligibility.eligible else None
    return RulesResult(eligibility, decision)


def _decision(compiled: CompiledDefinition, evaluation: Evaluation) -> DecisionResult:
    trace: list[tuple[str, bool]] = []
    for rule, program in compiled.plan.decision:
        held = evaluation.holds(program)
        trace.append((rule.id, held is True))
        if held is None:
            return DecisionResult(
                Outcome.REFER,
                rule.id,
                _unevaluated_reason(),
                tuple(trace),
                dict(evaluation.computed),
                (rule.id,),
            )
        if held:
            return DecisionResult(
                rule.outcome, rule.id, dict(rule.reason), tuple(trace), dict(evaluation.computed)
            )
    otherwise = compiled.model.decision.otherwise
    return DecisionResult(
        otherwise.outcome,
        "otherwise",
        dict(otherwise.reason),
        tuple(trace),
        dict(evaluation.computed),
    )


def _unevaluated_reason() -> dict[str, str]:
    texts = {}
    for language in ("en", "th"):
        with translation.override(language):
            texts[language] = _("An officer will decide on your application.")
    return texts
