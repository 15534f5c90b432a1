"""Answers and facts as JSON and back: what an application stores, and what the rules read.

An answer is stored as plain JSON in the shape of its field type (``answer_to_json``): a date as
"YYYY-MM-DD", money as a text like "1234.50" (never a float, so no satang is lost), a group as
a list of maps of its inner fields' answers. The rules read Python values (``answer_from_json``):
dates, ``Decimal`` money, lists and dicts.

Facts come from the registries as any mix of dates, datetimes, decimals, dicts and lists; they
are stored tagged (``value_encode``: ``{"$date": "2026-03-02"}``) so that ``value_decode`` gives
back exactly what was read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from onegate.definitions.language.compiled import CompiledDefinition
from onegate.definitions.language.model import AnyField, GroupField

__all__ = [
    "answer_from_json",
    "answer_to_json",
    "answers_from_json",
    "money_text",
    "value_decode",
    "value_encode",
]

_CENTS = Decimal("0.01")


def money_text(value: Decimal | int | float | str) -> str:
    """An amount of baht as stored: two decimal places, no grouping ("1234.50")."""
    return str(Decimal(str(value)).quantize(_CENTS))


def _date_to_json(value: Any) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _date_from_json(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _money_from_json(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _group_to_json(field: GroupField, value: Any) -> list[dict[str, Any]]:
    return [_item_convert(field, item, answer_to_json) for item in value or []]


def _group_from_json(field: GroupField, value: Any) -> list[dict[str, Any]]:
    return [_item_convert(field, item, answer_from_json) for item in value or []]


def _item_convert(
    field: GroupField, item: Mapping[str, Any], convert: Callable[[Any, Any], Any]
) -> dict[str, Any]:
    inner = {each.id: each for each in field.fields}
    return {key: convert(inner[key], answer) for key, answer in item.items() if key in inner}


def _files(value: Any) -> list[dict[str, Any]]:
    return [dict(item) for item in value or []]


def _same(value: Any) -> Any:
    return value


# One entry per field type that is not stored as it is: (to JSON, from JSON).
_CONVERT: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "money": (money_text, _money_from_json),
    "date": (_date_to_json, _date_from_json),
    "number": (int, int),
    "yes_no": (bool, bool),
    "declaration": (bool, bool),
    "checkboxes": (list, list),
    "file": (_files, _files),
    "address": (dict, dict),
}


def answer_to_json(field: AnyField, value: Any) -> Any:
    """The answer to ``field`` as JSON (None stays None: not answered)."""
    if value is None:
        return None
    if isinstance(field, GroupField):
        return _group_to_json(field, value)
    return _CONVERT.get(field.type, (_same, _same))[0](value)


def answer_from_json(field: AnyField, value: Any) -> Any:
    """The stored answer to ``field`` as the rules read it (None stays None)."""
    if value is None:
        return None
    if isinstance(field, GroupField):
        return _group_from_json(field, value)
    return _CONVERT.get(field.type, (_same, _same))[1](value)


def answers_from_json(compiled: CompiledDefinition, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Every stored top-level answer as the rules read it; keys of no field are dropped."""
    return {
        field.id: answer_from_json(field, answers[field.id])
        for _page, field in compiled.model.all_fields()
        if field.id in answers
    }


_TAGS: dict[str, Callable[[str], Any]] = {
    "$date": dt.date.fromisoformat,
    "$datetime": dt.datetime.fromisoformat,
    "$decimal": Decimal,
}


def value_encode(value: Any) -> Any:
    """Any fact as JSON: dates, datetimes and decimals tagged, dicts and lists walked."""
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, Mapping):
        return {str(key): value_encode(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [value_encode(item) for item in value]
    return value


def value_decode(value: Any) -> Any:
    """The inverse of ``value_encode``."""
    if isinstance(value, dict):
        if len(value) == 1:
            tag, text = next(iter(value.items()))
            if tag in _TAGS and isinstance(text, str):
                return _TAGS[tag](text)
        return {key: value_decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [value_decode(item) for item in value]
    return value
