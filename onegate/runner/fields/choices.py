"""Choices: yes or no, a declaration's single tick box, one of the options (radios or a list) and
several of them (checkboxes). A value that is not one of the options is refused, not stored.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from onegate.core.languages import pick
from onegate.definitions.language.model import AnyField
from onegate.runner.fields.base import Answer, Form, blank, field_kind, wrong

_YES_NO = {"yes": True, "no": False}


def _yes_no_shown(_one: AnyField, value: Any, _form: Form) -> str:
    return "" if value is None else ("yes" if value else "no")


@field_kind("yes_no", show=_yes_no_shown)
def _read_yes_no(one: Any, name: str, form: Form) -> Answer:
    raw = form.text(name)
    if not raw:
        return blank(one, raw, _("Select an answer to “%(label)s”"), form)
    if raw not in _YES_NO:
        return wrong(one, "", _("Select one of the answers to “%(label)s”"), form)
    return Answer(one, value=_YES_NO[raw], raw=raw)


def _declaration_extra(one: Any, _answer: Answer, form: Form) -> dict[str, Any]:
    return {"statement": pick(one.statement, form.language)}


@field_kind(
    "declaration",
    show=lambda _one, value, _form: "yes" if value else "",
    extra=_declaration_extra,
)
def _read_declaration(one: Any, name: str, form: Form) -> Answer:
    if form.text(name) == "yes":
        return Answer(one, value=True, raw="yes")
    return blank(one, "", _("Tick the box to confirm the declaration"), form, empty=False)


@field_kind("radios", "select")
def _read_choice(one: Any, name: str, form: Form) -> Answer:
    raw = form.text(name)
    if not raw:
        return blank(one, raw, _("Select an answer to “%(label)s”"), form)
    if raw not in {option.value for option in one.options}:
        return wrong(one, "", _("Select one of the answers to “%(label)s”"), form)
    return Answer(one, value=raw, raw=raw)


@field_kind("checkboxes", show=lambda _one, value, _form: list(value or []))
def _read_checkboxes(one: Any, name: str, form: Form) -> Answer:
    given = [value for value in form.values(name) if value]
    known = [option.value for option in one.options]
    chosen = [value for value in known if value in given]
    if any(value not in known for value in given):
        return wrong(one, chosen, _("Select one of the answers to “%(label)s”"), form)
    if not chosen:
        return blank(one, [], _("Select at least one answer to “%(label)s”"), form, empty=[])
    return Answer(one, value=chosen, raw=chosen)


def choice_options(one: Any, form: Form) -> list[dict[str, Any]]:
    """The options of a yes/no, radios, list or checkboxes field: value, text and hint."""
    if one.type == "yes_no":
        return [{"value": "yes", "text": _("Yes")}, {"value": "no", "text": _("No")}]
    return [
        {
            "value": option.value,
            "text": pick(option.label, form.language),
            "hint": pick(option.hint, form.language) if option.hint else None,
        }
        for option in one.options
    ]
