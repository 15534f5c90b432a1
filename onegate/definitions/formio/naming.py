"""Turning form.io keys and option values into OneGate identifiers.

form.io keys are camelCase and may repeat inside grids; OneGate identifiers are lower snake case
(``^[a-z][a-z0-9_]{0,62}$``) because CEL names answers by them. ``IdRegistry`` converts a key
and makes it unique within its namespace by adding ``_2``, ``_3``…; the caller reports renames.
"""

from __future__ import annotations

import re
import unicodedata

MAX_ID = 63
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NOT_ID = re.compile(r"[^a-z0-9]+")


def identifier_from(key: object, fallback: str = "field") -> str:
    """``dataGrid`` → ``data_grid``; ``1st name`` → ``f_1st_name``; ``""`` → the fallback."""
    text = unicodedata.normalize("NFKD", str(key or "")).encode("ascii", "ignore").decode()
    text = _NOT_ID.sub("_", _CAMEL.sub("_", text).lower()).strip("_")
    if not text:
        text = fallback
    if not text[0].isalpha():
        text = f"f_{text}"
    return text[:MAX_ID].rstrip("_")


class IdRegistry:
    """Hands out unique identifiers in one namespace."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def claim(self, key: object, fallback: str = "field") -> str:
        base = identifier_from(key, fallback)
        candidate, number = base, 1
        while candidate in self._taken:
            number += 1
            suffix = f"_{number}"
            candidate = base[: MAX_ID - len(suffix)] + suffix
        self._taken.add(candidate)
        return candidate
