"""The rows one chunk of the population adds, table by table, as plain tuples in column order.

Rows are tuples rather than model instances because a million people make several million rows:
PostgreSQL takes the tuples as they are through COPY, and SQLite gets model instances built from
them only at the end. ``COLUMNS`` names each tuple's fields by attribute name (``person_id`` for
a foreign key), which is also the database column name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models

from onegate.registries.models import (
    Address,
    ArrivalRecord,
    FamilyLink,
    NationalIdCard,
    Person,
    ResidenceStatus,
    TravelDocument,
)

Row = tuple[Any, ...]

_STAMPS = ("id", "created_at", "updated_at")

# Tables in the order they are written: people before the rows that point at them.
COLUMNS: dict[type[models.Model], tuple[str, ...]] = {
    Person: (
        *_STAMPS,
        "national_id",
        "given_name_th",
        "family_name_th",
        "given_name_latin",
        "family_name_latin",
        "given_key",
        "family_key",
        "date_of_birth",
        "sex",
        "nationality",
        "date_of_death",
    ),
    TravelDocument: (
        *_STAMPS,
        "person_id",
        "document_type",
        "number",
        "issuing_state",
        "nationality",
        "family_name",
        "given_names",
        "date_of_birth",
        "sex",
        "issued_on",
        "expires_on",
        "mrz",
        "status",
    ),
    NationalIdCard: (
        *_STAMPS,
        "person_id",
        "laser_code",
        "issued_on",
        "expires_on",
        "status",
    ),
    FamilyLink: (
        *_STAMPS,
        "adult_id",
        "child_id",
        "kind",
        "source",
        "source_reference",
        "valid_from",
        "valid_until",
    ),
    ResidenceStatus: (
        *_STAMPS,
        "person_id",
        "kind",
        "visa_type",
        "valid_from",
        "valid_until",
        "source_reference",
    ),
    ArrivalRecord: (
        *_STAMPS,
        "person_id",
        "travel_document_id",
        "arrived_on",
        "port_of_entry",
        "permitted_until",
        "departed_on",
    ),
    Address: (
        *_STAMPS,
        "person_id",
        "kind",
        "house_number",
        "moo",
        "building",
        "soi",
        "road",
        "sub_district_id",
        "postcode",
        "lines",
        "city",
        "region",
        "country",
        "valid_from",
        "valid_until",
    ),
}


@dataclass
class ChunkRows:
    """Everything one chunk writes, keyed by model, each row matching ``COLUMNS[model]``."""

    tables: dict[type[models.Model], list[Row]] = field(
        default_factory=lambda: {model: [] for model in COLUMNS}
    )

    def add(self, model: type[models.Model], row: Row) -> None:
        self.tables[model].append(row)

    def count(self, model: type[models.Model]) -> int:
        return len(self.tables[model])
