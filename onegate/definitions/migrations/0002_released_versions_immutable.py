"""A database trigger that keeps published definition versions immutable, on SQLite and PostgreSQL.

Once a version has left the draft state, an UPDATE may change only its status (published to
retired) and the retirement fields; its text, checksum, number, service and origin stay, and it
cannot become a draft again. Applications pin the version they started on, so the text they
were checked against must never change under them. The SQL is written out here so that this
migration keeps meaning what it meant when it ran.

On SQLite, Django rebuilds a table for many ALTER TABLE operations, which drops its triggers: a
later migration that alters definitions_definitionversion must create this one again
(``tests/test_versions.py`` checks it is there).
"""

from django.db import migrations

TABLE = "definitions_definitionversion"
REFUSE = "a published definition version is immutable"
FROZEN = ("definition_id", "number", "source", "checksum", "based_on_id", "published_at")

SQLITE_CHANGED = " OR ".join(f'NEW."{c}" IS NOT OLD."{c}"' for c in FROZEN)
SQLITE_INSTALL = [
    f"""
    CREATE TRIGGER definitions_version_immutable
    BEFORE UPDATE ON {TABLE}
    WHEN OLD.status <> 'draft' AND (NEW.status = 'draft' OR {SQLITE_CHANGED})
    BEGIN
        SELECT RAISE(ABORT, '{REFUSE}');
    END
    """
]
SQLITE_REMOVE = ["DROP TRIGGER IF EXISTS definitions_version_immutable"]

PG_NEW = ", ".join(f'NEW."{c}"' for c in FROZEN)
PG_OLD = ", ".join(f'OLD."{c}"' for c in FROZEN)
POSTGRESQL_INSTALL = [
    f"""
    CREATE FUNCTION definitions_version_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF OLD.status <> 'draft'
           AND (NEW.status = 'draft' OR ({PG_NEW}) IS DISTINCT FROM ({PG_OLD})) THEN
            RAISE EXCEPTION '{REFUSE}' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
    END;
    $$
    """,
    f"""
    CREATE TRIGGER definitions_version_immutable
    BEFORE UPDATE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION definitions_version_refuse_change()
    """,
]
POSTGRESQL_REMOVE = [
    f"DROP TRIGGER IF EXISTS definitions_version_immutable ON {TABLE}",
    "DROP FUNCTION IF EXISTS definitions_version_refuse_change()",
]

INSTALL = {"sqlite": SQLITE_INSTALL, "postgresql": POSTGRESQL_INSTALL}
REMOVE = {"sqlite": SQLITE_REMOVE, "postgresql": POSTGRESQL_REMOVE}


def install_trigger(apps, schema_editor):
    for statement in _for_vendor(INSTALL, schema_editor):
        schema_editor.execute(statement)


def remove_trigger(apps, schema_editor):
    for statement in _for_vendor(REMOVE, schema_editor):
        schema_editor.execute(statement)


def _for_vendor(statements, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in statements:
        raise RuntimeError(f"definitions: no immutability trigger written for {vendor}")
    return statements[vendor]


class Migration(migrations.Migration):
    dependencies = [
        ("definitions", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(install_trigger, remove_trigger, elidable=False),
    ]
