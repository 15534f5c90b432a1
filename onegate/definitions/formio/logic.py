"""form.io conditions translated into CEL conditions on OneGate pages and fields.

* Simple conditionals ``{show, when, eq}`` become ``answers.<when> == <eq>`` with ``eq`` typed
  by the target field: true/false for a yes/no or declaration, a whole number for a number, a
  double for money, the (renamed) option value for radios and select, ``'<eq>' in
  answers.<when>`` for checkboxes (guarded by ``!= null``: an unanswered question is null), a
  string otherwise. ``show: false`` negates.
* form.io 5 conditionals ``{show, conjunction, conditions: [{component, operator, value}]}``
  with the operators isEqual, isNotEqual, greaterThan(OrEqual), lessThan(OrEqual).
* JSONLogic (``conditional.json``): ==, ===, !=, !==, and, or, !, !!, >, <, >=, <= (also the
  three-argument "between" forms), in, var ``data.x`` / ``x`` (an answer) and ``row.x`` (an
  answer in the same row of a grid, ``item.<id>`` in CEL). Anything else is skipped with the
  JSONLogic in the report.
* A reference to a key that was not imported, or to an answer inside a repeating group from
  outside it, drops the condition (the page or field is then always shown) and is reported.
* Conditions of flattened layout containers (a panel inside a page, columns…) apply to every
  field inside them, joined with ``&&``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from onegate.definitions.formio.fields import cel_string, finite, scalar
from onegate.definitions.formio.state import ImportState, PendingCondition, Target
from onegate.definitions.language.source import data_depth

# How a condition inside a repeating group names an answer of the same row (the language's
# ``item``: the row being shown).
ROW_REFERENCE = "item.{id}"
COMPARISONS = {"==": "==", "===": "==", "!=": "!=", "!==": "!=", ">": ">", "<": "<"}
COMPARISONS |= {">=": ">=", "<=": "<="}
FORMIO5_OPERATORS = {
    "isEqual": "==", "isNotEqual": "!=", "greaterThan": ">", "lessThan": "<",
    "greaterThanOrEqual": ">=", "lessThanOrEqual": "<=",
}  # fmt: skip
# JSONLogic deeper than this is not a condition a person wrote, and would exhaust the recursion.
MAX_LOGIC_DEPTH = 30
CEL_INT = 2**63


class Untranslatable(Exception):
    """The condition has no CEL equivalent here; the message says why."""


@dataclass(frozen=True)
class Operand:
    cel: str
    target: Target | None = None  # set when the operand is an answer
    raw: Any = None  # the JSON value when the operand is a literal
    literal: bool = False


@dataclass(frozen=True)
class Scope:
    state: ImportState
    group: str | None

    def answer(self, key: str, *, row: bool) -> Operand:
        if row:
            return self._row_answer(key)
        target = self.state.keys.get(key)
        if target is None:
            if any(key in keys for keys in self.state.rows.values()):
                raise Untranslatable(
                    _("it refers to “%(key)s”, an answer inside a repeating group.") % {"key": key}
                )
            raise Untranslatable(
                _("it refers to “%(key)s”, which was not imported.") % {"key": key}
            )
        return Operand(cel=f"answers.{target.id}", target=target)

    def _row_answer(self, key: str) -> Operand:
        target = self.state.rows.get(self.group or "", {}).get(key)
        if target is None:
            raise Untranslatable(
                _("it refers to “%(key)s” in the same row, which was not imported.") % {"key": key}
            )
        return Operand(cel=ROW_REFERENCE.format(id=target.id), target=target)

    def simple(self, key: str) -> Operand:
        """A ``when`` key: the same row first (as form.io does), then the whole form."""
        key = key.removeprefix("data.")
        if self.group and key in self.state.rows.get(self.group, {}):
            return self._row_answer(key)
        return self.answer(key if key in self.state.keys else key.rsplit(".", 1)[-1], row=False)


def conditions_resolve(state: ImportState) -> None:
    """Write ``condition`` on every page and field whose form.io logic translates."""
    done: dict[int, str | None] = {}
    for pending in state.pending:
        parts = [
            cel
            for where, component in pending.sources
            if (cel := _translated_once(component, where, pending, state, done))
        ]
        if parts:
            pending.owner["condition"] = parts[0] if len(parts) == 1 else _all(parts)
            if "fields" in pending.owner:  # keep the condition above a page's questions
                pending.owner["fields"] = pending.owner.pop("fields")


def _translated_once(
    component: dict[str, Any],
    where: str,
    pending: PendingCondition,
    state: ImportState,
    done: dict[int, str | None],
) -> str | None:
    if id(component) in done:
        return done[id(component)]
    try:
        cel = component_condition(component, Scope(state, pending.group))
    except Untranslatable as reason:
        state.report.skipped(
            where, _("The condition was not imported: %(reason)s") % {"reason": reason}
        )
        cel = None
    else:
        if cel:
            state.report.imported(where, _("The condition became “%(cel)s”.") % {"cel": cel})
    done[id(component)] = cel
    return cel


def has_condition(component: dict[str, Any]) -> bool:
    conditional = component.get("conditional")
    if not isinstance(conditional, dict):
        return False
    return bool(conditional.get("when") or conditional.get("json") or conditional.get("conditions"))


def component_condition(component: dict[str, Any], scope: Scope) -> str | None:
    conditional = component.get("conditional")
    if not isinstance(conditional, dict):
        return None
    logic = _parsed(conditional.get("json"))
    if logic:
        return jsonlogic_cel(logic, scope)
    if conditional.get("conditions"):
        return _formio5_condition(conditional, scope)
    if conditional.get("when"):
        return _simple_condition(conditional, scope)
    return None


def _parsed(logic: Any) -> Any:
    """JSONLogic given as an object, or as JSON text."""
    if isinstance(logic, str) and logic.strip():
        try:
            logic = json.loads(logic)
        except (json.JSONDecodeError, RecursionError) as error:
            raise Untranslatable(_("its JSONLogic is not JSON.")) from error
    if data_depth(logic, limit=MAX_LOGIC_DEPTH) > MAX_LOGIC_DEPTH:
        message = _("its JSONLogic nests deeper than %(count)s levels.")
        raise Untranslatable(message % {"count": MAX_LOGIC_DEPTH})
    return logic


def _simple_condition(conditional: dict[str, Any], scope: Scope) -> str:
    when = conditional["when"]
    if not isinstance(when, str):
        raise Untranslatable(_("“when” does not name an answer."))
    answer = scope.simple(when)
    expression = _compare(answer, "==", _literal(conditional.get("eq", "")))
    return expression if _shows(conditional) else f"!({expression})"


def _shows(conditional: dict[str, Any]) -> bool:
    return conditional.get("show") in (True, "true")


def _formio5_condition(conditional: dict[str, Any], scope: Scope) -> str:
    conditions = conditional["conditions"]
    if not isinstance(conditions, list) or not all(isinstance(one, dict) for one in conditions):
        raise Untranslatable(_("its “conditions” are not a list of conditions."))
    parts = []
    for condition in conditions:
        operator = FORMIO5_OPERATORS.get(str(condition.get("operator")))
        if operator is None:
            raise Untranslatable(
                _("the operator “%(operator)s” is not supported.")
                % {"operator": condition.get("operator")}
            )
        component = condition.get("component")
        if not isinstance(component, str):
            raise Untranslatable(_("a condition does not name an answer."))
        answer = scope.simple(component)
        parts.append(_compare(answer, operator, _literal(condition.get("value"))))
    joined = _any(parts) if conditional.get("conjunction") == "any" else _all(parts)
    return joined if _shows(conditional) else f"!({joined})"


def _all(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else " && ".join(f"({part})" for part in parts)


def _any(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else " || ".join(f"({part})" for part in parts)


def _literal(value: Any) -> Operand:
    return Operand(cel=_cel_value(value), raw=value, literal=True)


def _cel_value(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _cel_number(value)
    if isinstance(value, str):
        return cel_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_cel_value(item) for item in value) + "]"
    raise Untranslatable(_("it compares with an object, which CEL conditions cannot."))


def _cel_number(value: int | float) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        raise Untranslatable(_("“%(value)s” is not a number.") % {"value": value})
    if isinstance(value, int) and not -CEL_INT <= value < CEL_INT:
        raise Untranslatable(_("“%(value)s” is too large a number.") % {"value": value})
    return repr(value)


def typed(target: Target, raw: Any) -> str:
    """A form.io value written as CEL of the target field's type."""
    kind = target.type
    if kind in ("yes_no", "declaration"):
        return "true" if raw in (True, "true", 1, "1") else "false"
    if kind in ("number", "money"):
        number = finite(raw)
        if number is None or abs(number) >= CEL_INT:
            raise Untranslatable(_("“%(value)s” is not a number.") % {"value": raw})
        return repr(int(number)) if kind == "number" and number.is_integer() else repr(number)
    if kind in ("radios", "select", "checkboxes"):
        option = target.options.get(scalar(raw))
        if option is None:
            raise Untranslatable(_("“%(value)s” is not one of the options.") % {"value": raw})
        return cel_string(option)
    if kind in ("file", "group", "address"):
        raise Untranslatable(_("it compares a whole %(type)s answer.") % {"type": kind})
    if isinstance(raw, dict | list):
        raise Untranslatable(_("it compares with an object, which CEL conditions cannot."))
    return cel_string(str(raw))


def _compare(left: Operand, operator: str, right: Operand) -> str:
    if right.target and not left.target:
        left, right = right, left
        operator = {">": "<", "<": ">", ">=": "<=", "<=": ">="}.get(operator, operator)
    if left.target and right.literal:
        value = typed(left.target, right.raw)
        if left.target.type == "checkboxes":
            if operator not in ("==", "!="):
                raise Untranslatable(_("it orders a checkboxes answer."))
            member = _member(value, left.cel)
            return member if operator == "==" else f"!({member})"
        return f"{left.cel} {operator} {value}"
    return f"{left.cel} {operator} {right.cel}"


def _member(value: str, answers: str) -> str:
    # An unanswered question is null, and "in null" is an error, not false.
    return f"({answers} != null && {value} in {answers})"


def jsonlogic_cel(logic: Any, scope: Scope) -> str:
    """A JSONLogic rule as a CEL boolean expression."""
    operand = _jsonlogic(logic, scope)
    if operand.target is not None:
        return _truthy(operand)
    if operand.literal:
        raise Untranslatable(_("the rule is a constant."))
    return operand.cel


def _truthy(operand: Operand) -> str:
    if operand.target is None or operand.target.type not in ("yes_no", "declaration"):
        raise Untranslatable(
            _("it tests whether an answer is “truthy”, which only a yes/no answer can be.")
        )
    return operand.cel


def _jsonlogic(node: Any, scope: Scope) -> Operand:
    if not isinstance(node, dict):
        return _literal(node)
    if len(node) != 1:
        raise Untranslatable(_("a JSONLogic rule must have exactly one operator."))
    operator, arguments = next(iter(node.items()))
    if not isinstance(arguments, list):
        arguments = [arguments]
    if operator == "var":
        return _var(arguments, scope)
    if operator in ("and", "or"):
        parts = [_boolean(argument, scope) for argument in arguments]
        return Operand(cel="(" + (_all(parts) if operator == "and" else _any(parts)) + ")")
    if operator in ("!", "!!") and len(arguments) == 1:
        inner = _boolean(arguments[0], scope)
        return Operand(cel=f"!({inner})" if operator == "!" else inner)
    if operator in COMPARISONS:
        return _comparison(COMPARISONS[operator], arguments, scope)
    if operator == "in" and len(arguments) == 2:
        return _membership(arguments, scope)
    shown = json.dumps(node, ensure_ascii=False)
    raise Untranslatable(
        _("the JSONLogic operator “%(operator)s” is not supported: %(logic)s")
        % {"operator": operator, "logic": shown}
    )


def _boolean(node: Any, scope: Scope) -> str:
    operand = _jsonlogic(node, scope)
    if operand.target is not None:
        return _truthy(operand)
    if operand.literal:
        return _cel_value(bool(operand.raw))
    return operand.cel


def _var(arguments: list[Any], scope: Scope) -> Operand:
    if len(arguments) != 1 or not isinstance(arguments[0], str):
        raise Untranslatable(_("a “var” with a default value is not supported."))
    path = arguments[0]
    if path.startswith("row."):
        return scope.answer(path.removeprefix("row."), row=True)
    key = path.removeprefix("data.")
    if "." in key or not key:
        raise Untranslatable(_("“%(path)s” is not a simple answer.") % {"path": path})
    return scope.answer(key, row=False)


def _comparison(operator: str, arguments: list[Any], scope: Scope) -> Operand:
    operands = [_jsonlogic(argument, scope) for argument in arguments]
    if len(operands) == 3 and operator in ("<", "<="):
        first, middle, last = operands
        cel = f"{_compare(first, operator, middle)} && {_compare(middle, operator, last)}"
        return Operand(cel=f"({cel})")
    if len(operands) != 2:
        raise Untranslatable(_("“%(operator)s” needs two values.") % {"operator": operator})
    return Operand(cel=_compare(operands[0], operator, operands[1]))


def _membership(arguments: list[Any], scope: Scope) -> Operand:
    needle, haystack = (_jsonlogic(argument, scope) for argument in arguments)
    if haystack.literal and isinstance(haystack.raw, list) and needle.target:
        values = ", ".join(typed(needle.target, item) for item in haystack.raw)
        return Operand(cel=f"{needle.cel} in [{values}]")
    if haystack.target and haystack.target.type == "checkboxes" and needle.literal:
        return Operand(cel=_member(typed(haystack.target, needle.raw), haystack.cel))
    if haystack.target and needle.literal and isinstance(needle.raw, str):
        contains = f"{haystack.cel}.contains({cel_string(needle.raw)})"
        return Operand(cel=f"({haystack.cel} != null && {contains})")
    if haystack.literal and isinstance(haystack.raw, str) and needle.target:
        return Operand(cel=f"{cel_string(haystack.raw)}.contains({needle.cel})")
    raise Untranslatable(_("this use of “in” is not supported."))
