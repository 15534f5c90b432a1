"""From parsed data to the typed model: pydantic's errors as located, translated problems."""

from __future__ import annotations

import types
import typing
from typing import Any

from django.utils.translation import gettext as _
from pydantic import BaseModel, ValidationError

from .model import FIELD_TYPES, ServiceDefinition
from .problems import ProblemList

__all__ = ["model_validate"]

Path = tuple[str | int, ...]
IDENTIFIER_PATTERN = r"^[a-z][a-z0-9_]{0,62}$"


def model_validate(data: Any, problems: ProblemList) -> ServiceDefinition | None:
    """The typed model of ``data``, or None with every schema error added to ``problems``."""
    try:
        return ServiceDefinition.model_validate(data)
    except ValidationError as invalid:
        for error in invalid.errors(include_url=False):
            path = _data_path(data, error["loc"])
            if error["type"] == "union_tag_invalid":
                path += ("type",)
            problems.add(path, "schema", _message(error, path, data))
        return None


def _data_path(data: Any, loc: tuple[str | int, ...]) -> Path:
    """pydantic's location without the tags of unions and the markers of dictionary keys."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if part == "[key]":
            continue
        if _has(node, part):
            node = node[part]
        elif isinstance(node, dict) and node.get("type") == part:
            continue  # the discriminated union's tag: not a key in the file
        else:
            node = None
        path.append(part)
    return tuple(path)


def _has(node: Any, part: str | int) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _message(error: Any, path: Path, data: Any) -> str:
    kind, context = error["type"], error.get("ctx") or {}
    key = path[-1] if path else ""
    if kind == "missing":
        return _("the key “%(key)s” is required.") % {"key": key}
    if kind == "extra_forbidden":
        keys = ", ".join(_keys_at(path[:-1], data))
        return _("unknown key “%(key)s”; the keys here are: %(keys)s.") % {"key": key, "keys": keys}
    if kind == "union_tag_invalid":
        values = {"type": context.get("tag"), "types": ", ".join(FIELD_TYPES)}
        return _("unknown field type “%(type)s”; the types are: %(types)s.") % values
    if kind == "union_tag_not_found":
        return _("a field needs a “type”; the types are: %(types)s.") % {
            "types": ", ".join(FIELD_TYPES)
        }
    if kind == "string_pattern_mismatch":
        return _pattern_message(error["input"], context.get("pattern", ""))
    return _plain_message(kind, context, error)


def _pattern_message(value: Any, pattern: str) -> str:
    if pattern == IDENTIFIER_PATTERN:
        text = _(
            "“%(value)s” is not an identifier: use lower-case letters, digits and “_”, "
            "starting with a letter."
        )
    elif pattern.startswith("^[a-z0-9]+(?:-"):
        text = _("“%(value)s” is not a slug: use lower-case letters, digits and single hyphens.")
    else:
        text = _("“%(value)s” is not in the form expected here.")
    return text % {"value": value}


_PLAIN = {
    "string_type": lambda c: _("this should be text."),
    "string_too_short": lambda c: _("this should not be empty."),
    "string_too_long": lambda c: (
        _("this is too long: at most %(count)s characters.") % {"count": c.get("max_length")}
    ),
    "int_type": lambda c: _("this should be a whole number."),
    "int_parsing": lambda c: _("this should be a whole number."),
    "int_from_float": lambda c: _("this should be a whole number."),
    "decimal_type": lambda c: _("this should be a number."),
    "decimal_parsing": lambda c: _("this should be a number."),
    "bool_type": lambda c: _("this should be true or false."),
    "bool_parsing": lambda c: _("this should be true or false."),
    "date_type": lambda c: _("this should be a date (YYYY-MM-DD)."),
    "date_parsing": lambda c: _("this should be a date (YYYY-MM-DD)."),
    "date_from_datetime_inexact": lambda c: _("this should be a date (YYYY-MM-DD)."),
    "dict_type": lambda c: _("this should be a mapping of keys to values."),
    "model_type": lambda c: _("this should be a mapping of keys to values."),
    "model_attributes_type": lambda c: _("this should be a mapping of keys to values."),
    "list_type": lambda c: _("this should be a list."),
    "tuple_type": lambda c: _("this should be a list."),
    "too_short": lambda c: (
        _("this needs at least %(count)s item(s).") % {"count": c.get("min_length")}
    ),
    "too_long": lambda c: (
        _("this may have at most %(count)s item(s).") % {"count": c.get("max_length")}
    ),
    "greater_than_equal": lambda c: (
        _("this should be at least %(limit)s.") % {"limit": c.get("ge")}
    ),
    "greater_than": lambda c: _("this should be more than %(limit)s.") % {"limit": c.get("gt")},
    "less_than_equal": lambda c: _("this should be at most %(limit)s.") % {"limit": c.get("le")},
    "less_than": lambda c: _("this should be less than %(limit)s.") % {"limit": c.get("lt")},
}


def _plain_message(kind: str, context: dict[str, Any], error: Any) -> str:
    if kind in ("literal_error", "enum"):
        # pydantic's list ends "… or 'high'": the English "or" would stay in the Thai message.
        expected = str(context.get("expected", "")).replace(" or ", ", ")
        values = {"value": error["input"], "expected": expected}
        return _("“%(value)s” is not allowed here; use one of: %(expected)s.") % values
    if kind in _PLAIN:
        return str(_PLAIN[kind](context))
    return _("invalid value: %(detail)s") % {"detail": error["msg"]}


def _keys_at(path: Path, data: Any) -> list[str]:
    """The keys the model allows at ``path`` (the mapping that holds an unknown key)."""
    annotation: Any = ServiceDefinition
    node = data
    for part in path:
        annotation = _resolve(annotation, node)
        node = node[part] if _has(node, part) else None
        annotation = _member(annotation, part)
    model = _resolve(annotation, node)
    return (
        list(model.model_fields) if isinstance(model, type) and issubclass(model, BaseModel) else []
    )


def _resolve(annotation: Any, node: Any) -> Any:
    """A concrete class for ``annotation`` given the data there (picks a union member by type)."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        tag = node.get("type") if isinstance(node, dict) else None
        for member in members:
            literal = (
                member.model_fields.get("type")
                if isinstance(member, type) and issubclass(member, BaseModel)
                else None
            )
            if literal and tag in typing.get_args(literal.annotation):
                return member
        return _resolve(members[0], node) if members else annotation
    return annotation


def _member(annotation: Any, part: str | int) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(part))
        return field.annotation if field else None
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (list, tuple) and args:
        return args[0]
    if typing.get_origin(annotation) is dict and len(args) == 2:
        return args[1]
    return None
