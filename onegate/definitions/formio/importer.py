"""The import itself: check the input, walk it into pages, translate its logic, compile.

The result is compiled with the definition language before it is returned. Should a
translated condition or rule still be refused there (the language's checks are stricter than
the importer's: field order, types), that expression is dropped and reported, and the
definition compiled again; any other refusal is a bug in the importer and is raised.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from onegate.definitions.formio.definition import definition_data
from onegate.definitions.formio.logic import conditions_resolve
from onegate.definitions.formio.pages import pages_from
from onegate.definitions.formio.report import FormioImport, ImportReport, ReportLine
from onegate.definitions.formio.shape import FORM_TYPES, NotFormio, formio_form_parse
from onegate.definitions.formio.state import ImportState
from onegate.definitions.language import (
    DefinitionInvalid,
    Problem,
    definition_compile_data,
    definition_dump,
)

DROPPABLE = ("condition", "validations")


def formio_import(
    data: Any, *, service: str, title: dict[str, str] | None = None, agency: str
) -> FormioImport:
    """A draft definition from a form.io form (a mapping, or its JSON text)."""
    state = ImportState()
    form = _whole_form(formio_form_parse(data), state.report)
    pages = pages_from(form, state)
    if not pages:
        raise NotFormio(
            [_("The form has no question OneGate can import."), *_skipped(state.report)]
        )
    conditions_resolve(state)
    definition = definition_data(
        form, pages, service=service, agency=agency, title=title, report=state.report
    )
    source = _compiled_source(definition, state)
    return FormioImport(source=source, report=_by_component(state.report.lines))


def _by_component(lines: list[ReportLine]) -> list[ReportLine]:
    """Each component's lines together, where it first appears; whole-form lines last."""
    first: dict[str, int] = {}
    for index, line in enumerate(lines):
        first.setdefault(line.where, index)
    return sorted(lines, key=lambda line: (line.where == "", first[line.where]))


def _whole_form(form: dict[str, Any], report: ImportReport) -> dict[str, Any]:
    """The form; a file holding one component (form.io fixtures do) as a form of it."""
    kind = form.get("type")
    if isinstance(kind, str) and kind not in FORM_TYPES and isinstance(form.get("key"), str):
        message = _(
            "The file holds one component, not a whole form; it is imported as a form "
            "with that component."
        )
        report.changed("", message)
        return {"display": "form", "components": [form]}
    return form


def _skipped(report: ImportReport) -> list[str]:
    return [f"{line.where}: {line.message}" for line in report.lines if line.kind == "skipped"]


def _compiled_source(definition: dict[str, Any], state: ImportState) -> str:
    while True:  # each round drops at least one expression, so this ends
        try:
            definition_compile_data(definition)
        except DefinitionInvalid as invalid:
            if not _refused_dropped(definition, invalid.problems, state):
                raise
        else:
            return definition_dump(definition)


_PART = re.compile(r"([A-Za-z_]+)|\[(\d+)\]")


def _refused_dropped(
    definition: dict[str, Any], problems: list[Problem], state: ImportState
) -> bool:
    """Drop each condition or validation the language refused; False when another problem."""
    dropped = False
    for problem in problems:
        parts: list[str | int] = [
            name or int(index) for name, index in _PART.findall(problem.where)
        ]
        cut = next((i for i, part in enumerate(parts) if part in DROPPABLE), None)
        if cut is None:
            return False
        owner = _at(definition, parts[:cut])
        if isinstance(owner, dict) and owner.pop(str(parts[cut]), None) is not None:
            dropped = True
            where = state.origins.get(id(owner), problem.where)
            message = _("Dropped, the definition checks refused it: %(problem)s")
            state.report.skipped(where, message % {"problem": problem.message})
    return dropped


def _at(node: Any, parts: list[str | int]) -> Any:
    for part in parts:
        node = node[part] if isinstance(part, int) else node.get(part)
    return node
