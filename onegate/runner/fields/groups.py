"""Groups ("add another"): a list of items, each asking the group's inner fields under names
"<group>-<i>-<inner>". Items left blank are dropped unless the group needs them, "Add another"
appends an empty item when the page is valid, "Remove" drops one, and an inner field's
condition and validations read its own item (``item.<inner>``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import ngettext

from onegate.core.languages import pick
from onegate.definitions.language import RuleInputs, field_visible
from onegate.definitions.language.samples import cel_value
from onegate.definitions.language.visibility import visible_evaluation
from onegate.runner.fields.answers import check, read, stored, validations
from onegate.runner.fields.base import (
    Answer,
    Form,
    field_kind,
    forget,
    item_json,
    item_values,
    reads_item,
)


def _fewest(one: Any) -> int:
    return max(one.min_items, 1 if one.required else 0)


def _item_count(text: str, one: Any) -> int:
    count = int(text) if text.isdigit() and len(text) < 4 else 0
    return min(count, one.max_items)


def _item_blank(form: Form, prefix: str) -> bool:
    """Whether nothing was typed, chosen or sent in any input of a group's item."""
    if form.files and any(key.startswith(prefix) for key in form.files):
        return False
    pairs = form.data.lists() if hasattr(form.data, "lists") else form.data.items()
    return not any(
        key.startswith(prefix)
        and not key.endswith("-items")
        and any(str(value).strip() for value in (values if isinstance(values, list) else [values]))
        for key, values in pairs
    )


def _group_stored(one: Any, value: Any, form: Form) -> Answer:
    items = [
        [stored(inner, saved.get(inner.id), form) for inner in one.fields]
        for saved in value or []
        if isinstance(saved, Mapping)
    ]
    for _blank_item in range(_fewest(one) - len(items)):
        items.append([stored(inner, None, form) for inner in one.fields])
    return Answer(one, value=value, raw=None, items=items)


def _check_group(answer: Answer, name: str, form: Form, inputs: RuleInputs) -> None:
    one: Any = answer.field
    # The group is shown (it is being checked), so its page is too: an inner field's own
    # condition is all that is left, read with one evaluation of the page's answers.
    conditions = form.compiled.plan.field_conditions
    evaluation = None
    for index, item in enumerate(answer.items):
        values = item_values(item)
        for inner in item:
            program = conditions.get(inner.field.id) if inner.field.condition else None
            if program is not None:
                if evaluation is None:
                    evaluation = visible_evaluation(form.compiled, inputs).evaluation
                inner.counts = evaluation.holds(program, {"item": cel_value(values)}) is True
            else:
                inner.counts = True
            inner.shown = inner.counts or reads_item(inner.field)
            inner_name = f"{name}-{index}-{inner.field.id}"
            if inner.counts:
                check(inner, inner_name, form, inputs, rules=True, item=values)
            else:
                forget(inner)
                values = item_values(item)
    answer.value = [item_json(item) for item in answer.items]
    if len(answer.items) < _fewest(one) and not form.action.startswith(f"remove:{name}:"):
        message = ngettext(
            "Add at least %(count)s %(item)s",
            "Add at least %(count)s entries for “%(item)s”",
            _fewest(one),
        )
        answer.error = message % {"count": _fewest(one), "item": item_name(one, form)}
    elif answer.valid:
        validations(answer, form, inputs, item=None)


@field_kind("group", show=lambda _one, value, _form: None, stored=_group_stored, check=_check_group)
def _read_group(one: Any, name: str, form: Form) -> Answer:
    count = _item_count(form.text(f"{name}-items"), one)
    items = [
        (
            _item_blank(form, f"{name}-{index}-"),
            [read(inner, f"{name}-{index}-{inner.id}", form) for inner in one.fields],
        )
        for index in range(count)
    ]
    action, _sep, index = form.action.rpartition(":")
    if action == f"remove:{name}" and int(index) < len(items):
        del items[int(index)]
    # Items left blank are dropped, unless the group needs them (then they are asked for).
    blanks_allowed = _fewest(one) - sum(1 for blank, _item in items if not blank)
    kept = []
    for blank, item in items:
        if blank and blanks_allowed <= 0:
            continue
        blanks_allowed -= blank
        kept.append(item)
    return Answer(one, value=None, raw=None, items=kept)


def item_name(one: Any, form: Form) -> str:
    """The item label inside a sentence: lower case in English ("Add another person")."""
    label = pick(one.item_label, form.language)
    return label[:1].lower() + label[1:] if form.language == "en" else label


def item_shown(item: list[Answer], form: Form) -> None:
    """Show an item's inner fields whose condition reads the item, or holds; in a preview,
    every one (those whose condition does not hold are marked for the designer)."""
    values = item_values(item)
    for inner in item:
        condition = inner.field.condition
        inner.shown = (
            not condition
            or reads_item(inner.field)
            or (
                form.inputs is not None
                and field_visible(form.compiled, inner.field.id, form.inputs, item=values)
            )
        )
        if form.preview and condition:
            holds = form.inputs is not None and field_visible(
                form.compiled, inner.field.id, form.inputs, item=values
            )
            inner.shown, inner.preview_hidden = True, not holds


def add_item(answer: Answer, form: Form) -> None:
    """ "Add another": an empty item at the end, or why there cannot be one."""
    one: Any = answer.field
    if len(answer.items) >= one.max_items:
        message = ngettext(
            "You can add only %(count)s %(item)s",
            "You can add up to %(count)s entries for “%(item)s”",
            one.max_items,
        )
        answer.error = message % {"count": one.max_items, "item": item_name(one, form)}
        return
    item = [stored(inner, None, form) for inner in one.fields]
    item_shown(item, form)
    answer.items.append(item)
