"""Writing a chunk's rows: COPY on PostgreSQL, ``bulk_create`` elsewhere (SQLite).

COPY is what makes a million people fit in minutes: one statement per table and chunk, no SQL
parsed per row, indexes kept up to date as rows stream in. The caller holds the transaction.
Before the first write the tables' columns are checked against ``rows.COLUMNS`` so that a field
added to a model later fails loudly here rather than as a NOT NULL error halfway through a run.
"""

from __future__ import annotations

from functools import cache

from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

from onegate.registries.generator.rows import COLUMNS, ChunkRows


class ColumnsOutOfDate(RuntimeError):
    """A model gained a required field the generator does not fill."""


@cache
def check_columns() -> None:
    for model, columns in COLUMNS.items():
        required = {
            field.attname
            for field in model._meta.concrete_fields
            if not field.null and field.db_default is models.NOT_PROVIDED
        }
        missing = required - set(columns)
        unknown = set(columns) - {field.attname for field in model._meta.concrete_fields}
        if missing or unknown:
            raise ColumnsOutOfDate(
                f"{model.__name__}: the generator does not fill {sorted(missing)} "
                f"and fills unknown {sorted(unknown)}; update generator/rows.py"
            )


def rows_write(rows: ChunkRows, *, using: str) -> None:
    """Insert the chunk's rows, table by table, in the caller's transaction."""
    check_columns()
    connection = connections[using]
    if connection.vendor == "postgresql":
        _copy(connection, rows)
    else:
        _bulk_create(rows, using)


def _copy(connection: BaseDatabaseWrapper, rows: ChunkRows) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model, columns in COLUMNS.items():
            table_rows = rows.tables[model]
            if not table_rows:
                continue
            names = ", ".join(quote(column) for column in columns)
            statement = f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN"
            with cursor.copy(statement) as copy:
                for row in table_rows:
                    copy.write_row(row)


def _bulk_create(rows: ChunkRows, using: str) -> None:
    for model, columns in COLUMNS.items():
        instances = [model(**dict(zip(columns, row, strict=True))) for row in rows.tables[model]]
        model._default_manager.using(using).bulk_create(instances, batch_size=2000)
