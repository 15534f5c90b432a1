"""Problems found in a definition file: where, on which line, what kind, and what to do."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

__all__ = ["DefinitionInvalid", "Problem", "ProblemList", "where_of"]


@dataclass(frozen=True)
class Problem:
    """One problem in a definition file, in words a service designer can act on."""

    where: str  # "pages[2].fields[0].condition"; "" for the whole file
    line: int | None  # 1-based line in the source text when known
    code: str  # stable code: yaml, schema, missing_translation, unknown_reference, ...
    message: str  # in the active language

    def __str__(self) -> str:
        place = ", ".join(
            part
            for part in (_("line %(line)s") % {"line": self.line} if self.line else "", self.where)
            if part
        )
        return f"{place}: {self.message}" if place else self.message


class DefinitionInvalid(Exception):
    """A definition that cannot be compiled (or published); ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(map(str, problems[:5])))
        self.problems = problems


def where_of(path: tuple[str | int, ...]) -> str:
    """``("pages", 2, "fields", 0)`` as ``pages[2].fields[0]``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


@dataclass
class ProblemList:
    """Problems collected while checking a definition, each placed on its line and named.

    Every message opens with the service and the thing the problem is in (a page, a field, a
    rule, an example), so a list of problems can be read without the file open beside it.
    """

    data: Any = None  # the raw mapping, to name the page, field or rule at a path
    lines: dict[tuple[str | int, ...], int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def add(self, path: tuple[str | int, ...], code: str, detail: str) -> None:
        subjects = self._subjects(path)
        message = ", ".join(subjects) + ": " + str(detail) if subjects else str(detail)
        self.problems.append(Problem(where_of(path), self.line_of(path), code, message))

    def line_of(self, path: tuple[str | int, ...]) -> int | None:
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None

    def _subjects(self, path: tuple[str | int, ...]) -> list[str]:
        service = self.data.get("service") if isinstance(self.data, dict) else None
        subjects = [_("service “%(service)s”") % {"service": service}] if service else []
        subject = _subject_at(self.data, path)
        return [*subjects, subject] if subject else subjects


_KINDS: dict[tuple[str | int, ...], Any] = {
    ("pages",): lambda name: _("page “%(id)s”") % {"id": name},
    ("fields",): lambda name: _("field “%(id)s”") % {"id": name},
    ("computed",): lambda name: _("computed value “%(id)s”") % {"id": name},
    ("eligibility",): lambda name: _("eligibility rule “%(id)s”") % {"id": name},
    ("decision", "rules"): lambda name: _("decision rule “%(id)s”") % {"id": name},
    ("tests",): lambda name: _("example “%(id)s”") % {"id": name},
}


def _subject_at(data: Any, path: tuple[str | int, ...]) -> str:
    """The innermost page, field, rule or example that ``path`` lies in, named."""
    subject, node = "", data
    for index, part in enumerate(path):
        node = _child(node, part)
        if node is None:
            break
        if isinstance(part, int) and isinstance(node, dict):
            kind = _KINDS.get(tuple(path[max(0, index - 2) : index])) or _KINDS.get(
                (path[index - 1],)
            )
            name = node.get("name" if path[index - 1] == "tests" else "id")
            if kind and isinstance(name, str):
                subject = kind(name)
        elif path[:2] == ("decision", "otherwise") and index == 1:
            subject = _("the decision's “otherwise”")
        elif index == 1 and path[0] == "notifications":
            subject = _("the “%(event)s” message") % {"event": part}
    return subject


def _child(node: Any, part: str | int) -> Any:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None
