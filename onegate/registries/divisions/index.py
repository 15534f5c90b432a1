"""The bundled divisions file, read once into memory and indexed for lookups.

The file (``onegate/registries/data/divisions.json``) is the single source: the data migration
loads the same rows into the ``Province``/``District``/``SubDistrict`` tables for foreign keys and
the admin, and forms and validation read this index, so they cost no query. A DOPA code holds its
parents' codes (sub-district ``100101`` is in district ``1001``, in province ``10``).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from onegate.registries.divisions.names import Level, name_key

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "divisions.json"
BANGKOK = "10"
_PARENTHESIS = re.compile(r"\s*\(([^)]*)\)\s*")


@dataclass(frozen=True)
class Division:
    """A province, district or sub-district; only sub-districts have postcodes.

    ``name_th`` is the bare name, without the word for the level ("พระนคร", not "เขตพระนคร"):
    the formatter adds the word that fits the province.
    """

    code: str
    name_th: str
    name_en: str
    postcodes: tuple[str, ...] = field(default=())

    @property
    def level(self) -> Level:
        return {2: Level.PROVINCE, 4: Level.DISTRICT}.get(len(self.code), Level.SUB_DISTRICT)

    @property
    def parent_code(self) -> str:
        return self.code[:-2]

    @property
    def province_code(self) -> str:
        return self.code[:2]

    @property
    def in_bangkok(self) -> bool:
        """Bangkok's divisions are khet and khwaeng, not amphoe and tambon."""
        return self.province_code == BANGKOK

    def name(self, language: str) -> str:
        return self.name_th if language.startswith("th") else self.name_en


@dataclass
class DivisionIndex:
    """Every division by code, the children of each, and sub-districts by postcode and name."""

    source: dict[str, Any]
    by_code: dict[str, Division] = field(default_factory=dict)
    children: dict[str, list[Division]] = field(default_factory=lambda: defaultdict(list))
    by_postcode: dict[str, list[Division]] = field(default_factory=lambda: defaultdict(list))
    # (parent code, name key) -> the divisions of that name under that parent ("" for provinces)
    by_name: dict[tuple[str, str], list[Division]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def add(self, division: Division) -> None:
        self.by_code[division.code] = division
        parent = division.parent_code
        self.children[parent].append(division)
        for postcode in division.postcodes:
            self.by_postcode[postcode].append(division)
        for name in _name_variants(division):
            key = (parent, name_key(name, division.level))
            if division not in self.by_name[key]:
                self.by_name[key].append(division)


def _name_variants(division: Division) -> set[str]:
    """Both names, plus each part of a name that gives an older spelling in parentheses."""
    names = {division.name_th, division.name_en}
    for name in list(names):
        if "(" in name:
            names.update(part for part in _PARENTHESIS.split(name) if part.strip())
    return names


def read_rows(path: Path = DATA_FILE) -> dict[str, Any]:
    """The data file as stored: ``source`` note, then province, district, sub-district rows."""
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def divisions_from_rows(data: dict[str, Any]) -> list[Division]:
    """Provinces, then districts, then sub-districts, each as a ``Division``."""
    divisions = [Division(code, th, en) for code, th, en in data["provinces"]]
    divisions += [Division(code, th, en) for code, th, en in data["districts"]]
    divisions += [
        Division(code, th, en, tuple(postcodes))
        for code, th, en, postcodes in data["sub_districts"]
    ]
    return divisions


@cache
def division_index() -> DivisionIndex:
    """The index of the bundled file, built on first use (about 8,400 rows, a few milliseconds)."""
    data = read_rows()
    index = DivisionIndex(source=data["source"])
    for division in divisions_from_rows(data):
        index.add(division)
    return index
