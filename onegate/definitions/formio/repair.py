"""The importer's safety net: what the definition language still refuses is dropped and reported.

The importer checks the form.io input before it writes anything, but the language's checks are
stricter (field order, types of rules, regular expressions RE2 can run, minimum against maximum,
caps on counts). Each problem the language reports is mapped to the smallest part of the draft
that holds it, and that part is dropped, innermost first:

* a ``condition`` or the ``validations`` of a page or field;
* an optional setting of a field the importer wrote (``min``, ``max``, lengths, file limits…);
* otherwise the whole field (a group with its rows' questions), or else the whole page.

Each drop is a "skipped" line in the report with the language's own message. A problem outside
every page (the title, the slug) cannot be dropped: the form is then ``NotFormio``, as it is when
no page is left.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from onegate.definitions.formio.state import ImportState
from onegate.definitions.language import Problem

DROPPABLE = frozenset({"condition", "validations"})
OPTIONAL_SETTINGS = frozenset(
    {"hint", "min", "max", "min_length", "max_length", "min_items", "max_items", "accept",
     "max_size_mb", "max_files", "statement", "item_label", "scope"}
)  # fmt: skip
_PART = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


@dataclass(frozen=True)
class Drop:
    """One part to drop: ``key`` of the mapping ``owner``, or ``item`` of the list ``owner``."""

    owner: Any
    key: str | None
    item: Any
    where: str  # the form.io path of the page or field it belongs to


def refused_dropped(
    definition: dict[str, Any], problems: list[Problem], state: ImportState
) -> bool:
    """Drop the part each problem is in; False when a problem is in no part that can go."""
    drops: list[tuple[Drop, Problem]] = []
    for problem in problems:
        drop = _drop_for(definition, _parts(problem.where), state)
        if drop is None:
            return False
        drops.append((drop, problem))
    done: set[tuple[int, str | None, int]] = set()
    for drop, problem in drops:
        token = (id(drop.owner), drop.key, id(drop.item))
        if token not in done and _applied(drop):
            done.add(token)
            message = _("Dropped, the definition checks refused it: %(problem)s")
            state.report.skipped(drop.where, message % {"problem": problem.message})
    return bool(done)


def _parts(where: str) -> list[str | int]:
    return [name or int(index) for name, index in _PART.findall(where)]


def _drop_for(
    definition: dict[str, Any], parts: list[str | int], state: ImportState
) -> Drop | None:
    """The innermost droppable part on the path: a setting, a field, a page; or None."""
    chain = _chain(definition, parts)  # (node, the part under it) from the top down
    for depth in range(len(chain) - 1, -1, -1):
        node, part = chain[depth]
        if isinstance(node, dict) and part in DROPPABLE:
            return Drop(node, str(part), None, state.origins.get(id(node), ""))
        if isinstance(node, dict) and part in OPTIONAL_SETTINGS and "type" in node:
            return Drop(node, str(part), None, state.origins.get(id(node), ""))
        if isinstance(node, list) and depth > 0 and chain[depth - 1][1] in ("fields", "pages"):
            item = node[part] if isinstance(part, int) and 0 <= part < len(node) else None
            if isinstance(item, dict):
                return Drop(node, None, item, state.origins.get(id(item), ""))
    return None


def _chain(node: Any, parts: list[str | int]) -> list[tuple[Any, str | int]]:
    chain: list[tuple[Any, str | int]] = []
    for part in parts:
        chain.append((node, part))
        if isinstance(node, dict) and isinstance(part, str):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            break
    return chain


def _applied(drop: Drop) -> bool:
    if drop.key is not None:
        return drop.owner.pop(drop.key, None) is not None
    for index, item in enumerate(drop.owner):
        if item is drop.item:
            del drop.owner[index]
            return True
    return False
