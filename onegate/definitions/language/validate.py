"""A field's own rules for one answer: its ``validations`` and the bounds of a date field.

The runner checks an answer's type itself (a real date, a whole number …); what the definition
adds is here. A validation holds when its CEL rule gives ``true``: ``false``, or an error (the
rule cannot be evaluated with these answers), means the answer is refused with the rule's
message. The answer is read in the rule as ``value`` and, for a top-level field, as
``answers.<id>`` too; an inner field of a group also sees its ``item``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from .compiled import CompiledDefinition
from .evaluation import ERROR, Evaluation, RuleInputs
from .functions import as_day
from .rules import CompiledRule
from .samples import cel_value
from .visibility import visible_evaluation

__all__ = ["date_bounds", "field_rules_read", "field_validate"]


def _field_rules(
    compiled: CompiledDefinition, field_id: str, kind: str
) -> list[tuple[str | int, CompiledRule]]:
    """The field's compiled rules of ``kind`` with what names each one in the file: the index of
    a validation, or ``not_before`` / ``not_after`` for a date bound."""
    found = []
    for rule in compiled._rules.values():
        site = rule.site
        if site.kind == kind and site.owner == field_id:
            found.append((site.path[-2] if kind == "validation" else site.path[-1], rule))
    return found


def field_rules_read(compiled: CompiledDefinition, field_id: str) -> frozenset[str]:
    """The answers the field's validations and date bounds read (to skip them while one of
    those answers is itself wrong)."""
    rules = _field_rules(compiled, field_id, "validation")
    rules += _field_rules(compiled, field_id, "date_bound")
    return frozenset().union(*(rule.answers for _key, rule in rules))


def _evaluation(
    compiled: CompiledDefinition, inputs: RuleInputs, field_id: str, value: Any
) -> Evaluation:
    """An evaluation of ``inputs`` (hidden answers null) with ``value`` as the field's answer."""
    if field_id in compiled.plan.field_ids:
        inputs = RuleInputs(
            answers={**inputs.answers, field_id: value},
            facts=inputs.facts,
            applicant=inputs.applicant,
            today=inputs.today,
        )
    return visible_evaluation(compiled, inputs).evaluation


def _extra(value: Any, item: Mapping[str, Any] | None, *, with_value: bool) -> dict[str, Any]:
    extra = {"value": cel_value(value)} if with_value else {}
    if item is not None:
        extra["item"] = cel_value(dict(item))
    return extra


def field_validate(
    compiled: CompiledDefinition,
    inputs: RuleInputs,
    *,
    field_id: str,
    value: Any,
    item: Mapping[str, Any] | None = None,
) -> list[dict[str, str]]:
    """The messages ({"en", "th"}) of the field's validations that do not hold for ``value``."""
    rules = _field_rules(compiled, field_id, "validation")
    if not rules:
        return []
    evaluation = _evaluation(compiled, inputs, field_id, value)
    extra = _extra(value, item, with_value=True)
    failed = []
    for index, rule in rules:
        field = rule.site.field
        if field is not None and evaluation.holds(rule, extra) is not True:
            failed.append(dict(field.validations[int(index)].message))
    return failed


def date_bounds(
    compiled: CompiledDefinition,
    inputs: RuleInputs,
    *,
    field_id: str,
    item: Mapping[str, Any] | None = None,
) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day a date field accepts (None: no bound, or one that cannot be
    worked out with these answers)."""
    rules = dict(_field_rules(compiled, field_id, "date_bound"))
    if not rules:
        return None, None
    evaluation = visible_evaluation(compiled, inputs).evaluation
    extra = _extra(None, item, with_value=False) or None
    first = _day(evaluation, rules.get("not_before"), extra)
    return first, _day(evaluation, rules.get("not_after"), extra)


def _day(
    evaluation: Evaluation, rule: CompiledRule | None, extra: Mapping[str, Any] | None
) -> dt.date | None:
    if rule is None:
        return None
    value = evaluation.run(rule, extra)
    if value is ERROR or not isinstance(value, dt.date):
        return None
    return as_day(value, "date")
