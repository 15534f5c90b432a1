"""Deciding whether the input is a form.io form at all, before anything is imported.

A form.io form is a JSON object with a ``components`` list; every component is an object with a
string ``type`` and ``key``. Layout parts that are not components (a column, a table cell, a tab)
hold a ``components`` list of their own. When the input is something else — text that is not
JSON, a list, an empty object, a form.io *submission* (the answers, not the form) — ``NotFormio``
lists every problem found, with its location, and nothing is imported.

A file holding one component rather than a whole form (form.io's fixtures often do: a fieldset
with its children) is accepted and imported as a form with that one component; the importer
reports it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from onegate.definitions.language.source import data_depth

MAX_PROBLEMS = 50
# Layouts nest (a panel of columns of a table of cells …), but not this deep: deeper is a broken
# or hostile file, and would exhaust the recursion of the import.
MAX_DEPTH = 100
_TOO_DEEP = object()
FORM_TYPES = {"form", "resource", "wizard", "pdf"}


class NotFormio(ValueError):
    """The input is not a form.io form; ``problems`` says precisely why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def formio_form_parse(data: Any) -> dict[str, Any]:
    """The form.io form as a mapping, or ``NotFormio`` with every problem found."""
    form = _json_object(data)
    problems = _form_problems(form)
    if problems:
        raise NotFormio(problems[:MAX_PROBLEMS])
    return form


def _json_object(data: Any) -> dict[str, Any]:
    if isinstance(data, bytes | bytearray):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise NotFormio(
                [_("The file is not UTF-8 text: %(error)s") % {"error": error}]
            ) from error
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as error:
            message = _("The file is not JSON: line %(line)s, column %(column)s: %(error)s")
            raise NotFormio(
                [message % {"line": error.lineno, "column": error.colno, "error": error.msg}]
            ) from error
        except RecursionError:
            data = _TOO_DEEP  # nested too deep even to read; said below
    if data is _TOO_DEEP or data_depth(data, limit=MAX_DEPTH) > MAX_DEPTH:
        message = _("The form nests deeper than %(count)s levels.")
        raise NotFormio([message % {"count": MAX_DEPTH}])
    if not isinstance(data, dict):
        message = _(
            "The top level is a %(kind)s, not an object: a form.io form is an object with a "
            "“components” list."
        )
        raise NotFormio([message % {"kind": _json_kind(data)}])
    return data


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return _("list")
    if isinstance(value, str):
        return _("string")
    if isinstance(value, bool | int | float):
        return _("number or true/false")
    return _("null") if value is None else type(value).__name__


def _form_problems(form: dict[str, Any]) -> list[str]:
    if not form:
        return [_("The object is empty: a form.io form has a “components” list.")]
    if "components" not in form:
        return [_missing_components(form)]
    components = form["components"]
    if not isinstance(components, list):
        return [_("“components” is not a list.")]
    if not components:
        return [_("“components” is empty: the form has no components.")]
    return list(_component_problems(components, "components"))


def _missing_components(form: dict[str, Any]) -> str:
    if _looks_like_submission(form):
        keys = ", ".join(sorted(str(key) for key in _answers_of(form))[:5])
        message = _(
            "This looks like a form.io submission (the answers given to a form: %(keys)s), "
            "not the form itself: it has no “components” list. Import the form definition."
        )
        return message % {"keys": keys}
    return _("There is no “components” list: this is not a form.io form.")


def _answers_of(form: dict[str, Any]) -> dict[str, Any]:
    data = form.get("data")
    return data if isinstance(data, dict) and data else form


def _looks_like_submission(form: dict[str, Any]) -> bool:
    # Submissions are key → answer maps (sometimes under "data"); forms describe components.
    answers = _answers_of(form)
    return not any(key in answers for key in ("type", "display", "title", "key")) and any(
        not isinstance(value, dict) for value in answers.values()
    )


def _component_problems(components: list[Any], where: str) -> Iterator[str]:
    for index, component in enumerate(components):
        path = f"{where}[{index}]"
        if not isinstance(component, dict):
            yield _("%(where)s: a component must be an object.") % {"where": path}
            continue
        for name in ("type", "key"):
            if not isinstance(component.get(name), str) or not component[name].strip():
                message = _("%(where)s: the component has no “%(name)s”.")
                yield message % {"where": path, "name": name}
        yield from _children_problems(component, path)


def _children_problems(component: dict[str, Any], path: str) -> Iterator[str]:
    for place, children in layout_children(component, path):
        if not isinstance(children, list):
            yield _("%(where)s: “components” is not a list.") % {"where": place}
        else:
            yield from _component_problems(children, place)


def layout_children(component: dict[str, Any], path: str = "") -> Iterator[tuple[str, Any]]:
    """Every list of child components a component holds, with its location.

    Columns hold ``columns[i].components``, a table ``rows[r][c].components``, tabs
    ``components[i].components`` (a tab is not a component: it has no ``type``), the rest
    ``components``.
    """
    kind = component.get("type")
    if kind == "columns" and isinstance(component.get("columns"), list):
        for index, column in enumerate(component["columns"]):
            if isinstance(column, dict):
                yield f"{path}.columns[{index}].components", column.get("components", [])
    elif kind == "table" and isinstance(component.get("rows"), list):
        yield from _table_cells(component["rows"], path)
    elif kind == "tabs" and isinstance(component.get("components"), list):
        for index, tab in enumerate(component["components"]):
            if isinstance(tab, dict):
                yield f"{path}.components[{index}].components", tab.get("components", [])
    elif "components" in component:
        yield f"{path}.components", component["components"]


def _table_cells(rows: list[Any], path: str) -> Iterator[tuple[str, Any]]:
    for row_index, row in enumerate(rows):
        for cell_index, cell in enumerate(row if isinstance(row, list) else []):
            if isinstance(cell, dict):
                place = f"{path}.rows[{row_index}][{cell_index}].components"
                yield place, cell.get("components", [])
