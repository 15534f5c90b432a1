"""The page's answers made into widgets for ``runner_field``: each with its label, hint, what its
inputs show, its error and its type's extras; a field whose condition is a simple test of an
earlier radios, yes/no or checkboxes field on the page nested under that option (GOV.UK's
conditional reveal, shown with JavaScript off too); and the error summary in page order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from onegate.core.languages import pick
from onegate.definitions.language.model import AnyField, GroupField, Page
from onegate.runner.fields.base import KINDS, Answer, Form, Widget
from onegate.runner.fields.choices import choice_options
from onegate.runner.fields.files import file_url
from onegate.runner.fields.groups import item_name
from onegate.runner.fields.people import people
from onegate.runner.fields.prefilled import prefilled_widget

_REVEAL_EQUALS = re.compile(r"answers\.([a-z][a-z0-9_]*)\s*==\s*([\"'])([a-z][a-z0-9_]*)\2")
_REVEAL_TRUE = re.compile(r"answers\.([a-z][a-z0-9_]*)")
_REVEAL_IN = re.compile(r"([\"'])([a-z][a-z0-9_]*)\1\s+in\s+answers\.([a-z][a-z0-9_]*)")


def reveal_under(one: AnyField, page: Page) -> tuple[str, str] | None:
    """(field id, option value) the field is revealed under, when its condition is a simple
    test of an earlier radios, yes/no or checkboxes field on the page."""
    text = (one.condition or "").strip()
    earlier: dict[str, Any] = {}
    for each in page.fields:
        if each.id == one.id:
            break
        earlier[each.id] = each
    found = None
    if match := _REVEAL_EQUALS.fullmatch(text):
        found = (match[1], match[3], "radios")
    elif match := _REVEAL_TRUE.fullmatch(text):
        found = (match[1], "yes", "yes_no")
    elif match := _REVEAL_IN.fullmatch(text):
        found = (match[3], match[2], "checkboxes")
    if found is None or isinstance(one, GroupField):
        return None
    controller = earlier.get(found[0])
    if controller is None or controller.type != found[2] or controller.prefill:
        return None
    if found[2] != "yes_no" and found[1] not in {o.value for o in controller.options}:
        return None
    return found[0], found[1]


def _options(one: Any, raw: Any, form: Form) -> list[dict[str, Any]]:
    kind = one.type
    choices: list[dict[str, Any]]
    if kind in ("yes_no", "radios", "select", "checkboxes"):
        choices = choice_options(one, form)
    elif kind == "person":
        choices = [dict(person) for person in people(one, form)]
    else:
        return []
    chosen = raw if isinstance(raw, list) else [raw]
    key = "selected" if kind == "select" else "checked"
    return [choice | {key: choice["value"] in chosen} for choice in choices]


def _extra(one: Any, answer: Answer, form: Form) -> dict[str, Any]:
    build = KINDS[one.type].extra
    extra = build(one, answer, form) if build else {}
    if answer.preview_hidden and one.condition:
        extra["shown_only_when"] = one.condition
    return extra


def widget_of(answer: Answer, name: str, form: Form) -> Widget:
    one: Any = answer.field
    widget = Widget(
        field=one,
        type=one.type,
        id=name + KINDS[one.type].first(one),
        name=name,
        label=form.label(one),
        hint=pick(one.hint, form.language) if one.hint else None,
        value=answer.raw,
        error=answer.error,
        required=one.required,
        options=_options(one, answer.raw, form),
        extra=_extra(one, answer, form),
    )
    if one.type == "file":
        widget.files = [item | {"url": file_url(form, item["id"])} for item in answer.value or []]
    if isinstance(one, GroupField):
        _group_widget(widget, answer, form)
    return widget


def _group_widget(widget: Widget, answer: Answer, form: Form) -> None:
    one: Any = answer.field
    name = widget.name
    widget.items = [
        [
            widget_of(inner, f"{name}-{index}-{inner.field.id}", form)
            for inner in item
            if inner.shown
        ]
        for index, item in enumerate(answer.items)
    ]
    first = next((item[0].id for item in widget.items if item), None)
    widget.id = first or f"{name}-add"
    label = pick(one.item_label, form.language)
    widget.extra |= {
        "item_label": label,
        "item_name": item_name(one, form),
        "titles": [f"{label} {number}" for number in range(1, len(widget.items) + 1)],
        "count": len(widget.items),
        "can_add": len(widget.items) < one.max_items,
        "add_id": f"{name}-add",
    }


def page_widgets(form: Form, top: list[Answer]) -> list[Widget]:
    """The page's widgets in order, revealed fields nested under their option."""
    widgets: dict[str, Widget] = {}
    placed: list[Widget] = []
    for answer in top:
        one = answer.field
        if one.prefill:
            if answer.counts or answer.preview_hidden:
                widget = prefilled_widget(one, form)
                if answer.preview_hidden and one.condition:
                    widget.extra["shown_only_when"] = one.condition
                placed.append(widget)
            continue
        if not answer.shown:
            continue
        widget = widget_of(answer, one.id, form)
        widgets[one.id] = widget
        under = reveal_under(one, form.page)
        if under is None:
            placed.append(widget)
            continue
        parent = widgets.get(under[0])
        if parent is None:  # the question it is asked under is not on the page now
            continue
        widget.extra["reveal_under"] = under[1]
        widget.extra.pop("shown_only_when", None)  # its place under the option says so
        parent.reveal.append(widget)
        for option in parent.options:
            if option["value"] == under[1]:
                option.setdefault("reveal", []).append(widget)
    return placed


def error_list(widgets: list[Widget]) -> list[dict[str, str]]:
    """Every message of the page for the error summary, in the order of the page."""
    found: list[dict[str, str]] = []
    for widget in widgets:
        found += _widget_errors(widget, prefix="")
        found += error_list(widget.reveal)
    return found


def _widget_errors(widget: Widget, prefix: str) -> list[dict[str, str]]:
    parts = widget.extra.get("errors") if widget.type == "address" else None
    if parts:
        return [
            {"text": prefix + text, "href": f"#{widget.name}-{part}"}
            for part, text in parts.items()
        ]
    found = [{"text": prefix + widget.error, "href": f"#{widget.id}"}] if widget.error else []
    for title, item in zip(widget.extra.get("titles", []), widget.items, strict=False):
        for inner in item:
            found += _widget_errors(inner, prefix=f"{prefix}{title}: ")
    return found


def has_files(fields: Iterable[AnyField]) -> bool:
    return any(
        one.type == "file" or (isinstance(one, GroupField) and has_files(one.fields))
        for one in fields
    )
