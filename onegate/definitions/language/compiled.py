"""A compiled definition: the typed model, its text, and its rules compiled and indexed.

Built once per definition version and shared: evaluation only reads it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .dependencies import Needs
from .model import DecisionRule, EligibilityRule, GroupField, ServiceDefinition
from .rules import CompiledRule

__all__ = ["CompiledDefinition", "Plan", "plan_build"]


@dataclass(frozen=True)
class Plan:
    """The compiled rules, indexed the way evaluation looks them up."""

    field_ids: tuple[str, ...]  # top-level fields: the keys of ``answers``
    field_page: Mapping[str, str]  # every field (inner ones too) -> its page
    field_group: Mapping[str, str]  # an inner field -> its group
    page_conditions: Mapping[str, CompiledRule]
    field_conditions: Mapping[str, CompiledRule]
    computed: tuple[tuple[str, CompiledRule], ...]  # in dependency order
    eligibility: tuple[tuple[EligibilityRule, CompiledRule, Needs], ...]
    decision: tuple[tuple[DecisionRule, CompiledRule], ...]


@dataclass(frozen=True)
class CompiledDefinition:
    """A definition that compiled: ready to evaluate, immutable, safe to share."""

    model: ServiceDefinition
    source: str
    _rules: Mapping[str, CompiledRule] = field(default_factory=dict, repr=False, compare=False)
    _plan: Plan | None = field(default=None, repr=False, compare=False)

    @property
    def plan(self) -> Plan:
        if self._plan is None:
            raise TypeError("a CompiledDefinition is made by definition_compile")
        return self._plan


def plan_build(
    model: ServiceDefinition,
    rules: Mapping[str, CompiledRule],
    order: list[str],
    needs: Mapping[str, Needs],
) -> Plan:
    by_kind: dict[str, dict[str, CompiledRule]] = {}
    for rule in rules.values():
        by_kind.setdefault(rule.site.kind, {})[rule.site.owner] = rule
    field_page, field_group = {}, {}
    for page in model.pages:
        for top in page.fields:
            field_page[top.id] = page.id
            for inner in _inner_fields(top):
                field_page[inner.id], field_group[inner.id] = page.id, top.id
    computed = by_kind.get("computed", {})
    eligibility = by_kind.get("eligibility", {})
    decision = by_kind.get("decision", {})
    return Plan(
        field_ids=tuple(item.id for _page, item in model.all_fields()),
        field_page=field_page,
        field_group=field_group,
        page_conditions=by_kind.get("page_condition", {}),
        field_conditions=by_kind.get("field_condition", {}),
        computed=tuple((name, computed[name]) for name in order if name in computed),
        eligibility=tuple(
            (rule, eligibility[rule.id], needs[eligibility[rule.id].site.where])
            for rule in model.eligibility
        ),
        decision=tuple((rule, decision[rule.id]) for rule in model.decision.rules),
    )


def _inner_fields(group: object) -> list:
    if not isinstance(group, GroupField):
        return []
    found = []
    for inner in group.fields:
        found += [inner, *_inner_fields(inner)]
    return found
