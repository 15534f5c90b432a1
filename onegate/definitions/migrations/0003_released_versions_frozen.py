"""Close the gaps migration 0002 left in keeping released definition versions immutable.

* The change note, who published and when are frozen too: they are the version's record.
* A released version's status may only go from published to retired: a retired version is never
  published again (a rollback publishes its text as a new version), and neither goes back to draft.
* DELETE of a released version is refused: applications pin versions, and the history is the record
  of what people applied on. A draft may still be deleted.

The one who published is kept by the database, so deleting that person's account is refused:
``published_by`` becomes ``PROTECT`` (with ``SET_NULL`` the trigger would refuse it anyway).

As in 0002, the SQL is written out here. The trigger of 0002 is replaced (same name), and put
back when this migration is reversed. On PostgreSQL Django's flush is a TRUNCATE, which runs no
row trigger; on SQLite it is a ``DELETE FROM``, which this trigger refuses for released versions,
so transactional tests that publish empty the table first (``tests/support.py``).
"""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TABLE = "definitions_definitionversion"
REFUSE_CHANGE = "a published definition version is immutable"
REFUSE_DELETE = "a published definition version cannot be deleted"
FROZEN = (
    "definition_id",
    "number",
    "source",
    "checksum",
    "based_on_id",
    "published_at",
    "published_by_id",
    "change_note",
)

SQLITE_CHANGED = " OR ".join(f'NEW."{c}" IS NOT OLD."{c}"' for c in FROZEN)
SQLITE_INSTALL = [
    f"""
    CREATE TRIGGER definitions_version_immutable
    BEFORE UPDATE ON {TABLE}
    WHEN OLD.status <> 'draft' AND (
        (NEW.status IS NOT OLD.status AND NOT (OLD.status = 'published' AND NEW.status = 'retired'))
        OR {SQLITE_CHANGED}
    )
    BEGIN
        SELECT RAISE(ABORT, '{REFUSE_CHANGE}');
    END
    """,
    f"""
    CREATE TRIGGER definitions_version_undeletable
    BEFORE DELETE ON {TABLE}
    WHEN OLD.status <> 'draft'
    BEGIN
        SELECT RAISE(ABORT, '{REFUSE_DELETE}');
    END
    """,
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS definitions_version_undeletable",
    "DROP TRIGGER IF EXISTS definitions_version_immutable",
]

PG_NEW = ", ".join(f'NEW."{c}"' for c in FROZEN)
PG_OLD = ", ".join(f'OLD."{c}"' for c in FROZEN)
POSTGRESQL_INSTALL = [
    f"""
    CREATE FUNCTION definitions_version_keep_released() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF OLD.status = 'draft' THEN
            RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
        END IF;
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION '{REFUSE_DELETE}' USING ERRCODE = 'restrict_violation';
        END IF;
        IF (NEW.status IS DISTINCT FROM OLD.status
                AND NOT (OLD.status = 'published' AND NEW.status = 'retired'))
           OR ({PG_NEW}) IS DISTINCT FROM ({PG_OLD}) THEN
            RAISE EXCEPTION '{REFUSE_CHANGE}' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
    END;
    $$
    """,
    f"""
    CREATE TRIGGER definitions_version_immutable
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION definitions_version_keep_released()
    """,
]
POSTGRESQL_REMOVE = [
    f"DROP TRIGGER IF EXISTS definitions_version_immutable ON {TABLE}",
    "DROP FUNCTION IF EXISTS definitions_version_keep_released()",
]

INSTALL = {"sqlite": SQLITE_INSTALL, "postgresql": POSTGRESQL_INSTALL}
REMOVE = {"sqlite": SQLITE_REMOVE, "postgresql": POSTGRESQL_REMOVE}

# The trigger this migration replaces, as 0002 wrote it.
_earlier = importlib.import_module(
    "onegate.definitions.migrations.0002_released_versions_immutable"
)


def install_triggers(apps, schema_editor):
    _run(_earlier.REMOVE, schema_editor)
    _run(INSTALL, schema_editor)


def restore_earlier_trigger(apps, schema_editor):
    _run(REMOVE, schema_editor)
    _run(_earlier.INSTALL, schema_editor)


def _run(statements, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in statements:
        raise RuntimeError(f"definitions: no immutability trigger written for {vendor}")
    for statement in statements[vendor]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("definitions", "0002_released_versions_immutable"),
    ]

    operations = [
        migrations.AlterField(
            model_name="definitionversion",
            name="published_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(install_triggers, restore_earlier_trigger, elidable=False),
    ]
