"""The import report: one line per form.io component or piece of logic and what became of it.

A service owner reads the report before publishing, so every line says where (the component
path as form.io names it, e.g. ``page2 (panel) > children (editgrid) > name (textfield)``),
what happened (imported, skipped, changed) and why, in the active language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["imported", "skipped", "changed"]


@dataclass(frozen=True)
class ReportLine:
    where: str  # the component path; "" for the whole form
    kind: str  # "imported" | "skipped" | "changed"
    message: str  # why, translated

    def __str__(self) -> str:
        return f"{self.kind}\t{self.where or '-'}\t{self.message}"


@dataclass
class ImportReport:
    """Collects report lines while a form is imported, in the order the components come."""

    lines: list[ReportLine] = field(default_factory=list)

    def add(self, kind: Kind, where: str, message: str, *, at: int | None = None) -> None:
        """Add a line; ``at`` puts a container's line before the lines of what it holds."""
        line = ReportLine(where=where, kind=kind, message=message)
        self.lines.insert(len(self.lines) if at is None else at, line)

    def imported(self, where: str, message: str, *, at: int | None = None) -> None:
        self.add("imported", where, message, at=at)

    def skipped(self, where: str, message: str) -> None:
        self.add("skipped", where, message)

    def changed(self, where: str, message: str) -> None:
        self.add("changed", where, message)


@dataclass(frozen=True)
class FormioImport:
    source: str  # YAML text of a draft definition; compiles with definition_compile
    report: list[ReportLine]
