"""Loading the bundled divisions file into the database, for data migrations.

The functions take the model classes as arguments so a migration passes its historical models
(``apps.get_model``). Loading is an upsert: it adds new codes and updates names and postcodes, so
the migration after a refresh calls the same function. It never deletes a code the file no longer
has: addresses may still point at an abolished sub-district (``on_delete=PROTECT``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from onegate.registries.divisions.index import DATA_FILE, read_rows


def divisions_load(
    province_model: Any, district_model: Any, sub_district_model: Any, *, path: Path = DATA_FILE
) -> dict[str, int]:
    """Create or update every division in the file; returns how many rows were written per level."""
    data = read_rows(path)
    provinces = [province_model(code=c, name_th=th, name_en=en) for c, th, en in data["provinces"]]
    districts = [
        district_model(code=c, province_id=c[:2], name_th=th, name_en=en)
        for c, th, en in data["districts"]
    ]
    # The table keeps one postcode, the first: the one the source gives the whole sub-district.
    # The others (where a sub-district spans post zones) are in the file and its in-memory index.
    sub_districts = [
        sub_district_model(code=c, district_id=c[:4], name_th=th, name_en=en, postcode=codes[0])
        for c, th, en, codes in data["sub_districts"]
    ]
    return {
        "provinces": _upsert(province_model, provinces, ["name_th", "name_en"]),
        "districts": _upsert(district_model, districts, ["province", "name_th", "name_en"]),
        "sub_districts": _upsert(
            sub_district_model, sub_districts, ["district", "name_th", "name_en", "postcode"]
        ),
    }


def divisions_unload(province_model: Any, district_model: Any, sub_district_model: Any) -> None:
    """Remove every division (the reverse of the first load); refused while addresses use them."""
    sub_district_model.objects.all().delete()
    district_model.objects.all().delete()
    province_model.objects.all().delete()


def _upsert(model: Any, rows: list[Any], fields: list[str]) -> int:
    existing = model.objects.in_bulk()
    attributes = [model._meta.get_field(name).attname for name in fields]
    new = [row for row in rows if row.pk not in existing]
    changed = [
        row
        for row in rows
        if row.pk in existing
        and any(getattr(row, a) != getattr(existing[row.pk], a) for a in attributes)
    ]
    model.objects.bulk_create(new, batch_size=2000)
    if changed:
        model.objects.bulk_update(changed, fields, batch_size=500)
    return len(new) + len(changed)
