"""The import itself: check the input, walk it into pages, translate its logic, compile.

The result is compiled with the definition language before it is returned. Should a part
still be refused there (the language's checks are stricter than the importer's: field order,
types, minimum against maximum), that part is dropped and reported (see ``repair``) and the
definition compiled again. When nothing can be dropped (no page is left, or the refusal is
outside every page) the form is ``NotFormio`` with the language's reasons: ``formio_import``
raises nothing else.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from onegate.definitions.formio.definition import definition_data
from onegate.definitions.formio.limits import pages_limited
from onegate.definitions.formio.logic import conditions_resolve
from onegate.definitions.formio.pages import pages_from
from onegate.definitions.formio.repair import refused_dropped
from onegate.definitions.formio.report import FormioImport, ImportReport, ReportLine
from onegate.definitions.formio.shape import (
    FORM_TYPES,
    MAX_PROBLEMS,
    NotFormio,
    formio_form_parse,
)
from onegate.definitions.formio.state import ImportState
from onegate.definitions.language import (
    DefinitionInvalid,
    Problem,
    definition_compile,
    definition_dump,
)


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
    pages = pages_limited(pages, state)
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
    """The definition's YAML once the language compiles it; parts it refuses are dropped."""
    while True:  # each round drops at least one part, so this ends
        source = definition_dump(definition)
        try:
            definition_compile(source)
        except DefinitionInvalid as invalid:
            if not refused_dropped(definition, invalid.problems, state):
                raise NotFormio(_refusals(invalid.problems, state.report)) from invalid
        else:
            return source


def _refusals(problems: list[Problem], report: ImportReport) -> list[str]:
    message = _("The form does not make a service definition the language accepts.")
    reasons = [message, *(str(problem) for problem in problems), *_skipped(report)]
    return reasons[:MAX_PROBLEMS]
