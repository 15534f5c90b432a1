"""Reading a definition's text: YAML (or JSON, which YAML reads too) with the line of every node.

The lines let a schema error found later by pydantic point at the line of the offending key, so
a designer sees "line 42, pages[3].fields[1].type: unknown field type 'txet'".
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.utils.translation import gettext as _

from onegate.core.yamltext import SafeLoader

from .problems import Problem, where_of

__all__ = ["MAX_DEPTH", "MAX_SOURCE_CHARS", "Source", "data_depth", "length_problem", "source_read"]

# The longest definition text, in characters (a 50-page service is about 100 kB). The one limit:
# the designer's forms and the upload check it through ``onegate.definitions.constants``.
MAX_SOURCE_CHARS = 1_000_000
# A definition nests a dozen levels deep (pages, fields, a group, its fields, options, texts);
# far deeper is a hostile or broken file, and would exhaust the recursion of the checks.
MAX_DEPTH = 40

Path = tuple[str | int, ...]


@dataclass
class Source:
    """The parsed data, the line of each path in it, and problems found while reading."""

    data: Any = None
    lines: dict[Path, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def source_read(text: str) -> Source:
    """Parse ``text`` once; a syntax error becomes a Problem with its line."""
    too_long = length_problem(text)
    if too_long is not None:
        return Source(problems=[too_long])
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        shape = _shape_problem(node) if node is not None else None
        if shape is not None:
            return Source(problems=[shape])
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        return _json_or_yaml_problem(text, error)
    finally:
        loader.dispose()
    source = Source(data=data)
    if node is not None:
        _mark_lines(node, (), source)
    return source


def length_problem(text: str) -> Problem | None:
    """A problem when ``text`` is longer than ``MAX_SOURCE_CHARS``."""
    if len(text) <= MAX_SOURCE_CHARS:
        return None
    message = _("The file is too long: at most %(count)s characters.")
    return Problem("", None, "too_long", message % {"count": MAX_SOURCE_CHARS})


def _shape_problem(root: yaml.Node) -> Problem | None:
    """Anchors and aliases (``&a`` … ``*a``) or nesting too deep: refused before building data.

    An alias makes one node appear in many places, so ten lines can stand for a billion
    values ("billion laughs") that every later check would walk; a portable definition spells
    everything out, so aliases are refused outright.
    """
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        line = node.start_mark.line + 1
        if id(node) in seen:
            message = _("Anchors and aliases (& and *) are not allowed: write the text out.")
            return Problem("", line, "alias", message)
        seen.add(id(node))
        if depth > MAX_DEPTH:
            message = _("The file nests deeper than %(count)s levels.") % {"count": MAX_DEPTH}
            return Problem("", line, "too_deep", message)
        if isinstance(node, yaml.MappingNode):
            stack.extend((child, depth + 1) for pair in node.value for child in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
    return None


def data_depth(data: Any, *, limit: int = MAX_DEPTH) -> int:
    """How deep lists and objects nest in parsed JSON (counted without recursion, up to just
    past ``limit``)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > limit:
            break
        if isinstance(value, dict):
            stack.extend((child, depth + 1) for child in value.values())
        elif isinstance(value, list):
            stack.extend((child, depth + 1) for child in value)
    return deepest


def _json_or_yaml_problem(text: str, error: yaml.MarkedYAMLError) -> Source:
    """A text that YAML refuses may still be JSON that YAML cannot read (tabs); try it."""
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as json_error:
            message = _("The file is not valid JSON: %(detail)s") % {"detail": json_error.msg}
            return Source(problems=[Problem("", json_error.lineno, "yaml", message)])
        except RecursionError:
            data = None
        if data is None or data_depth(data) > MAX_DEPTH:
            message = _("The file nests deeper than %(count)s levels.") % {"count": MAX_DEPTH}
            return Source(problems=[Problem("", None, "too_deep", message)])
        return Source(data=data)
    mark = error.problem_mark or error.context_mark
    detail = " ".join(part for part in (error.context, error.problem) if part)
    message = _("The file is not valid YAML: %(detail)s") % {"detail": detail}
    return Source(problems=[Problem("", mark.line + 1 if mark else None, "yaml", message)])


def _mark_lines(node: yaml.Node, path: Path, source: Source) -> None:
    source.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                message = _("The key “%(key)s” appears twice here.") % {"key": key}
                source.problems.append(
                    Problem(
                        where_of((*path, key)),
                        key_node.start_mark.line + 1,
                        "duplicate_key",
                        message,
                    )
                )
            seen.add(key)
            source.lines[(*path, key)] = key_node.start_mark.line + 1
            _mark_lines(value_node, (*path, key), source)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _mark_lines(item, (*path, index), source)
