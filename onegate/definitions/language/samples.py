"""What rules see: Python values as CEL values, and sample values of every declared type.

CEL type of each field type (documented in docs/service-definitions.md):
text, long_text, email, phone, thai_id, passport_number, radios, select → string;
number → int; money → double; date → timestamp at midnight UTC; yes_no, declaration → bool;
checkboxes → list of string; file → list of maps {name, size, content_type}; address → map;
person → map {id, name, date_of_birth, relationship}; group → list of maps of its fields.

The samples stand in for answers and facts when the checks run each expression once to find
type errors, since the ``cel`` package has no type-checking phase of its own.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import typing
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from onegate.registries.adapters.base import AddressRecord, ResidenceRecord, TravelDocumentRecord

from .functions import day_timestamp
from .model import AnyField, ChoiceField, GroupField

__all__ = ["cel_value", "fact_sample", "field_sample"]

STRING_TYPES = frozenset(
    {"text", "long_text", "email", "phone", "thai_id", "passport_number", "radios", "select"}
)


_PLAIN = frozenset({str, bool, int, float})


def cel_value(value: Any) -> Any:
    """A Python value (as forms and registries give them) as the ``cel`` package takes it."""
    if value is None or type(value) in _PLAIN:
        return value  # most answers: no conversion (checked first, since rules run often)
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return day_timestamp(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Mapping):
        return {str(key): cel_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [cel_value(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return cel_value(dataclasses.asdict(value))
    return value


def _name_sample() -> dict[str, str]:
    return {
        "given_th": "สมชาย",
        "family_th": "ใจดี",
        "given_latin": "Somchai",
        "family_latin": "Jaidee",
    }


def _person_sample(variant: int) -> dict[str, Any]:
    birth = dt.date(1990, 5, 17) if variant == 0 else dt.date(2015, 2, 28)
    return {
        "id": "p1",
        "name": _name_sample(),
        "date_of_birth": day_timestamp(birth),
        "relationship": "self",
    }


@functools.cache
def _record_sample(record: type, variant: int) -> dict[str, Any]:
    """A registry record's sample (shared: nothing changes a sample)."""
    hints = typing.get_type_hints(record)
    return {
        item.name: _typed_sample(hints[item.name], variant) for item in dataclasses.fields(record)
    }


def _typed_sample(annotation: Any, variant: int) -> Any:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if args and typing.get_origin(annotation) is not dict:
        annotation = args[0]
    if annotation is dt.date:
        return day_timestamp(dt.date(2030, 1, 1) if variant == 0 else dt.date(2026, 6, 30))
    if annotation is bool:
        return variant == 0
    if typing.get_origin(annotation) is dict:
        return {"en": "Bangkok", "th": "กรุงเทพมหานคร"}
    return "sample" if variant == 0 else "THA"


def fact_sample(fact: str, variant: int) -> Any:
    """A value of the registry fact ``fact`` (``person.passport`` …); None when unknown here."""
    documents = _record_sample(TravelDocumentRecord, variant)
    samples: dict[str, Any] = {
        "person.name": _name_sample(),
        "person.date_of_birth": _person_sample(variant)["date_of_birth"],
        "person.sex": "F" if variant == 0 else "M",
        "person.nationality": "THA" if variant == 0 else "GBR",
        "person.national_id": "1101700230705",
        "person.children": [_person_sample(1) | {"relationship": "child"}],
        "person.guardians": [_person_sample(0) | {"relationship": "mother"}],
        "person.address": _record_sample(AddressRecord, variant),
        "person.travel_documents": [documents],
        "person.passport": documents,
        "person.residence": _record_sample(ResidenceRecord, variant),
    }
    return samples.get(fact)


def field_sample(field: AnyField, variant: int) -> Any:
    """A value of ``field`` as CEL sees it; ``variant`` 0 and 1 take different branches."""
    kind = field.type
    if isinstance(field, ChoiceField):
        value = field.options[0 if variant == 0 else -1].value
        return [value] if kind == "checkboxes" else value
    if isinstance(field, GroupField):
        return [{inner.id: field_sample(inner, variant) for inner in field.fields}]
    if kind in STRING_TYPES:
        return "sample" if variant == 0 else ""
    samples: dict[str, Any] = {
        "number": 1 if variant == 0 else 0,
        "money": 1.5 if variant == 0 else 0.0,
        "date": day_timestamp(dt.date(2026, 3, 15) if variant == 0 else dt.date(2000, 2, 29)),
        "yes_no": variant == 0,
        "declaration": variant == 0,
        "file": [{"name": "scan.pdf", "size": 102_400, "content_type": "application/pdf"}],
        "address": _record_sample(AddressRecord, variant),
        "person": _person_sample(variant),
    }
    return samples[kind]
