"""A whole page read or shown: ``page_form`` and the button pressed (``action``).

Reading is in two steps: first every field's inputs on their own; then, with the page's answers
merged into the stored ones, which fields those answers hide (a hidden field's input is ignored
and not returned), the date bounds and the definition's ``validations``. Prefilled fields take
nothing from the POST. Without a POST the stored answers fill the inputs; a preview (no
application) shows every field of the page, whatever the sample facts say of its condition.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils import translation

from onegate.definitions.language import (
    CompiledDefinition,
    RuleInputs,
    Visibility,
    visibility_evaluate,
)
from onegate.definitions.language.model import Page
from onegate.definitions.language.validate import field_rules_read
from onegate.runner.fields.answers import check, inputs, read, same_page, stored
from onegate.runner.fields.base import Answer, Form, PageForm, forget, json_of
from onegate.runner.fields.groups import add_item, item_shown
from onegate.runner.fields.widgets import error_list, has_files, page_widgets

_NAME = r"(?:[a-z][a-z0-9_]*-[0-9]{1,3}-)*[a-z][a-z0-9_]*"
_ACTIONS = re.compile(
    rf"continue|save|add:{_NAME}|remove:{_NAME}:[0-9]{{1,3}}"
    rf"|remove-file:{_NAME}:[0-9a-f-]{{36}}"
)


def action_of(text: str) -> str:
    """The button pressed; "continue" for anything else."""
    return text if _ACTIONS.fullmatch(text or "") else "continue"


def page_form(
    *,
    compiled: CompiledDefinition,
    page: Page,
    application: Any,
    language: str,
    data: Any = None,
    files: Any = None,
    actor: Any = None,
    preview_facts: Mapping[str, Any] | None = None,
) -> PageForm:
    """The page's widgets from the stored answers (``data`` None), or the POST read and checked.

    ``application`` None is a preview: facts from ``preview_facts``, nothing stored, no uploads,
    and (without a POST) every field shown, those the sample facts would hide marked with their
    condition for the designer.
    """
    with translation.override(language):
        form = Form(
            compiled=compiled,
            page=page,
            application=application,
            language=language,
            actor=actor,
            data=data,
            files=files,
            preview_facts=preview_facts or {},
            action=action_of(data.get("action", "")) if data is not None else "continue",
            stored=dict(application.answers or {}) if application is not None else {},
        )
        top = _page_answers(form)
        widgets = page_widgets(form, top)
        answers = {
            a.field.id: json_of(a)
            for a in top
            if a.counts
            and a.valid
            and not a.field.prefill
            and (form.posted or a.field.id in form.stored)
        }
        hidden_page = form.preview and page.id not in form.visible_pages
        return PageForm(
            page,
            widgets,
            error_list(widgets),
            answers,
            form.action,
            has_files(page.fields),
            shown_only_when=(page.condition or "") if hidden_page else "",
            invalid_ids=frozenset(
                a.field.id for a in top if a.counts and not a.valid and not a.field.prefill
            ),
        )


def _page_answers(form: Form) -> list[Answer]:
    page = form.page
    if not form.posted:
        top = [
            Answer(one) if one.prefill else stored(one, form.stored.get(one.id), form)
            for one in page.fields
        ]
        _answers_shown(form, top)
        return top
    top = [Answer(one) if one.prefill else read(one, one.id, form) for one in page.fields]
    _answers_read(form, top)
    kind, _sep, group = form.action.partition(":")
    adding = next((a for a in top if kind == "add" and a.field.id == group), None)
    if adding is not None and adding.counts and all(a.valid for a in top if a.counts):
        add_item(adding, form)
    return top


def _answers_read(form: Form, top: list[Answer]) -> None:
    """The second step for the whole page: visibility with the new answers, then the checks."""
    asked = [a for a in top if not a.field.prefill]
    merged = {key: value for key, value in form.stored.items() if key not in _ids(form.page)}
    merged |= {a.field.id: json_of(a) for a in asked if a.valid}
    rules, visibility = _visibility(form, merged)
    form.inputs = rules
    visible = visibility.fields
    wrong = {a.field.id for a in asked if not a.valid}
    for answer in top:
        answer.counts = answer.field.id in visible
        answer.shown = answer.counts or same_page(form, answer.field)
        if answer.field.prefill:
            continue
        if not answer.counts:
            forget(answer)
            continue
        reads_wrong = bool(field_rules_read(form.compiled, answer.field.id) & wrong)
        check(answer, answer.field.id, form, rules, rules=not reads_wrong)


def _answers_shown(form: Form, top: list[Answer]) -> None:
    """Which stored answers' fields are shown (no POST: nothing is checked). A preview shows
    them all, marking those whose condition does not hold with the sample facts."""
    form.inputs, visibility = _visibility(form, form.stored)
    form.visible_pages = visibility.pages
    for answer in top:
        answer.counts = answer.field.id in visibility.fields
        answer.shown = answer.counts or same_page(form, answer.field)
        if form.preview and not answer.counts:
            answer.shown = answer.preview_hidden = True
        for item in answer.items:
            item_shown(item, form)


def _visibility(form: Form, answers: Mapping[str, Any]) -> tuple[RuleInputs, Visibility]:
    """What the rules read with these answers, and what they show: for an application, over
    everyone it is for (a field shown only for the second child is asked, as its journey and
    submission ask it), the page's checks reading the first person it is shown for; for a
    preview, with the sample facts."""
    if form.application is None or len(form.application.subjects or []) <= 1:
        rules = inputs(form, answers)
        return rules, visibility_evaluate(form.compiled, rules)
    from onegate.runner.journey import subjects_visibility, visibility_union

    seen = subjects_visibility(form.application, form.compiled, answers=answers)
    rules = next((i for i, shown in seen if form.page.id in shown.pages), seen[0][0])
    return rules, visibility_union(seen)


def _ids(page: Page) -> set[str]:
    return {one.id for one in page.fields}
