"""The designer's preview: one page of a definition at a time, drawn by the runner's own page
renderer (``runner.fields.page_form`` and the ``runner_field`` macro) with sample registry facts,
in the language chosen, never submittable; every field of the page is drawn, those the samples
would hide marked with their condition. Beside it, what a service owner needs to check that
a person does not see: each field's type, condition, prefill source and checks
(``definition_preview``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from onegate.core.languages import pick
from onegate.definitions.language.model import Page, ServiceDefinition
from onegate.definitions.language.samples import fact_sample

FIELD_TYPE_NAMES: dict[str, Any] = {
    "text": _("Text"),
    "long_text": _("Long text"),
    "number": _("Whole number"),
    "money": _("Amount of money"),
    "date": _("Date"),
    "yes_no": _("Yes or no"),
    "email": _("Email address"),
    "phone": _("Phone number"),
    "thai_id": _("Thai ID number"),
    "passport_number": _("Passport number"),
    "declaration": _("Declaration"),
    "radios": _("One choice (radios)"),
    "select": _("One choice (list)"),
    "checkboxes": _("Several choices (checkboxes)"),
    "address": _("Address"),
    "file": _("File upload"),
    "person": _("Person from the registry"),
    "group": _("Repeating group (add another)"),
}


@dataclass(frozen=True)
class PreviewField:
    id: str
    type_name: str
    label: str
    hint: str
    required: bool
    condition: str
    prefill: str  # "facts alias → registry fact (and path)", empty when asked
    options: list[str] = field(default_factory=list)
    statement: str = ""
    validations: list[tuple[str, str]] = field(default_factory=list)  # (rule, message)
    inner: list[PreviewField] = field(default_factory=list)  # a repeating group's fields


@dataclass(frozen=True)
class PreviewPage:
    id: str
    number: int
    title: str
    condition: str
    fields: list[PreviewField]


def definition_preview(model: ServiceDefinition, language: str) -> list[PreviewPage]:
    """Every page of ``model`` with its texts in ``language``."""
    return [
        PreviewPage(
            id=page.id,
            number=number,
            title=pick(page.title, language),
            condition=page.condition or "",
            fields=[_field(one, model, language) for one in page.fields],
        )
        for number, page in enumerate(model.pages, start=1)
    ]


def _field(one: Any, model: ServiceDefinition, language: str) -> PreviewField:
    return PreviewField(
        id=one.id,
        type_name=str(FIELD_TYPE_NAMES.get(one.type, one.type)),
        label=pick(one.label, language),
        hint=pick(one.hint, language) if one.hint else "",
        required=one.required,
        condition=one.condition or "",
        prefill=_prefill(one.prefill, model),
        options=[pick(option.label, language) for option in getattr(one, "options", [])],
        statement=pick(one.statement, language) if getattr(one, "statement", None) else "",
        validations=[(v.rule, pick(v.message, language)) for v in one.validations],
        inner=[_field(inner, model, language) for inner in getattr(one, "fields", [])],
    )


def _prefill(binding: str | None, model: ServiceDefinition) -> str:
    if not binding:
        return ""
    alias, _dot, path = binding.partition(".")
    fact = model.facts.get(alias, alias)
    return f"{fact}.{path}" if path else fact


def preview_page(model: ServiceDefinition, page_id: str | None) -> Page | None:
    """The page ``page_id`` (the first page when none is asked for); None when there is none."""
    if not page_id:
        return model.pages[0]
    return next((page for page in model.pages if page.id == page_id), None)


def preview_facts(model: ServiceDefinition) -> dict[str, Any]:
    """A sample value of every registry fact the definition reads, by its alias, as the runner
    shows facts (dates as dates): what a prefilled field shows in the preview."""
    return {alias: _as_shown(fact_sample(fact, 0)) for alias, fact in model.facts.items()}


def _as_shown(value: Any) -> Any:
    """A sample as CEL takes it (a date is a timestamp at midnight UTC) as the runner keeps it."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, Mapping):
        return {key: _as_shown(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_shown(item) for item in value]
    return value
