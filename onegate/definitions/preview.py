"""The designer's structural preview: every page of a definition as a person would meet it, in one
language, with what a service owner needs to check (each field's label, hint, type, options,
condition and prefill source). The Runner issue replaces it with its real page renderer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from onegate.core.languages import pick
from onegate.definitions.language.model import ServiceDefinition

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
