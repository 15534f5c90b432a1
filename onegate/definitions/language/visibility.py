"""Which pages and fields are shown, and the answers rules may count: hidden ones are null.

A page or field is shown when its condition holds. An answer given to a field that is hidden
(by its own condition or its page's) does not count: rules read it as ``null``. Hiding an answer
can change another condition that reads it, so the pass repeats until nothing changes, at most
once per field (a condition reads only earlier answers, so it settles). A hidden field that was
not answered is given as ``null`` too once its condition's answers are all known, so that an
eligibility rule reading it does not wait for an answer that will never come.

A definition without conditions skips all this; otherwise the conditions run on the evaluation
that the rules then use, which is converted again only when a given answer had to be hidden.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .compiled import CompiledDefinition, Plan
from .evaluation import Evaluation, RuleInputs
from .samples import cel_value

__all__ = [
    "Visibility",
    "Visible",
    "answers_visible",
    "field_visible",
    "page_visible",
    "visibility_evaluate",
    "visible_evaluation",
]


@dataclass(frozen=True)
class Visibility:
    """The pages and top-level fields shown for these answers (hidden answers are discarded)."""

    pages: frozenset[str]
    fields: frozenset[str]


@dataclass(frozen=True)
class Visible:
    """The answers as rules count them, the fields hidden, and an evaluation reading them so."""

    answers: dict[str, Any]
    hidden: frozenset[str]  # top-level fields hidden (None in ``answers``)
    evaluation: Evaluation


def answers_visible(compiled: CompiledDefinition, inputs: RuleInputs) -> dict[str, Any]:
    """The answers as rules count them: those of hidden fields (and hidden pages) are None."""
    return visible_evaluation(compiled, inputs).answers


def visible_evaluation(compiled: CompiledDefinition, inputs: RuleInputs) -> Visible:
    """The answers as rules count them, and an evaluation that reads them so.

    When no condition reads a computed value, the conditions run on a small context of just the
    answers and facts they read, and the full evaluation is built once, hidden answers null.
    """
    plan = compiled.plan
    if not plan.conditions.fields:
        return Visible(dict(inputs.answers), frozenset(), Evaluation(compiled, inputs))
    light = not plan.conditions.computed
    first = Evaluation(compiled, inputs, conditions_only=light)
    answers, hidden, nulled = _settle(plan, first, inputs.answers, hide_at_end=not light)
    evaluation = Evaluation(compiled, inputs, hidden=nulled) if light else first
    return Visible(answers, hidden, evaluation)


def _settle(
    plan: Plan, evaluation: Evaluation, given: Mapping[str, Any], *, hide_at_end: bool
) -> tuple[dict[str, Any], frozenset[str], frozenset[str]]:
    """Hide answers until nothing changes: the answers, the hidden fields, the answers nulled.

    With ``hide_at_end``, ``evaluation`` reads the nulled answers as null when this returns.
    """
    answers = dict(given)
    hidden = nulled = applied = frozenset[str]()
    for _pass in range(len(plan.field_ids) + 1):
        hidden = _hidden(plan, evaluation, answers)
        stale = frozenset(name for name in hidden if given.get(name) is not None)
        changed = (stale ^ nulled) | (hidden ^ (answers.keys() - given.keys()))
        answers, nulled = {**given, **dict.fromkeys(hidden)}, stale
        if not changed & plan.conditions.answers:
            break  # no condition reads what changed: another pass would find the same
        evaluation.hide(stale)
        applied = stale
    if hide_at_end and applied != nulled:
        evaluation.hide(nulled)
    return answers, hidden, nulled


def _hidden(plan: Plan, evaluation: Evaluation, answers: Mapping[str, Any]) -> frozenset[str]:
    """The fields hidden now: those answered (the answer must not count), and those not
    answered whose conditions' answers are all known (they will not be asked)."""
    pages: dict[str, bool] = {}
    hidden = []
    for name, page, own, reads in plan.conditions.fields:
        if name not in answers and not reads <= answers.keys():
            continue
        if page is not None:
            if page.site.owner not in pages:
                pages[page.site.owner] = evaluation.holds(page) is True
            if not pages[page.site.owner]:
                hidden.append(name)
                continue
        if own is not None and evaluation.holds(own) is not True:
            hidden.append(name)
    return frozenset(hidden)


def visibility_evaluate(compiled: CompiledDefinition, inputs: RuleInputs) -> Visibility:
    """Every page's and top-level field's visibility at once, hidden answers discarded."""
    evaluation = visible_evaluation(compiled, inputs).evaluation
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


def page_visible(compiled: CompiledDefinition, page_id: str, inputs: RuleInputs) -> bool:
    """Whether the page is shown: its condition holds (a page without one always is)."""
    program = compiled.plan.page_conditions.get(page_id)
    if program is None:
        return True
    return visible_evaluation(compiled, inputs).evaluation.holds(program) is True


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
    return visible_evaluation(compiled, inputs).evaluation.holds(program, extra) is True
