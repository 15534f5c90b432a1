"""Rules tests: the example applications a definition carries, run against its rules.

Each example gives facts, answers, who applies and the day; it expects eligibility (and the
rule that fails), a decision (outcome and rule) and computed values. They run on validate
and on publish; a failing one blocks publishing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from .compiled import CompiledDefinition
from .compiler import definition_compile
from .evaluate import decision_evaluate, eligibility_evaluate
from .evaluation import RuleInputs
from .model import Example
from .problems import DefinitionInvalid, Problem, ProblemList
from .source import source_read

__all__ = ["ExampleResult", "definition_check", "rules_tests_run"]


@dataclass(frozen=True)
class ExampleResult:
    name: str
    passed: bool
    failures: list[str] = field(default_factory=list)


def rules_tests_run(compiled: CompiledDefinition) -> list[ExampleResult]:
    """Every example's result, in file order."""
    return [_run(compiled, example) for example in compiled.model.tests]


def definition_check(source: str) -> list[Problem]:
    """Every problem that stops publishing: compile problems, then failing examples."""
    try:
        compiled = definition_compile(source)
    except DefinitionInvalid as invalid:
        return invalid.problems
    failed = [
        (i, result) for i, result in enumerate(rules_tests_run(compiled)) if not result.passed
    ]
    if not failed:
        return []
    read = source_read(compiled.source)
    problems = ProblemList(data=read.data, lines=read.lines)
    for index, result in failed:
        detail = _("the example fails: %(failures)s") % {"failures": "; ".join(result.failures)}
        problems.add(("tests", index), "test_failed", detail)
    return problems.problems


def _run(compiled: CompiledDefinition, example: Example) -> ExampleResult:
    inputs = RuleInputs(
        answers=example.answers,
        facts=example.facts,
        applicant=example.applicant,
        today=example.today,  # the day in Bangkok when the example does not pin it
    )
    failures = _eligibility_failures(compiled, example, inputs)
    if example.expect_eligible and not failures:
        failures += _decision_failures(compiled, example, inputs)
    return ExampleResult(example.name, not failures, failures)


def _eligibility_failures(
    compiled: CompiledDefinition, example: Example, inputs: RuleInputs
) -> list[str]:
    result = eligibility_evaluate(compiled, inputs)
    if example.expect_eligible and result.eligible is not True:
        if result.eligible is None and result.errored:
            return [
                _("expected eligible, but the eligibility rule “%(rule)s” cannot be evaluated")
                % {"rule": result.errored[0]}
            ]
        if result.eligible is None:
            return [
                _("expected eligible, but rules wait for answers or facts: %(rules)s")
                % {"rules": ", ".join(result.pending)}
            ]
        return [
            _("expected eligible, but the eligibility rule “%(rule)s” fails")
            % {"rule": result.failed_rule}
        ]
    if not example.expect_eligible:
        if result.eligible is not False:
            return [_("expected not eligible, but no eligibility rule fails")]
        wanted = example.expect_ineligible_because
        if wanted and wanted != result.failed_rule:
            values = {"expected": wanted, "actual": result.failed_rule}
            return [
                _(
                    "expected the eligibility rule “%(expected)s” to fail, "
                    "but “%(actual)s” fails first"
                )
                % values
            ]
    return []


def _decision_failures(
    compiled: CompiledDefinition, example: Example, inputs: RuleInputs
) -> list[str]:
    result = decision_evaluate(compiled, inputs)
    failures = []
    if result.failed:
        failures.append(
            _("the decision rule “%(rule)s” cannot be evaluated with these answers")
            % {"rule": result.failed[0]}
        )
    if example.expect_outcome and example.expect_outcome != result.outcome:
        values: dict[str, Any] = {
            "expected": example.expect_outcome.value,
            "actual": result.outcome.value,
            "rule": result.rule,
        }
        failures.append(
            _("expected the outcome “%(expected)s”, but got “%(actual)s” (rule “%(rule)s”)")
            % values
        )
    if example.expect_rule and example.expect_rule != result.rule:
        values = {"expected": example.expect_rule, "actual": result.rule}
        failures.append(
            _("expected the rule “%(expected)s” to decide, but “%(actual)s” did") % values
        )
    for name, expected in example.expect_computed.items():
        actual = result.computed.get(name)
        if not _same(expected, actual):
            values = {"name": name, "expected": expected, "actual": actual}
            failures.append(
                _("expected computed.%(name)s to be %(expected)s, but it is %(actual)s") % values
            )
    return failures


def _same(expected: Any, actual: Any) -> bool:
    """Equal as the file means it: a date equals CEL's timestamp of that day, 3 equals 3.0."""
    if isinstance(expected, dt.date) and isinstance(actual, dt.datetime):
        return actual.date() == expected and actual.time() == dt.time(0)
    if (
        isinstance(expected, int | float | Decimal)
        and isinstance(actual, int | float)
        and not isinstance(actual, bool)
    ):
        return float(expected) == float(actual)
    return bool(expected == actual)
