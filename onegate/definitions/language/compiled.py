"""A compiled definition: the typed model, its text, and its rules compiled and indexed.

Built once per definition version and shared: evaluation only reads it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .dependencies import Needs
from .model import DecisionRule, EligibilityRule, GroupField, ServiceDefinition
from .rules import CompiledRule

__all__ = ["CompiledDefinition", "Conditions", "Plan", "plan_build"]


@dataclass(frozen=True)
class Conditions:
    """The page and field conditions as the visibility pass walks them."""

    # Each top-level field under a condition: its id, its page's condition, its own, and the
    # answers those read
    fields: tuple[tuple[str, CompiledRule | None, CompiledRule | None, frozenset[str]], ...]
    answers: frozenset[str]  # the answers some condition reads
    facts: frozenset[str]  # the facts some condition reads
    computed: bool  # whether some condition reads a computed value
    # Whether an eligibility rule (a decision rule or a computed value, which a decision reports)
    # reads an answer a condition can hide: when not, the visibility pass cannot change the
    # result and is skipped
    eligibility: bool
    decision: bool


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
    needs: Mapping[str, Needs]  # every rule's answers and facts (through computed), by its place
    conditions: Conditions
    computed_answers: frozenset[str]  # the answers some computed value reads


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
        needs=needs,
        conditions=_conditions(model, by_kind, needs),
        computed_answers=_answers_read(needs, by_kind, ("computed",)),
    )


def _conditions(
    model: ServiceDefinition,
    by_kind: Mapping[str, Mapping[str, CompiledRule]],
    needs: Mapping[str, Needs],
) -> Conditions:
    pages, own = by_kind.get("page_condition", {}), by_kind.get("field_condition", {})
    pairs = [
        (item.id, pages.get(page.id), own.get(item.id))
        for page, item in model.all_fields()
        if page.id in pages or item.id in own
    ]
    fields = tuple((*pair, _reads(needs, pair[1], pair[2])) for pair in pairs)
    rules = [*pages.values(), *own.values()]
    hideable = frozenset(pair[0] for pair in pairs)
    return Conditions(
        fields=fields,
        answers=_answers_read(needs, by_kind, ("page_condition", "field_condition")),
        facts=frozenset().union(*(needs[rule.site.where].facts for rule in rules)),
        computed=any(rule.computed for rule in rules),
        eligibility=bool(hideable & _answers_read(needs, by_kind, ("eligibility",))),
        decision=bool(hideable & _answers_read(needs, by_kind, ("decision", "computed"))),
    )


def _reads(needs: Mapping[str, Needs], *rules: CompiledRule | None) -> frozenset[str]:
    return frozenset().union(*(needs[rule.site.where].answers for rule in rules if rule))


def _answers_read(
    needs: Mapping[str, Needs],
    by_kind: Mapping[str, Mapping[str, CompiledRule]],
    kinds: tuple[str, ...],
) -> frozenset[str]:
    return frozenset().union(
        *(
            needs[rule.site.where].answers
            for kind in kinds
            for rule in by_kind.get(kind, {}).values()
        )
    )


def _inner_fields(group: object) -> list:
    if not isinstance(group, GroupField):
        return []
    found = []
    for inner in group.fields:
        found += [inner, *_inner_fields(inner)]
    return found
