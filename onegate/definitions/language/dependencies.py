"""What each rule depends on, and the cycles a definition must not have.

Computed values may read one another but not in a circle. A page's condition may read only
answers asked on earlier pages, and a field's condition only answers asked before it (on an
earlier page or higher on its page): otherwise the condition would depend on its own answer.
"""

from __future__ import annotations

import graphlib
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
    index = {item.id: i for i, item in enumerate(model.computed)}
    order, circles = _acyclic_order(_computed_graph(rules, list(index)))
    for circle in circles:
        first = min(range(len(circle) - 1), key=lambda i: index[circle[i]])
        circle = [*circle[first:-1], *circle[:first], circle[first]]
        problems.add(
            ("computed", index[circle[0]], "expression"),
            "cycle",
            _("computed values read one another in a circle: %(cycle)s.")
            % {"cycle": " → ".join(circle)},
        )
    return order


def _computed_graph(rules: dict[str, CompiledRule], names: list[str]) -> dict[str, list[str]]:
    """Each computed value (in file order) and the computed values it reads."""
    reads = {
        rule.site.owner: rule.computed for rule in rules.values() if rule.site.kind == "computed"
    }
    return {name: sorted(set(reads.get(name, ())) & reads.keys()) for name in names}


def _acyclic_order(graph: dict[str, list[str]]) -> tuple[list[str], list[list[str]]]:
    """A dependency order (without recursion) and the circles found on the way.

    Each circle is broken by dropping one of its reads and sorting again, so every circle is
    reported once; a circle is listed in reading order, its first name repeated at the end.
    """
    graph = {name: list(reads) for name, reads in graph.items()}
    circles: list[list[str]] = []
    for _attempt in range(sum(map(len, graph.values())) + 1):
        try:
            return list(graphlib.TopologicalSorter(graph).static_order()), circles
        except graphlib.CycleError as error:
            circle = list(reversed(error.args[1]))  # graphlib lists it against the reads
            circles.append(circle)
            graph[circle[-2]].remove(circle[-1])
    return list(graph), circles  # not reached: each attempt drops one read


def needs_of(rules: dict[str, CompiledRule]) -> dict[str, Needs]:
    """Each rule's needs, through the computed values it reads (a circle adds no needs)."""
    computed = {rule.site.owner: rule for rule in rules.values() if rule.site.kind == "computed"}
    order, _circles = _acyclic_order(_computed_graph(rules, list(computed)))
    through: dict[str, Needs] = {}
    for name in order:  # a computed value's own needs are known before those that read it
        through[name] = _needs(computed[name], through)
    return {where: _needs(rule, through) for where, rule in rules.items()}


def _needs(rule: CompiledRule, through: dict[str, Needs]) -> Needs:
    parts = [through[name] for name in rule.computed if name in through]
    return Needs(
        rule.answers.union(*(part.answers for part in parts)),
        rule.facts.union(*(part.facts for part in parts)),
    )


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
