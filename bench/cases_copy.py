"""COPY text for ``bench/cases_data.py``: a model's table as PostgreSQL's ``COPY … FROM STDIN``
takes it, rows (attribute name → value) written in its text format, defaults for the rest."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Table:
    """A model's table as COPY takes it: columns, their attribute names and defaults."""

    name: str
    columns: str
    names: list[str]
    defaults: dict[str, Any]

    @classmethod
    def of(cls, model: Any) -> Table:
        from django.db import models

        auto = (models.AutoField, models.BigAutoField)
        fields = [f for f in model._meta.concrete_fields if not isinstance(f, auto)]
        return cls(
            name=model._meta.db_table,
            columns=", ".join(f'"{f.column}"' for f in fields),
            names=[f.attname for f in fields],
            defaults={f.attname: f.get_default() for f in fields},
        )

    def text(self, rows: list[dict[str, Any]]) -> bytes:
        """The rows in COPY's text format (defaults for what a row leaves out)."""
        missing = object()
        defaults = [_copy_value(self.defaults[name]) for name in self.names]
        pairs = list(zip(self.names, defaults, strict=True))
        lines = []
        for row in rows:
            get = row.get
            lines.append(
                "\t".join(
                    default if (value := get(name, missing)) is missing else _copy_value(value)
                    for name, default in pairs
                )
            )
        return ("\n".join(lines) + "\n").encode() if lines else b""

    def copy(self, data: bytes) -> None:
        from django.db import connection

        command = f"COPY {self.name} ({self.columns}) FROM STDIN"
        with connection.connection.cursor() as cursor, cursor.copy(command) as copy:
            copy.write(data)


_NEEDS_ESCAPE = re.compile(r"[\\\t\n\r]")
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return value.translate(_ESCAPES) if _NEEDS_ESCAPE.search(value) else value
    if kind is uuid.UUID or kind is int:
        return str(value)
    if kind is dt.datetime or kind is dt.date:
        return value.isoformat()
    if value is None:
        return "\\N"
    if kind is bool:
        return "t" if value else "f"
    if kind is dict or kind is list:
        return _copy_value(json.dumps(value, ensure_ascii=False))
    return str(value).translate(_ESCAPES)
