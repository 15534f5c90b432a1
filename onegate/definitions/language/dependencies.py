"""What each rule depends on, and the cycles a definition must not have.

Computed values may read one another but not in a circle. A page's condition may read only
answers asked on earlier pages, and a field's condition only answers asked before it (on an
earlier page or higher on its page): otherwise the condition would depend on its own answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .model import GroupField, ServiceDefinition
from .problems import ProblemList
from .rules import CompiledRule

__all__ = ["Needs", "computed_order", "conditions_check", "needs_of"]


@dataclass(frozen=True)
class Needs:
    """The answers and facts a rule reads, directly or through computed values."""

    answers: frozenset[str]
    facts: frozenset[str]


def computed_order(
    model: ServiceDefinition, rules: dict[str, CompiledRule], problems: ProblemList
) -> list[str]:
    """The computed values in an order where each comes after those it reads; cycles reported."""
    reads = {
        rule.site.owner: rule.computed for rule in rules.values() if rule.site.kind == "computed"
    }
    index = {item.id: i for i, item in enumerate(model.computed)}
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            circle = [*trail[trail.index(name) :], name]
            problems.add(
                ("computed", index[name], "expression"),
                "cycle",
                _("computed values read one another in a circle: %(cycle)s.")
                % {"cycle": " → ".join(circle)},
            )
            return
        state[name] = "visiting"
        for other in sorted(reads.get(name, ())):
            visit(other, [*trail, name])
        state[name] = "done"
        order.append(name)

    for item in model.computed:
        visit(item.id, [])
    return order


def needs_of(rules: dict[str, CompiledRule]) -> dict[str, Needs]:
    """Each rule's needs, through the computed values it reads (cycles must be ruled out first)."""
    computed = {rule.site.owner: rule for rule in rules.values() if rule.site.kind == "computed"}
    memo: dict[str, Needs] = {}

    def of(rule: CompiledRule) -> Needs:
        key = rule.site.where
        if key not in memo:
            memo[key] = Needs(rule.answers, rule.facts)  # guards a circle already reported
            parts = [of(computed[name]) for name in rule.computed if name in computed]
            memo[key] = Needs(
                rule.answers.union(*(part.answers for part in parts)),
                rule.facts.union(*(part.facts for part in parts)),
            )
        return memo[key]

    return {where: of(rule) for where, rule in rules.items()}


def _positions(model: ServiceDefinition) -> dict[str, tuple[int, int]]:
    return {
        field.id: (p, f)
        for p, page in enumerate(model.pages)
        for f, field in enumerate(page.fields)
    }


def conditions_check(
    model: ServiceDefinition,
    rules: dict[str, CompiledRule],
    needs: dict[str, Needs],
    problems: ProblemList,
) -> None:
    """Report conditions that read their own answer or one asked after them."""
    positions = _positions(model)
    page_ids = [page.id for page in model.pages]
    for rule in rules.values():
        site = rule.site
        if site.kind == "page_condition":
            here = (page_ids.index(site.owner), -1)
        elif site.kind == "field_condition":
            owner = site.group.id if site.group is not None else site.owner
            here = positions.get(owner, (len(page_ids), 0))
        else:
            continue
        for answer in sorted(needs[site.where].answers):
            message = _cycle_message(site.kind, answer, here, positions, page_ids, site.group)
            if message:
                problems.add(site.path, "cycle", message)


def _cycle_message(
    kind: str,
    answer: str,
    here: tuple[int, int],
    positions: dict[str, tuple[int, int]],
    page_ids: list[str],
    group: GroupField | None,
) -> str | None:
    there = positions.get(answer)
    if there is None or there < here:
        return None
    values = {"field": answer, "page": page_ids[there[0]]}
    if there == here:
        if group is not None:
            return _("the condition reads the group “%(field)s” it is part of.") % values
        return _("the condition reads the field “%(field)s” it decides about.") % values
    if kind == "page_condition" and there[0] == here[0]:
        return (
            _("the page's condition reads “%(field)s”, which is asked on the same page.") % values
        )
    return _("the condition reads “%(field)s”, which is asked after it (page “%(page)s”).") % values
