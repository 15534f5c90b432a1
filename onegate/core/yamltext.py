"""YAML read with libyaml when PyYAML was built with it (about ten times faster than the pure
Python parser, with the same safe types, nodes, marks and errors), else PyYAML's own."""

from __future__ import annotations

from typing import Any

import yaml

SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def yaml_safe_load(text: str) -> Any:
    """``yaml.safe_load`` through the fastest safe loader there is."""
    return yaml.load(text, Loader=SafeLoader)  # noqa: S506 (a safe loader)
