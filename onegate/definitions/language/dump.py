"""A definition as canonical, readable YAML: keys in the model's order, Thai as Thai.

Values equal to their defaults are left out, so an exported file says only what the service
chose; compiling the dump gives back an equal model.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from typing import Any

import yaml
from pydantic import ValidationError

from .model import ServiceDefinition

__all__ = ["definition_dump"]


class _Dumper(yaml.SafeDumper):
    """Block style, long lines kept whole, multi-line text as ``|`` blocks."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    if value == value.to_integral_value():
        return dumper.represent_int(int(value))
    return dumper.represent_scalar("tag:yaml.org,2002:float", str(value))


_Dumper.add_representer(str, _text)
_Dumper.add_representer(Decimal, _decimal)
_Dumper.add_multi_representer(Enum, lambda dumper, value: _text(dumper, str(value.value)))
_Dumper.add_representer(tuple, lambda dumper, value: dumper.represent_list(list(value)))
_Dumper.add_representer(dt.date, yaml.SafeDumper.represent_date)


def definition_dump(data: ServiceDefinition | Mapping[str, Any]) -> str:
    """``data`` as YAML; a mapping that is a valid definition is written in canonical form."""
    if not isinstance(data, ServiceDefinition):
        try:
            data = ServiceDefinition.model_validate(dict(data))
        except ValidationError:
            return _yaml(_plain(data))
    document = data.model_dump(mode="python", exclude_defaults=True)
    document = {"format": data.format, **document}
    return _yaml(_plain(document))


def _plain(value: Any) -> Any:
    """Enum keys as their values; everything else as it is."""
    if isinstance(value, Mapping):
        return {
            (key.value if isinstance(key, Enum) else key): _plain(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _yaml(document: Any) -> str:
    return yaml.dump(
        document,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
        default_flow_style=False,
    )
