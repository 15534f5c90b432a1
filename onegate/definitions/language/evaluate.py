"""Evaluating a compiled definition's rules for one application: fast, pure, and explained.

The inputs are converted to CEL values once per evaluation and put in one ``cel.Context`` with
the function library; the compiled programs are reused. Every declared field is in ``answers``:
one not answered yet, or hidden by a condition, is ``null``. A condition that cannot be
evaluated (it does arithmetic on an empty answer) counts as false.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import cel
from django.utils import translation
from django.utils.translation import gettext as _

from .compiled import CompiledDefinition
from .functions import library
from .model import Outcome
from .rules import CompiledRule
from .samples import cel_value

__all__ = [
    "DecisionResult",
    "EligibilityResult",
    "RuleInputs",
    "RulesResult",
    "decision_evaluate",
    "eligibility_evaluate",
    "field_visible",
    "page_visible",
    "rules_evaluate",
    "visibility_evaluate",
]

BANGKOK = ZoneInfo("Asia/Bangkok")
_ERROR = object()


@dataclass(frozen=True)
class RuleInputs:
    """What rules read: answers by field id, facts by alias, who applies and on which day."""

    answers: Mapping[str, Any]
    facts: Mapping[str, Any]
    applicant: str = "self"  # "self" | "child" | "delegated"
    today: dt.date | None = None  # the day in Asia/Bangkok when None


@dataclass(frozen=True)
class EligibilityResult:
    eligible: bool | None  # None while a rule's answers or facts are not known yet
    failed_rule: str | None
    reason: dict[str, str] | None
    pending: tuple[str, ...] = ()


@dataclass(frozen=True)
class DecisionResult:
    outcome: Outcome
    rule: str  # the deciding rule's id; "otherwise" when none matched
    reason: dict[str, str]
    trace: tuple[tuple[str, bool], ...]  # every rule evaluated, in order, and whether it held
    computed: dict[str, Any] = field(default_factory=dict)
    failed: tuple[str, ...] = ()  # rules that could not be evaluated (the application is referred)


class Evaluation:
    """One application's inputs as a CEL context, with its computed values worked out."""

    def __init__(self, compiled: CompiledDefinition, inputs: RuleInputs) -> None:
        plan = compiled.plan
        given = inputs.answers
        answers = {name: cel_value(given.get(name)) for name in plan.field_ids}
        facts = {alias: cel_value(inputs.facts.get(alias)) for alias in compiled.model.facts}
        today = inputs.today or dt.datetime.now(BANGKOK).date()
        self.variables = {"answers": answers, "facts": facts, "applicant": inputs.applicant}
        self.computed: dict[str, Any] = {}
        self.context = cel.Context(
            variables=self.variables | {"computed": self.computed}, functions=library(today)
        )
        self._compute(plan.computed)

    def _compute(self, computed: tuple[tuple[str, CompiledRule], ...]) -> None:
        stale = False
        for name, rule in computed:
            if stale and rule.computed:
                self.context.add_variable("computed", dict(self.computed))
                stale = False
            value = self.run(rule)
            self.computed[name] = None if value is _ERROR else value
            stale = True
        if stale:
            self.context.add_variable("computed", dict(self.computed))

    def run(self, rule: CompiledRule, extra: Mapping[str, Any] | None = None) -> Any:
        """The rule's value, or ``_ERROR`` when it cannot be evaluated with these inputs."""
        context = self.context
        if extra:
            context = cel.Context(
                variables=self.variables | {"computed": self.computed, **extra},
                functions=context.functions,
            )
        try:
            return rule.program.execute(context)
        except Exception:
            return _ERROR

    def holds(self, rule: CompiledRule, extra: Mapping[str, Any] | None = None) -> bool | None:
        value = self.run(rule, extra)
        return value if isinstance(value, bool) else None


def eligibility_evaluate(compiled: CompiledDefinition, inputs: RuleInputs) -> EligibilityResult:
    """The first eligibility rule that fails, or eligible; None while a rule waits for inputs."""
    evaluations: list[Evaluation] = []

    def evaluation() -> Evaluation:  # made only when some rule has all it reads
        if not evaluations:
            evaluations.append(Evaluation(compiled, inputs))
        return evaluations[0]

    return _eligibility(compiled, inputs, evaluation)


def _eligibility(
    compiled: CompiledDefinition, inputs: RuleInputs, evaluation: Callable[[], Evaluation]
) -> EligibilityResult:
    pending = []
    for rule, program, needs in compiled.plan.eligibility:
        if not needs.answers <= inputs.answers.keys() or not needs.facts <= inputs.facts.keys():
            pending.append(rule.id)
            continue
        held = evaluation().holds(program)
        if held is False:
            return EligibilityResult(False, rule.id, dict(rule.reason), tuple(pending))
        if held is None:
            pending.append(rule.id)
    return EligibilityResult(None if pending else True, None, None, tuple(pending))


def decision_evaluate(compiled: CompiledDefinition, inputs: RuleInputs) -> DecisionResult:
    """The first decision rule that holds decides; ``otherwise`` when none does."""
    return _decision(compiled, Evaluation(compiled, inputs))


@dataclass(frozen=True)
class RulesResult:
    eligibility: EligibilityResult
    decision: DecisionResult | None  # None unless eligible


def rules_evaluate(compiled: CompiledDefinition, inputs: RuleInputs) -> RulesResult:
    """Eligibility and, for the eligible, the decision, with the inputs converted once.

    What a submitted application goes through; the same as ``eligibility_evaluate`` followed by
    ``decision_evaluate``, at about half the cost.
    """
    evaluation = Evaluation(compiled, inputs)
    eligibility = _eligibility(compiled, inputs, lambda: evaluation)
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


def page_visible(compiled: CompiledDefinition, page_id: str, inputs: RuleInputs) -> bool:
    """Whether the page is shown: its condition holds (a page without one always is)."""
    program = compiled.plan.page_conditions.get(page_id)
    return program is None or Evaluation(compiled, inputs).holds(program) is True


def field_visible(
    compiled: CompiledDefinition,
    field_id: str,
    inputs: RuleInputs,
    *,
    item: Mapping[str, Any] | None = None,
) -> bool:
    """Whether the field is shown: its page, its group and its own condition all hold.

    ``item`` is the group item an inner field is asked in (``item`` in its rules).
    """
    plan = compiled.plan
    if field_id not in plan.field_page:
        raise KeyError(field_id)
    if not page_visible(compiled, plan.field_page[field_id], inputs):
        return False
    group = plan.field_group.get(field_id)
    if group and not field_visible(compiled, group, inputs):
        return False
    program = plan.field_conditions.get(field_id)
    if program is None:
        return True
    extra = {"item": cel_value(item)} if group else None
    return Evaluation(compiled, inputs).holds(program, extra) is True


@dataclass(frozen=True)
class Visibility:
    """The pages and top-level fields shown for these answers (hidden answers are discarded)."""

    pages: frozenset[str]
    fields: frozenset[str]


def visibility_evaluate(compiled: CompiledDefinition, inputs: RuleInputs) -> Visibility:
    """Every page's and top-level field's visibility at once, with one evaluation."""
    evaluation = Evaluation(compiled, inputs)
    plan = compiled.plan
    pages = frozenset(
        page.id
        for page in compiled.model.pages
        if page.id not in plan.page_conditions
        or evaluation.holds(plan.page_conditions[page.id]) is True
    )
    fields = frozenset(
        field_id
        for field_id in plan.field_ids
        if plan.field_page[field_id] in pages
        and (
            field_id not in plan.field_conditions
            or evaluation.holds(plan.field_conditions[field_id]) is True
        )
    )
    return Visibility(pages, fields)
