"""Checks that need more than one part of a definition at once.

Translations in every language, ids unique where rules name them, registry facts that exist,
prefill from declared facts, groups nested at most twice, message templates with known
placeholders, and examples that name only what the file declares. CEL rules are checked in
``rules``; cycles between rules in ``dependencies``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from pydantic import BaseModel

from onegate.notify.templates import template_validate
from onegate.registries.prefill import prefill_fact_names

from .model import (
    NOTIFICATION_PLACEHOLDERS,
    AnyField,
    ChoiceField,
    GroupField,
    ServiceDefinition,
    Text,
)
from .problems import ProblemList, where_of

__all__ = ["checks_run"]

Path = tuple[str | int, ...]
MAX_GROUP_DEPTH = 2


def checks_run(model: ServiceDefinition, problems: ProblemList) -> None:
    """Add every cross-part problem of ``model`` to ``problems``."""
    _check_translations(model, problems)
    _check_ids(model, problems)
    _check_reserved(model, problems)
    _check_facts(model, problems)
    _check_fields(model, problems)
    _check_applicants(model, problems)
    _check_notifications(model, problems)
    _check_examples(model, problems)


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


@functools.cache
def _text_fields(model: type[BaseModel]) -> frozenset[str]:
    """The fields of ``model`` that hold a Text."""
    texts = (Text, Text | None)
    return frozenset(name for name, info in model.model_fields.items() if info.annotation in texts)


def _texts(node: BaseModel, path: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    """Every Text map in the model, with its path."""
    texts = _text_fields(type(node))
    for name in type(node).model_fields:
        value = getattr(node, name)
        if name in texts and value is not None:
            yield (*path, name), value
        elif name not in texts:
            for child_path, child in _models_in(value, (*path, name)):
                yield from _texts(child, child_path)


def _models_in(value: Any, path: Path) -> Iterator[tuple[Path, BaseModel]]:
    """The models held by a field's value: itself, or those in its list or mapping."""
    if isinstance(value, BaseModel):
        yield path, value
    elif isinstance(value, list | tuple):
        yield from (
            ((*path, i), item) for i, item in enumerate(value) if isinstance(item, BaseModel)
        )
    elif isinstance(value, dict):
        yield from (
            ((*path, str(k)), item) for k, item in value.items() if isinstance(item, BaseModel)
        )


def _check_translations(model: ServiceDefinition, problems: ProblemList) -> None:
    languages = _languages()
    for path, text in _texts(model, ()):
        for language in languages:
            if not (text.get(language) or "").strip():
                problems.add(
                    path,
                    "missing_translation",
                    _("the text in “%(language)s” is missing.") % {"language": language},
                )
        for language in text:
            if language not in languages:
                values = {"language": language, "languages": ", ".join(languages)}
                problems.add(
                    (*path, language),
                    "unknown_language",
                    _("“%(language)s” is not a language of the service; use %(languages)s.")
                    % values,
                )


def _fields_with_paths(model: ServiceDefinition) -> Iterator[tuple[Path, AnyField, int]]:
    """Every field, inner fields of groups too, with its path and its group depth."""

    def walk(
        fields: Iterable[AnyField], path: Path, depth: int
    ) -> Iterator[tuple[Path, AnyField, int]]:
        for index, field in enumerate(fields):
            yield (*path, index), field, depth
            if isinstance(field, GroupField):
                yield from walk(field.fields, (*path, index, "fields"), depth + 1)

    for p, page in enumerate(model.pages):
        yield from walk(page.fields, ("pages", p, "fields"), 0)


def _duplicates(items: Iterable[tuple[Path, str]], what: str, problems: ProblemList) -> None:
    seen: dict[str, Path] = {}
    for path, value in items:
        if value in seen:
            values = {"what": what, "id": value, "first": _where(seen[value], problems)}
            problems.add(
                path,
                "duplicate_id",
                _("the %(what)s “%(id)s” is already used at %(first)s.") % values,
            )
        else:
            seen[value] = path


def _where(path: Path, problems: ProblemList) -> str:
    line = problems.line_of(path)
    return where_of(path) + (" " + _("(line %(line)s)") % {"line": line} if line else "")


def _check_ids(model: ServiceDefinition, problems: ProblemList) -> None:
    _duplicates(
        ((("pages", i, "id"), page.id) for i, page in enumerate(model.pages)),
        _("page id"),
        problems,
    )
    _duplicates(
        (((*path, "id"), field.id) for path, field, _depth in _fields_with_paths(model)),
        _("field id"),
        problems,
    )
    rules: list[tuple[Path, str]] = [
        (("eligibility", i, "id"), rule.id) for i, rule in enumerate(model.eligibility)
    ]
    rules += [
        (("decision", "rules", i, "id"), rule.id) for i, rule in enumerate(model.decision.rules)
    ]
    _duplicates([(("decision", "otherwise"), "otherwise"), *rules], _("rule id"), problems)
    _duplicates(
        ((("computed", i, "id"), item.id) for i, item in enumerate(model.computed)),
        _("computed value id"),
        problems,
    )
    _duplicates(
        ((("tests", i, "name"), test.name) for i, test in enumerate(model.tests)),
        _("example name"),
        problems,
    )
    for path, field, _depth in _fields_with_paths(model):
        if isinstance(field, ChoiceField):
            options = (
                ((*path, "options", i, "value"), option.value)
                for i, option in enumerate(field.options)
            )
            _duplicates(options, _("option value"), problems)


# Words CEL keeps for itself: a field, fact or computed value so named could not be read.
CEL_RESERVED = frozenset(
    {"true", "false", "null", "in", "as", "break", "const", "continue", "else", "for", "function",
     "if", "import", "let", "loop", "package", "namespace", "return", "var", "void", "while"}
)  # fmt: skip


def _check_reserved(model: ServiceDefinition, problems: ProblemList) -> None:
    names = [((*path, "id"), field.id) for path, field, _depth in _fields_with_paths(model)]
    names += [(("facts", alias), alias) for alias in model.facts]
    names += [(("computed", i, "id"), item.id) for i, item in enumerate(model.computed)]
    for path, name in names:
        if name in CEL_RESERVED:
            message = _("“%(name)s” is a word CEL keeps for itself; choose another name.")
            problems.add(path, "schema", message % {"name": name})


def _check_facts(model: ServiceDefinition, problems: ProblemList) -> None:
    names = prefill_fact_names()
    for alias, fact in model.facts.items():
        if fact not in names:
            values = {"fact": fact, "facts": ", ".join(names)}
            problems.add(
                ("facts", alias),
                "unknown_fact",
                _("the registries have no fact “%(fact)s”; they have: %(facts)s.") % values,
            )
    for path, field, _depth in _fields_with_paths(model):
        alias = (field.prefill or "").split(".")[0]
        if alias and alias not in model.facts:
            values = {"alias": alias, "aliases": ", ".join(model.facts) or "—"}
            problems.add(
                (*path, "prefill"),
                "unknown_fact",
                _("“%(alias)s” is not declared under facts:; the facts are: %(aliases)s.") % values,
            )


def _check_fields(model: ServiceDefinition, problems: ProblemList) -> None:
    for path, field, depth in _fields_with_paths(model):
        if isinstance(field, GroupField) and depth + 1 > MAX_GROUP_DEPTH:
            problems.add(
                path,
                "too_deep",
                _("groups may be nested at most %(limit)s deep.") % {"limit": MAX_GROUP_DEPTH},
            )
        for low, high in (("min_length", "max_length"), ("min", "max"), ("min_items", "max_items")):
            lowest, highest = getattr(field, low, None), getattr(field, high, None)
            if lowest is not None and highest is not None and lowest > highest:
                values = {"low": low, "high": high}
                problems.add((*path, low), "schema", _("%(low)s is more than %(high)s.") % values)


def _check_applicants(model: ServiceDefinition, problems: ProblemList) -> None:
    who = model.applicants
    if not (who.self or who.child or who.delegated):
        problems.add(
            ("applicants",), "schema", _("nobody may apply: allow self, child or delegated.")
        )
    if (who.several_children or who.child_max_age is not None) and not who.child:
        problems.add(
            ("applicants",), "schema", _("several_children and child_max_age need child: true.")
        )


def _check_notifications(model: ServiceDefinition, problems: ProblemList) -> None:
    for event, message in model.notifications.items():
        placeholders = NOTIFICATION_PLACEHOLDERS[event]
        issues = template_validate(
            subject=message.subject, body=message.body, placeholders=placeholders, sms=message.sms
        )
        for issue in issues:
            if issue.code in ("missing_language", "unknown_language"):
                continue  # reported as a translation problem already
            values = {
                "language": issue.language,
                "detail": issue.detail,
                "placeholders": ", ".join(placeholders),
            }
            text = (
                _("%(detail)s is not a placeholder of this message; use %(placeholders)s.")
                if issue.code == "unknown_placeholder"
                else _("the braces around %(detail)s do not match; write {{ and }} for a brace.")
            )
            problems.add(
                ("notifications", str(event), issue.part, issue.language), "template", text % values
            )


def _check_examples(model: ServiceDefinition, problems: ProblemList) -> None:
    fields = {field.id for _page, field in model.all_fields()}
    rules = {rule.id for rule in model.eligibility}
    decisions = {rule.id for rule in model.decision.rules} | {"otherwise"}
    computed = {item.id for item in model.computed}
    for i, test in enumerate(model.tests):
        for what, names, known in (
            ("answers", test.answers, fields),
            ("facts", test.facts, set(model.facts)),
            ("expect_computed", test.expect_computed, computed),
        ):
            for name in names:
                if name not in known:
                    values = {"name": name, "known": ", ".join(sorted(known)) or "—"}
                    problems.add(
                        ("tests", i, what, name),
                        "unknown_reference",
                        _("“%(name)s” is not declared; use one of: %(known)s.") % values,
                    )
        _check_expected_rule(
            ("tests", i, "expect_ineligible_because"),
            test.expect_ineligible_because,
            rules,
            problems,
        )
        _check_expected_rule(("tests", i, "expect_rule"), test.expect_rule, decisions, problems)
        if test.expect_eligible and test.expect_ineligible_because:
            problems.add(
                ("tests", i, "expect_ineligible_because"),
                "schema",
                _("an example expected to be eligible cannot name a failing eligibility rule."),
            )


def _check_expected_rule(
    path: Path, name: str | None, known: set[str], problems: ProblemList
) -> None:
    if name and name not in known:
        values = {"name": name, "known": ", ".join(sorted(known)) or "—"}
        problems.add(
            path,
            "unknown_reference",
            _("there is no rule “%(name)s”; the rules are: %(known)s.") % values,
        )
