"""From text (or a mapping) to a CompiledDefinition, reporting every problem at once."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from django.conf import settings

from .checks import checks_run
from .compiled import CompiledDefinition, plan_build
from .dependencies import computed_order, conditions_check, needs_of
from .dump import definition_dump
from .problems import DefinitionInvalid, Problem, ProblemList
from .rules import rules_compile
from .rules_types import rules_typecheck
from .schema import model_validate
from .source import length_problem, source_read

__all__ = ["definition_compile", "definition_compile_data", "definition_compile_forget"]


def definition_compile(source: str) -> CompiledDefinition:
    """Compile a definition's YAML or JSON text; DefinitionInvalid lists every problem.

    The same text compiles to the same immutable result, so the last few results are kept:
    saving a draft and publishing it compile it once, not twice. A text that does not compile is
    not kept (its problems are worded in the language of the request)."""
    return _compile_text(source, tuple(code for code, _name in settings.LANGUAGES))


def definition_compile_forget() -> None:
    """Forget the kept results (for timing a compile from scratch)."""
    _compile_text.cache_clear()


@functools.lru_cache(maxsize=32)
def _compile_text(source: str, languages: tuple[str, ...]) -> CompiledDefinition:
    """``languages``: what a definition's texts must be given in (the checks read the setting)
    is part of the key, so a changed setting is never answered from before."""
    read = source_read(source)
    if read.problems and read.data is None:
        raise DefinitionInvalid(read.problems)
    return _compile(read.data, source, ProblemList(data=read.data, lines=read.lines), read.problems)


def definition_compile_data(data: Mapping[str, Any]) -> CompiledDefinition:
    """The same from an already parsed mapping (an import); problems have no line numbers.

    The mapping's YAML text is what is kept, so it is held to the same length limit.
    """
    source = definition_dump(data)
    too_long = length_problem(source)
    if too_long is not None:
        raise DefinitionInvalid([too_long])
    return _compile(dict(data), source, ProblemList(data=dict(data)), [])


def _compile(
    data: Any, source: str, problems: ProblemList, early: list[Problem]
) -> CompiledDefinition:
    problems.problems.extend(early)
    model = model_validate(data, problems)
    if model is None:
        raise DefinitionInvalid(problems.problems)
    checks_run(model, problems)
    rules = rules_compile(model, problems)
    order = computed_order(model, rules, problems)
    needs = needs_of(rules)
    if not any(problem.code == "cycle" for problem in problems.problems):
        conditions_check(model, rules, needs, problems)
        rules_typecheck(model, rules, order, problems)
    if problems.problems:
        raise DefinitionInvalid(problems.problems)
    return CompiledDefinition(model, source, rules, plan_build(model, rules, order, needs))
