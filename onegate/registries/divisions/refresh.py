"""Rebuild the bundled divisions file from a downloaded ``geothai`` package.

Why geothai: it is the one package on the registries we can reach that has all three levels with
DOPA codes, Thai and English names and postcodes, is rebuilt from DOPA's own list (abolished and
new sub-districts up to date), and says where each part comes from and under which licence.

    pip download --no-deps geothai==<version> -d /tmp/geothai
    python -m onegate.registries.divisions refresh /tmp/geothai/geothai-<version>-py3-none-any.whl

The input may be the wheel, the sdist or an unpacked copy. The package's rows are checked (codes
nest, postcodes have five digits, nothing repeats) and written one row a line, so a refresh
reviews as a readable diff. The one change made to the data: Bangkok's district names lose the
word "เขต", so every stored name is bare and the formatter adds the word for the level.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tarfile
import zipfile
from pathlib import Path
from typing import Any

from onegate.registries.divisions.index import BANGKOK, DATA_FILE

PACKAGE = "geothai"
_DATA_FILES = ("provinces", "districts", "subdistricts")
_VERSION = re.compile(r"^Version:\s*(\S+)", re.MULTILINE)
_DATA_VERSION = re.compile(r"DATA_VERSION[^=]*=\s*[\"']([^\"']+)[\"']")
_POSTCODE = re.compile(r"\d{5}")


class RefreshError(Exception):
    """The downloaded package is not what the refresh expects; the bundled file is left alone."""


def package_files(path: Path) -> dict[str, str]:
    """The text of every file in the package (wheel, sdist or folder), by its path inside."""
    if path.is_dir():
        return {
            file.relative_to(path).as_posix(): file.read_text(encoding="utf-8", errors="replace")
            for file in path.rglob("*")
            if file.is_file() and _wanted(file.name)
        }
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return {
                name: archive.read(name).decode("utf-8", "replace")
                for name in archive.namelist()
                if _wanted(name)
            }
    if tarfile.is_tarfile(path):
        with tarfile.open(path) as archive:
            return {
                member.name: _member_text(archive, member)
                for member in archive.getmembers()
                if member.isfile() and _wanted(member.name)
            }
    raise RefreshError(f"{path}: not a wheel, an sdist or a folder")


def _wanted(name: str) -> bool:
    return name.endswith((".json", ".py", "METADATA", "PKG-INFO"))


def _member_text(archive: tarfile.TarFile, member: tarfile.TarInfo) -> str:
    handle = archive.extractfile(member)
    return handle.read().decode("utf-8", "replace") if handle else ""


def _one(files: dict[str, str], suffix: str) -> str:
    found = [text for name, text in files.items() if name.endswith(suffix)]
    if len(found) != 1:
        raise RefreshError(
            f"expected one file ending {suffix!r} in the package, found {len(found)}"
        )
    return found[0]


def _version(files: dict[str, str], pattern: re.Pattern[str], suffixes: tuple[str, ...]) -> str:
    for name, text in files.items():
        if name.endswith(suffixes) and (match := pattern.search(text)):
            return match.group(1)
    raise RefreshError(f"no version found in the package's {' or '.join(suffixes)}")


def build(files: dict[str, str]) -> dict[str, Any]:
    """The bundled file's content from the package's files, checked."""
    raw = {name: json.loads(_one(files, f"{PACKAGE}/_data/{name}.json")) for name in _DATA_FILES}
    provinces = [[code, th.strip(), en.strip()] for code, th, en in raw["provinces"]]
    districts = [[code, _bare_district(code, th), en.strip()] for code, th, en in raw["districts"]]
    sub_districts = [
        [code, th.strip(), en.strip(), postcodes.split()]
        for code, th, en, postcodes in raw["subdistricts"]
    ]
    check(provinces, districts, sub_districts)
    source = {
        "package": PACKAGE,
        "registry": "PyPI",
        "version": _version(files, _VERSION, ("METADATA", "PKG-INFO")),
        "data_version": _version(files, _DATA_VERSION, ("_schema.py",)),
        "licence": 'CC-BY-4.0 (data, credit "GeoThai"); MIT (the package\'s code)',
        "generated_by": "python -m onegate.registries.divisions refresh",
        "generated_on": dt.datetime.now(tz=dt.UTC).date().isoformat(),
        "changes": "Bangkok district names without the leading word เขต",
        "counts": {
            "provinces": len(provinces),
            "districts": len(districts),
            "sub_districts": len(sub_districts),
        },
    }
    return {
        "source": source,
        "provinces": provinces,
        "districts": districts,
        "sub_districts": sub_districts,
    }


def _bare_district(code: str, name_th: str) -> str:
    name = name_th.strip()
    if code.startswith(BANGKOK) and name.startswith("เขต"):
        name = name.removeprefix("เขต")
    return name


def check(
    provinces: list[list[Any]], districts: list[list[Any]], sub_districts: list[list[Any]]
) -> None:
    """Refuse data whose codes do not nest, repeat, or whose names or postcodes are missing."""
    problems: list[str] = []
    seen: set[str] = set()
    for rows, length in ((provinces, 2), (districts, 4), (sub_districts, 6)):
        for row in rows:
            code, name_th, name_en = row[0], row[1], row[2]
            if not (len(code) == length and code.isdigit()):
                problems.append(f"{code}: not a {length}-digit code")
            if code in seen:
                problems.append(f"{code}: appears twice")
            if length > 2 and code[:-2] not in seen:
                problems.append(f"{code}: its parent {code[:-2]} is not listed before it")
            if not (name_th and name_en):
                problems.append(f"{code}: a name is missing")
            seen.add(code)
    for code, _th, _en, postcodes in sub_districts:
        if not postcodes or not all(_POSTCODE.fullmatch(p) for p in postcodes):
            problems.append(f"{code}: postcodes {postcodes!r} are not five-digit codes")
    if problems:
        raise RefreshError("the package's data fails the checks:\n" + "\n".join(problems[:50]))


def write(data: dict[str, Any], target: Path = DATA_FILE) -> None:
    """Write the file with one row a line, so a refresh reviews as a diff."""
    parts = ['{\n"source": ' + json.dumps(data["source"], ensure_ascii=False, indent=1)]
    for key in ("provinces", "districts", "sub_districts"):
        rows = ",\n".join(json.dumps(row, ensure_ascii=False) for row in data[key])
        parts.append(f'"{key}": [\n{rows}\n]')
    target.write_text(",\n".join(parts) + "\n}\n", encoding="utf-8")


def refresh(path: Path, target: Path = DATA_FILE) -> dict[str, Any]:
    """Rebuild ``target`` from the package at ``path``; returns the new file's source note."""
    data = build(package_files(path))
    write(data, target)
    return dict(data["source"])
