"""Type errors in rules, found by running each compiled expression against sample answers.

The ``cel`` package has no type-checking phase, so every expression runs twice at validation,
against samples of the declared field types and registry facts (``samples``) that take different
branches. An operation CEL cannot do (``answers.age + 'x'``, a date compared with a number), a
condition that gives something other than true or false, or a date bound that is not a date is
reported. Paths not taken by either sample are left to the rules tests.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import cel
from django.utils.translation import gettext as _

from .functions import cel_type_name, library
from .model import ServiceDefinition
from .problems import ProblemList
from .rules import BOOLEAN_KINDS, CompiledRule, Site
from .samples import fact_sample, field_sample

__all__ = ["cel_type_name", "rules_typecheck"]

SAMPLE_TODAY = dt.date(2026, 3, 15)
_FUNCTION_FAILED = re.compile(
    r"Python function call failed: (\w+): ([^\n]*?)(?:\. Check function arguments.*)?$"
)


def rules_typecheck(
    model: ServiceDefinition,
    rules: dict[str, CompiledRule],
    order: list[str],
    problems: ProblemList,
) -> None:
    """Run every rule against two samples; report each rule's first type problem."""
    reported: set[str] = set()
    by_id = {rule.site.owner: rule for rule in rules.values() if rule.site.kind == "computed"}
    for variant in (0, 1):
        sample = _Sample.of(model, variant)
        for computed_id in order:
            rule = by_id.get(computed_id)
            if rule and sample.can_run(rule):
                value = _run(rule, sample, problems, reported)
                if value is not _FAILED:
                    sample.computed[computed_id] = value
        for rule in rules.values():
            if rule.site.kind != "computed" and sample.can_run(rule):
                _run(rule, sample, problems, reported)


_FAILED = object()


class _Sample:
    """One sample application as a CEL context built once.

    ``computed``, ``value`` and ``item`` change from rule to rule: they come through the
    context's resolver, so the large answers map is converted once, not once per rule.
    """

    def __init__(self, variables: dict[str, Any], unknown_facts: frozenset[str]) -> None:
        self.unknown_facts = unknown_facts
        self.computed: dict[str, Any] = {}
        self.current: dict[str, Any] = {"computed": self.computed}
        self.context = cel.Context(variables=variables, functions=library(SAMPLE_TODAY))
        self.context.set_variable_resolver(self.current.get)

    @classmethod
    def of(cls, model: ServiceDefinition, variant: int) -> _Sample:
        facts = {alias: fact_sample(name, variant) for alias, name in model.facts.items()}
        answers = {field.id: field_sample(field, variant) for _page, field in model.all_fields()}
        unknown = frozenset(alias for alias, value in facts.items() if value is None)
        return cls({"answers": answers, "facts": facts, "applicant": "self"}, unknown)

    def can_run(self, rule: CompiledRule) -> bool:
        return not rule.facts & self.unknown_facts and rule.computed <= self.computed.keys()

    def focus(self, site: Site) -> None:
        """Set ``value`` and ``item`` for the rule at ``site``."""
        self.current.pop("value", None)
        self.current.pop("item", None)
        if site.kind == "validation" and site.field is not None:
            self.current["value"] = field_sample(site.field, 0)
        if site.group is not None:
            self.current["item"] = field_sample(site.group, 0)[0]


def _run(rule: CompiledRule, sample: _Sample, problems: ProblemList, reported: set[str]) -> Any:
    site = rule.site
    sample.focus(site)
    context = sample.context
    try:
        value = rule.program.execute(context)
    except Exception as error:
        _report_error(rule, error, problems, reported)
        return _FAILED
    problem = _result_problem(site.kind, value)
    if problem and site.where not in reported:
        reported.add(site.where)
        problems.add(site.path, *problem)
    return value


def _result_problem(kind: str, value: Any) -> tuple[str, str] | None:
    if kind in BOOLEAN_KINDS and not isinstance(value, bool):
        return "not_boolean", _("this should give true or false, but gives a %(type)s.") % {
            "type": cel_type_name(value)
        }
    if kind == "date_bound" and not isinstance(value, dt.datetime):
        return "cel_type", _("this should give a date, but gives a %(type)s.") % {
            "type": cel_type_name(value)
        }
    return None


def _report_error(
    rule: CompiledRule, error: Exception, problems: ProblemList, reported: set[str]
) -> None:
    found = _error_problem(rule, error)
    if found and rule.site.where not in reported:
        reported.add(rule.site.where)
        problems.add(rule.site.path, *found)


def _error_problem(rule: CompiledRule, error: Exception) -> tuple[str, str] | None:
    text = str(error)
    failed = _FUNCTION_FAILED.search(text)
    if failed:
        code = "cel_type" if failed[1] == "TypeError" else "cel_value"
        return code, _("a function cannot take these values: %(detail)s") % {"detail": failed[2]}
    if isinstance(error, TypeError):
        detail = text.split(". ")[0].rstrip(".")
        return "cel_type", _("a type error: %(detail)s. CEL does not convert between types.") % {
            "detail": detail
        }
    if isinstance(error, KeyError) and not rule.facts:
        return "unknown_reference", _("there is no key %(key)s in the value read here.") % {
            "key": text
        }
    return None
