"""One field's answer, in the two steps of reading a page: first every input on its own
(``read``, through the field type's ``KINDS`` entry), then, once the page's answers are merged
into the stored ones, what depends on the others (``check``: files taken, date bounds, the
definition's ``validations``). ``inputs`` is what the rules read with a set of answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from onegate.core.languages import pick
from onegate.definitions.language import RuleInputs, field_validate
from onegate.definitions.language.model import AnyField
from onegate.runner.codec import answer_from_json, answers_from_json
from onegate.runner.fields.base import KINDS, Answer, Form, json_of, walk


def read(one: AnyField, name: str, form: Form) -> Answer:
    """The field's inputs under ``name`` read into its answer (nothing else checked yet)."""
    answer = KINDS[one.type].read(one, name, form)
    answer.name = name
    return answer


def stored(one: AnyField, value: Any, form: Form) -> Answer:
    """An answer as saved, to show in the inputs (nothing to check)."""
    kind = KINDS[one.type]
    if kind.stored is not None:
        return kind.stored(one, value, form)
    return Answer(one, value=value, raw=kind.show(one, value, form))


def validations(answer: Answer, form: Form, inputs: RuleInputs, item: Any) -> None:
    """The first of the definition's ``validations`` of the field that does not hold."""
    python = answer_from_json(answer.field, json_of(answer))
    messages = field_validate(
        form.compiled, inputs, field_id=answer.field.id, value=python, item=item
    )
    if messages:
        answer.error = pick(messages[0], form.language)


def check(
    answer: Answer, name: str, form: Form, inputs: RuleInputs, *, rules: bool, item: Any = None
) -> None:
    """The second step for a visible field: its type's own part, then its bounds and the
    definition's validations (``rules`` False: an answer they read is wrong, so not those)."""
    kind = KINDS[answer.field.type]
    if kind.check is not None:
        kind.check(answer, name, form, inputs)
        return
    if kind.take is not None:
        kind.take(answer, form)
    if not rules or not answer.valid or answer.value is None:
        return
    if kind.bounds is not None:
        kind.bounds(answer, form, inputs, item)
    if answer.valid:
        validations(answer, form, inputs, item)


def inputs(form: Form, answers: Mapping[str, Any]) -> RuleInputs:
    """What the rules read with these JSON answers (and every prefilled field's value)."""
    if form.application is not None:
        from onegate.runner.facts import application_inputs

        return application_inputs(form.application, answers=dict(answers), compiled=form.compiled)
    values = answers_from_json(form.compiled, answers)
    for _page, one in form.compiled.model.all_fields():
        if one.prefill:
            values[one.id] = walk(form.preview_facts, one.prefill.split("."))
    return RuleInputs(answers=values, facts=dict(form.preview_facts), applicant="self")


def same_page(form: Form, one: AnyField) -> bool:
    """Whether the field's condition reads an answer given on this page."""
    rule = form.compiled.plan.field_conditions.get(one.id)
    own = {each.id for each in form.page.fields}
    return rule is not None and bool(rule.answers & own)
