"""Registry questions and answers as JSON, the way they travel between OneGate nodes.

Records become JSON objects named by their fields; dates and times become ISO 8601 strings
(times with their UTC offset). The shapes are read from the interface itself — the dataclasses
and the method signatures of ``RegistryAdapter`` in ``base`` — so the wire format cannot drift
from the contract. Decoding is strict about types and lenient about extra members, so a newer node
may add a field without breaking an older one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import types
from dataclasses import dataclass
from functools import cache
from typing import Any, Union, get_args, get_origin, get_type_hints

from onegate.registries.adapters.base import QUESTIONS, Answer, Provenance, RegistryAdapter


class WireError(ValueError):
    """A value does not have the shape its type says (for the logs; never shown to people)."""


def to_dict(record: Any) -> dict[str, Any]:
    """A record (any dataclass of the interface) as a JSON-ready object."""
    if not dataclasses.is_dataclass(record) or isinstance(record, type):
        raise WireError(f"not a record: {type(record).__name__}")
    encoded: dict[str, Any] = encode(record)
    return encoded


def from_dict(cls: type[Any], data: Any) -> Any:
    """The record of type ``cls`` that ``data`` (a decoded JSON object) describes."""
    return decode(cls, data)


def encode(value: Any) -> Any:
    """Any answer or argument as JSON-ready values: records, lists, dates, and plain values."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime):  # before date: a datetime is a date too
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: encode(getattr(value, field.name)) for field in _fields(type(value))}
    if isinstance(value, list | tuple):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {str(key): encode(item) for key, item in value.items()}
    raise WireError(f"cannot encode a {type(value).__name__}")


def decode(hint: Any, data: Any) -> Any:  # noqa: C901 (one branch per kind of type, flat)
    """``data`` read as the type ``hint`` says, or ``WireError``."""
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        return _decode_optional(hint, data)
    if origin is Answer:
        (value_hint,) = get_args(hint)
        fields = _object(data, "Answer")
        return Answer(
            value=decode(value_hint, _member(fields, "value", "Answer")),
            provenance=decode(Provenance, _member(fields, "provenance", "Answer")),
        )
    if origin is list:
        (item_hint,) = get_args(hint)
        return [decode(item_hint, item) for item in _typed(data, list, "list")]
    if origin is dict:
        _, value_hint = get_args(hint)
        return {str(k): decode(value_hint, v) for k, v in _object(data, "map").items()}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _decode_record(hint, data)
    if hint is dt.datetime:
        return _decode_datetime(data)
    if hint is dt.date:
        return _decode_date(data)
    if hint is bool:
        return _typed(data, bool, "boolean")
    if hint is int:
        if isinstance(data, bool):
            raise WireError("expected an integer, got a boolean")
        return _typed(data, int, "integer")
    if hint is str:
        return _typed(data, str, "string")
    raise WireError(f"no wire form for {hint!r}")


@dataclass(frozen=True)
class Question:
    """A question of the interface: its arguments (name → type), which are required, its answer."""

    name: str
    parameters: dict[str, Any]
    required: frozenset[str]
    answer: Any


@cache
def question(name: str) -> Question:
    """The shape of the question ``name`` (one of ``QUESTIONS``), read from ``RegistryAdapter``."""
    if name not in QUESTIONS:
        raise WireError(f"unknown question {name!r}")
    method = getattr(RegistryAdapter, name)
    hints = get_type_hints(method)
    signature = inspect.signature(method)
    names = [p for p in signature.parameters if p not in ("self", "access")]
    return Question(
        name=name,
        parameters={p: hints[p] for p in names},
        required=frozenset(
            p for p in names if signature.parameters[p].default is inspect.Parameter.empty
        ),
        answer=hints["return"],
    )


def arguments_to_wire(name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    shape = question(name)
    return {key: encode(value) for key, value in arguments.items() if key in shape.parameters}


def arguments_from_wire(name: str, data: Any) -> dict[str, Any]:
    """The keyword arguments of question ``name``; unknown or missing arguments are refused."""
    shape = question(name)
    given = _object(data, "arguments")
    unknown = sorted(set(given) - set(shape.parameters))
    if unknown:
        raise WireError(f"unknown arguments: {', '.join(unknown)}")
    missing = sorted(shape.required - set(given))
    if missing:
        raise WireError(f"missing arguments: {', '.join(missing)}")
    return {key: decode(shape.parameters[key], value) for key, value in given.items()}


def answer_to_wire(name: str, answer: Any) -> Any:
    question(name)
    return encode(answer)


def answer_from_wire(name: str, data: Any) -> Any:
    return decode(question(name).answer, data)


@cache
def _fields(cls: Any) -> tuple[dataclasses.Field[Any], ...]:
    return dataclasses.fields(cls)


@cache
def _hints(cls: Any) -> dict[str, Any]:
    return get_type_hints(cls)


def _decode_record(cls: Any, data: Any) -> Any:
    given = _object(data, cls.__name__)
    hints = _hints(cls)
    values = {}
    for field in _fields(cls):
        if field.name in given:
            values[field.name] = decode(hints[field.name], given[field.name])
        elif field.default is dataclasses.MISSING:
            raise WireError(f"{cls.__name__}.{field.name} is missing")
    return cls(**values)


def _decode_optional(hint: Any, data: Any) -> Any:
    # Only "X | None" travels: a union of several types would need a tag to tell them apart.
    choices = [arg for arg in get_args(hint) if arg is not type(None)]
    if len(choices) != 1:
        raise WireError(f"no wire form for {hint!r}")
    return None if data is None else decode(choices[0], data)


def _decode_datetime(data: Any) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(_typed(data, str, "date-time"))
    except ValueError:
        raise WireError("not an ISO 8601 date-time") from None
    if moment.tzinfo is None:
        raise WireError("a date-time needs its UTC offset")
    return moment


def _decode_date(data: Any) -> dt.date:
    text = _typed(data, str, "date")
    try:
        if len(text) != 10:
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise WireError("not an ISO 8601 date (YYYY-MM-DD)") from None


def _object(data: Any, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise WireError(f"{what}: expected an object, got {type(data).__name__}")
    return data


def _member(data: dict[str, Any], name: str, what: str) -> Any:
    if name not in data:
        raise WireError(f"{what}.{name} is missing")
    return data[name]


def _typed(data: Any, kind: type[Any], what: str) -> Any:
    if not isinstance(data, kind):
        raise WireError(f"expected a {what}, got {type(data).__name__}")
    return data
