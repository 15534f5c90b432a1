"""Thailand's public holidays, from the bundled file ``data/thai_public_holidays.json``.

The data migration and ``services.public_holidays_load`` both read the file through
``holiday_rows`` (see ``data/SOURCE.md`` for where the days come from).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "thai_public_holidays.json"


@dataclass(frozen=True)
class HolidayRow:
    date: dt.date
    name_en: str
    name_th: str


def holiday_rows(path: Path = DATA_FILE) -> list[HolidayRow]:
    """Every day in the file, in date order."""
    document = json.loads(path.read_text(encoding="utf-8"))
    rows = [
        HolidayRow(dt.date.fromisoformat(day), name_en, name_th)
        for day, name_en, name_th in document["holidays"]
    ]
    return sorted(rows, key=lambda row: row.date)


def holidays_source(path: Path = DATA_FILE) -> dict[str, object]:
    """The file's note on its source: package, version, years."""
    return dict(json.loads(path.read_text(encoding="utf-8"))["source"])
