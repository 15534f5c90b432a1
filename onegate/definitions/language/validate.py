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
    return list(_rule_index(compiled).get((field_id, kind), ()))


_INDEX = "_validate_rule_index"


def _rule_index(
    compiled: CompiledDefinition,
) -> dict[tuple[str, str], list[tuple[str | int, CompiledRule]]]:
    """The validations and date bounds by (field, kind), built once per compiled definition (it
    is immutable, so the index is kept on it)."""
    index = compiled.__dict__.get(_INDEX)
    if index is None:
        index = {}
        for rule in compiled._rules.values():
            site = rule.site
            if site.kind == "validation":
                index.setdefault((site.owner, site.kind), []).append((site.path[-2], rule))
            elif site.kind == "date_bound":
                index.setdefault((site.owner, site.kind), []).append((site.path[-1], rule))
        object.__setattr__(compiled, _INDEX, index)
    return index


_EVALUATION = "_validate_evaluation"


def _visible_once(compiled: CompiledDefinition, inputs: RuleInputs) -> Evaluation:
    """The evaluation of ``inputs`` with hidden answers null, worked out once for these inputs
    (they are immutable: every field of a page checked with them shares it)."""
    cached = inputs.__dict__.get(_EVALUATION)
    if cached is None or cached[0] is not compiled:
        cached = (compiled, visible_evaluation(compiled, inputs).evaluation)
        object.__setattr__(inputs, _EVALUATION, cached)
    return cached[1]


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
    if field_id not in compiled.plan.field_ids or inputs.answers.get(field_id, _ABSENT) == value:
        return _visible_once(compiled, inputs)
    if field_id in compiled.plan.field_ids:
        inputs = RuleInputs(
            answers={**inputs.answers, field_id: value},
            facts=inputs.facts,
            applicant=inputs.applicant,
            today=inputs.today,
        )
    return visible_evaluation(compiled, inputs).evaluation


_ABSENT = object()


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
    evaluation = _visible_once(compiled, inputs)
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
