"""Message templates: one per event, per language, with named ``{placeholders}``.

Each module declares its templates in its own ``notifications.py``, imported at start-up::

    message_template_register(
        event="appointment.booked",
        placeholders=("name", "centre", "when"),
        subject={"en": "Appointment booked for {when}", "th": "..."},
        body={"en": "Dear {name}, ...", "th": "..."},
        inbox=True,
    )

Template text is data, not gettext: every language is written out and checked when registered
(``template_validate``, also used by the Definitions module when a definition is published).
A placeholder is a plain name in single braces; ``{{`` and ``}}`` stand for literal braces.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.module_loading import autodiscover_modules

from onegate.core.languages import SUPPORTED

__all__ = [
    "ContextValue",
    "MessageTemplate",
    "TemplateError",
    "ValidationIssue",
    "discover_templates",
    "message_template_get",
    "message_template_register",
    "message_templates",
    "template_render",
    "template_validate",
]

# A placeholder's value: one text for every language, or a text per language.
ContextValue = str | Mapping[str, str]


class TemplateError(ValueError):
    """A template that cannot be registered or rendered; ``issues`` says why."""

    def __init__(self, message: str, issues: Sequence[ValidationIssue] = ()) -> None:
        super().__init__(message)
        self.issues = list(issues)


@dataclass(frozen=True)
class ValidationIssue:
    """One problem with a template's text, in words a service designer can act on."""

    code: str  # "unknown_placeholder", "missing_language", "bad_braces", "empty"
    part: str  # "subject", "body" or "sms"
    language: str
    detail: str  # the placeholder or the fault, never a person's data

    def __str__(self) -> str:
        return f"{self.part} ({self.language}): {self.code} {self.detail}".strip()


@dataclass(frozen=True)
class MessageTemplate:
    """The text of one event's message in every language, and where it may be sent."""

    event: str
    placeholders: tuple[str, ...]
    subject: Mapping[str, str]
    body: Mapping[str, str]
    sms: Mapping[str, str] = field(default_factory=dict)  # short text; empty: no text message
    inbox: bool = True
    email: bool = True
    # Security notices go by email even to a person who turned email off.
    always_email: bool = False


_TEMPLATES: dict[str, MessageTemplate] = {}


def _fields_of(text: str) -> list[str]:
    """The placeholder names in ``text``; raises ValueError on unbalanced or complex braces."""
    names = []
    for _literal, name, spec, conversion in string.Formatter().parse(text):
        if name is None:
            continue
        if spec or conversion or not name.isidentifier():
            raise ValueError(name or "{}")
        names.append(name)
    return names


def _issues_of(
    part: str, texts: Mapping[str, str], placeholders: Sequence[str]
) -> list[ValidationIssue]:
    issues = []
    for language in SUPPORTED:
        text = texts.get(language, "")
        if not text.strip():
            issues.append(ValidationIssue("missing_language", part, language, ""))
            continue
        try:
            names = _fields_of(text)
        except ValueError as fault:
            issues.append(ValidationIssue("bad_braces", part, language, str(fault)))
            continue
        issues.extend(
            ValidationIssue("unknown_placeholder", part, language, "{" + name + "}")
            for name in names
            if name not in placeholders
        )
    issues.extend(
        ValidationIssue("unknown_language", part, language, "")
        for language in texts
        if language not in SUPPORTED
    )
    return issues


def template_validate(
    *,
    subject: Mapping[str, str],
    body: Mapping[str, str],
    placeholders: Sequence[str],
    sms: Mapping[str, str] | None = None,
) -> list[ValidationIssue]:
    """Every problem with a template's text: unknown placeholder, missing language, bad braces."""
    issues = [
        ValidationIssue("bad_placeholder_name", "placeholders", "", name)
        for name in placeholders
        if not name.isidentifier()
    ]
    issues += _issues_of("subject", subject, placeholders)
    issues += _issues_of("body", body, placeholders)
    if sms:
        issues += _issues_of("sms", sms, placeholders)
    return issues


def message_template_register(
    *,
    event: str,
    placeholders: Sequence[str],
    subject: Mapping[str, str],
    body: Mapping[str, str],
    sms: Mapping[str, str] | None = None,
    inbox: bool = True,
    email: bool = True,
    always_email: bool = False,
) -> MessageTemplate:
    """Register the template of ``event`` ("<module>.<event>"); refuses one with any issue.

    Registering the same event again replaces it (a module reloaded in development, a test).
    """
    if "." not in event:
        raise TemplateError(f"event {event!r} must read '<module>.<event>'")
    issues = template_validate(subject=subject, body=body, placeholders=placeholders, sms=sms)
    if issues:
        raise TemplateError(f"template {event!r}: " + "; ".join(map(str, issues)), issues)
    template = MessageTemplate(
        event=event,
        placeholders=tuple(placeholders),
        subject=dict(subject),
        body=dict(body),
        sms=dict(sms or {}),
        inbox=inbox,
        email=email,
        always_email=always_email,
    )
    _TEMPLATES[event] = template
    return template


def message_template_get(event: str) -> MessageTemplate:
    """The template registered for ``event``; ``TemplateError`` if there is none."""
    try:
        return _TEMPLATES[event]
    except KeyError:
        raise TemplateError(f"no message template for event {event!r}") from None


def message_templates() -> list[MessageTemplate]:
    """Every registered template, by event."""
    return [_TEMPLATES[event] for event in sorted(_TEMPLATES)]


def _value(value: ContextValue, language: str) -> str:
    if isinstance(value, str):
        return value
    return value.get(language) or value.get("en") or next(iter(value.values()), "")


def template_render(
    template: MessageTemplate, *, language: str, context: Mapping[str, ContextValue]
) -> tuple[str, str, str]:
    """(subject, body, sms text) in ``language``; every placeholder must have a value."""
    missing = sorted(set(template.placeholders) - set(context))
    unknown = sorted(set(context) - set(template.placeholders))
    if missing or unknown:
        raise TemplateError(
            f"template {template.event!r}: missing values {missing}, unknown values {unknown}"
        )
    values = {name: _value(value, language) for name, value in context.items()}
    language = language if language in template.subject else "en"
    sms = template.sms.get(language, "")
    return (
        template.subject[language].format_map(values),
        template.body[language].format_map(values),
        sms.format_map(values) if sms else "",
    )


def discover_templates() -> None:
    """Import every installed app's ``notifications`` module, which registers its templates."""
    autodiscover_modules("notifications")
