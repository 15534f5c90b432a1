"""Database triggers that make audit_auditevent append-only, on SQLite and on PostgreSQL.

An UPDATE is allowed only to fill the chain fields (sequence, previous_hash, row_hash, chained_at)
of a row that has no row_hash yet, leaving every other column as it was; changing content,
chaining a row twice and DELETE all raise an integrity error. The SQL is written out here, not
imported, so that this migration keeps meaning what it meant when it ran.

Beware: on SQLite, Django carries out many ALTER TABLE operations by rebuilding the table, which
drops its triggers. A later migration that alters audit_auditevent must create them again;
tests/test_append_only.py checks that they are present after all migrations.
"""

from django.db import migrations

CONTENT_COLUMNS = (
    "id",
    "created_at",
    "actor_type",
    "actor_id",
    "on_behalf_of_id",
    "action",
    "subject_type",
    "subject_id",
    "purpose",
    "payload",
)

REFUSE_DELETE = "audit_auditevent is append-only: DELETE refused"
REFUSE_RECHAIN = "audit_auditevent is append-only: a chained row cannot change"
REFUSE_CONTENT = "audit_auditevent is append-only: only the chain fields may be set, once"

SQLITE_CONTENT_CHANGED = " OR ".join(f'NEW."{c}" IS NOT OLD."{c}"' for c in CONTENT_COLUMNS)

SQLITE_INSTALL = [
    f"""
    CREATE TRIGGER audit_auditevent_refuse_delete
    BEFORE DELETE ON audit_auditevent
    BEGIN
        SELECT RAISE(ABORT, '{REFUSE_DELETE}');
    END
    """,
    f"""
    CREATE TRIGGER audit_auditevent_refuse_rechain
    BEFORE UPDATE ON audit_auditevent
    WHEN OLD.row_hash IS NOT NULL
    BEGIN
        SELECT RAISE(ABORT, '{REFUSE_RECHAIN}');
    END
    """,
    f"""
    CREATE TRIGGER audit_auditevent_refuse_content_change
    BEFORE UPDATE ON audit_auditevent
    WHEN {SQLITE_CONTENT_CHANGED}
    BEGIN
        SELECT RAISE(ABORT, '{REFUSE_CONTENT}');
    END
    """,
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_auditevent_refuse_delete",
    "DROP TRIGGER IF EXISTS audit_auditevent_refuse_rechain",
    "DROP TRIGGER IF EXISTS audit_auditevent_refuse_content_change",
]

PG_NEW_ROW = ", ".join(f'NEW."{c}"' for c in CONTENT_COLUMNS)
PG_OLD_ROW = ", ".join(f'OLD."{c}"' for c in CONTENT_COLUMNS)

POSTGRESQL_INSTALL = [
    f"""
    CREATE FUNCTION audit_auditevent_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION '{REFUSE_DELETE}' USING ERRCODE = 'restrict_violation';
        END IF;
        IF OLD.row_hash IS NOT NULL THEN
            RAISE EXCEPTION '{REFUSE_RECHAIN}' USING ERRCODE = 'restrict_violation';
        END IF;
        IF ({PG_NEW_ROW}) IS DISTINCT FROM ({PG_OLD_ROW}) THEN
            RAISE EXCEPTION '{REFUSE_CONTENT}' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
    END;
    $$
    """,
    """
    CREATE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_refuse_change()
    """,
]
POSTGRESQL_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_auditevent_refuse_change()",
]

INSTALL = {"sqlite": SQLITE_INSTALL, "postgresql": POSTGRESQL_INSTALL}
REMOVE = {"sqlite": SQLITE_REMOVE, "postgresql": POSTGRESQL_REMOVE}


def install_triggers(apps, schema_editor):
    for statement in _for_vendor(INSTALL, schema_editor):
        schema_editor.execute(statement)


def remove_triggers(apps, schema_editor):
    for statement in _for_vendor(REMOVE, schema_editor):
        schema_editor.execute(statement)


def _for_vendor(statements, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in statements:
        # Refuse rather than leave the audit log silently mutable on a database we do not run on.
        raise RuntimeError(f"audit: no append-only triggers written for {vendor}")
    return statements[vendor]


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(install_triggers, remove_triggers, elidable=False),
    ]
