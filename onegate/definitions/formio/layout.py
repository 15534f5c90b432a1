"""Walking form.io's component tree into OneGate fields.

* Layout containers inside a page (columns, table, tabs, well, fieldset, panel) are flattened:
  their questions are asked in order; a container's condition applies to each question in it.
* datagrid and editgrid → a repeating group ("add another") with their inner questions;
  ``validate.minLength``/``maxLength`` → ``min_items``/``max_items`` (at most 100; without a
  limit 10, reported). A grid in a grid is a group in a group; deeper than
  ``MAX_GROUP_DEPTH`` (what the language allows) it is skipped.
* ``hidden: true`` components are skipped: the person never sees them.
* Every other type goes to its mapper in ``components``; a type without one is skipped.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from onegate.definitions.formio.components import (
    MAPPERS,
    SKIP_REASONS,
    MapContext,
    survey_questions,
)
from onegate.definitions.formio.fields import (
    default_reported,
    field_base,
    integer,
    setting,
    unsupported_logic,
)
from onegate.definitions.formio.logic import has_condition
from onegate.definitions.formio.naming import identifier_from
from onegate.definitions.formio.shape import layout_children
from onegate.definitions.formio.state import ImportState, PendingCondition, Target

LAYOUTS = {"columns", "table", "tabs", "well", "fieldset", "panel"}
GRIDS = {"datagrid", "editgrid"}
MAX_GROUP_DEPTH = 2  # as deep as the definition language allows
Sources = list[tuple[str, dict[str, Any]]]


def path_join(parent: str, component: dict[str, Any]) -> str:
    here = f"{component.get('key')} ({component.get('type')})"
    return f"{parent} > {here}" if parent else here


def fields_from(
    components: list[dict[str, Any]],
    parent: str,
    inherited: Sources,
    group: str | None,
    state: ImportState,
) -> list[dict[str, Any]]:
    """The OneGate fields for a list of form.io components, in order."""
    fields: list[dict[str, Any]] = []
    for component in components:
        fields.extend(component_import(component, parent, inherited, group, state))
    return fields


def component_import(
    component: dict[str, Any],
    parent: str,
    inherited: Sources,
    group: str | None,
    state: ImportState,
) -> list[dict[str, Any]]:
    where, kind = path_join(parent, component), component["type"]
    if component.get("hidden") is True:
        state.report.skipped(where, _("The component is hidden: the person never sees it."))
        return []
    if kind in LAYOUTS:
        return _layout(component, where, inherited, group, state)
    if kind in GRIDS:
        return _group(component, where, inherited, group, state)
    if kind == "survey":
        return _survey(component, where, inherited, group, state)
    if kind in SKIP_REASONS or kind not in MAPPERS:
        reason = SKIP_REASONS.get(kind) or _(
            "form.io type “%(type)s” has no OneGate field type."
        ) % {"type": kind}
        state.report.skipped(where, str(reason))
        return []
    field = _input(component, where, group, state)
    if field is not None:
        _conditions_wait(field, component, where, inherited, group, state)
    return [field] if field is not None else []


def _input(
    component: dict[str, Any], where: str, group: str | None, state: ImportState
) -> dict[str, Any] | None:
    unsupported_logic(component, where, state.report)
    default_reported(component, where, state.report)
    base = field_base(component, state.field_ids.claim(component["key"]), where, state.report)
    context = MapContext(where=where, report=state.report)
    field = MAPPERS[component["type"]](component, base, context)
    if field is None:
        return None
    target = Target(id=field["id"], type=field["type"], options=context.options, group=group)
    state.remember(str(component["key"]), target)
    _imported(component, field, where, state)
    state.origins[id(field)] = where
    return field


def _imported(
    component: dict[str, Any],
    field: dict[str, Any],
    where: str,
    state: ImportState,
    at: int | None = None,
) -> None:
    values = {"type": field["type"], "id": field["id"], "key": component["key"]}
    if field["type"] == "group":
        message = _("Imported as the repeating group “%(id)s” (“add another”).")
    else:
        message = _("Imported as the %(type)s question “%(id)s”.")
    if field["id"] != component["key"]:
        message += " " + _("The key “%(key)s” is renamed.")
    state.report.imported(where, message % values, at=at)


def _conditions_wait(
    owner: dict[str, Any],
    component: dict[str, Any],
    where: str,
    inherited: Sources,
    group: str | None,
    state: ImportState,
) -> None:
    sources = list(inherited)
    if has_condition(component):
        sources.append((where, component))
    if sources:
        state.pending.append(PendingCondition(where, owner, sources, group))


def _layout(
    component: dict[str, Any],
    where: str,
    inherited: Sources,
    group: str | None,
    state: ImportState,
) -> list[dict[str, Any]]:
    unsupported_logic(component, where, state.report)
    if has_condition(component):
        inherited = [*inherited, (where, component)]
    fields: list[dict[str, Any]] = []
    first_line = len(state.report.lines)
    for _place, children in layout_children(component):
        fields.extend(fields_from(children, where, inherited, group, state))
    if fields:
        message = _("The layout (%(type)s) is flattened: its questions are asked in order.")
        state.report.add("changed", where, message % {"type": component["type"]}, at=first_line)
    return fields


def _group(
    component: dict[str, Any],
    where: str,
    inherited: Sources,
    group: str | None,
    state: ImportState,
) -> list[dict[str, Any]]:
    depth = state.group_depth.get(group, 0) + 1 if group else 1
    if depth > MAX_GROUP_DEPTH:
        message = _("Repeating groups may be nested at most %(most)s deep.")
        state.report.skipped(where, message % {"most": MAX_GROUP_DEPTH})
        return []
    unsupported_logic(component, where, state.report)
    base = field_base(component, state.field_ids.claim(component["key"]), where, state.report)
    state.group_depth[base["id"]] = depth
    children = component.get("components")
    children = children if isinstance(children, list) else []
    first_line = len(state.report.lines)
    inner = fields_from(children, where, [], base["id"], state)
    if not inner:
        state.report.skipped(
            where, _("The repeating group has no question that could be imported.")
        )
        return []
    base.update(type="group", item_label=dict(base["label"]), fields=inner)
    _group_limits(component, base, where, state)
    state.remember(str(component["key"]), Target(id=base["id"], type="group", group=group))
    _conditions_wait(base, component, where, inherited, group, state)
    _imported(component, base, where, state, at=first_line)
    state.origins[id(base)] = where
    return [base]


def _survey(
    component: dict[str, Any],
    where: str,
    inherited: Sources,
    group: str | None,
    state: ImportState,
) -> list[dict[str, Any]]:
    unsupported_logic(component, where, state.report)
    base = field_base(component, identifier_from(component["key"]), where, state.report)
    context = MapContext(where=where, report=state.report)
    fields = survey_questions(component, base, state.field_ids, context)
    if not fields:
        state.report.skipped(where, _("The survey has no questions or no choices."))
        return []
    message = _("The survey becomes %(count)s radios questions, one per row: %(ids)s.")
    ids = ", ".join(field["id"] for field in fields)
    state.report.changed(where, message % {"count": len(fields), "ids": ids})
    for field in fields:
        state.origins[id(field)] = where
        _conditions_wait(field, component, where, inherited, group, state)
    return fields


def _group_limits(
    component: dict[str, Any], base: dict[str, Any], where: str, state: ImportState
) -> None:
    validate = setting(component, "validate")
    minimum, maximum = integer(validate.get("minLength")), integer(validate.get("maxLength"))
    if minimum and minimum > 0:
        base["min_items"] = min(minimum, 100)
    if maximum and maximum >= 1:
        base["max_items"] = max(min(maximum, 100), base.get("min_items", 1))
        return
    base["max_items"] = max(10, base.get("min_items", 0))
    message = _("form.io sets no limit on rows; at most %(count)s are allowed.")
    state.report.changed(where, message % {"count": base["max_items"]})
