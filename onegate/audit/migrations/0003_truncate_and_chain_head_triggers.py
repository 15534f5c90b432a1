"""Close the gaps migration 0002 left: TRUNCATE, and the unguarded chain head.

* PostgreSQL runs no row trigger for TRUNCATE, so 0002 let ``TRUNCATE audit_auditevent`` empty the
  log in one statement. ``BEFORE TRUNCATE ... FOR EACH STATEMENT`` triggers now refuse TRUNCATE on
  audit_auditevent and on audit_auditchainhead. They fire even when the table is empty, so
  ``manage.py flush`` is refused as well. (SQLite has no TRUNCATE: its ``DELETE FROM`` without a
  WHERE clause runs the row triggers.)
* audit_auditchainhead had no guard: deleting its row, or winding it back, would hide events
  removed from the end of the chain from ``audit_verify``. On both databases DELETE is now refused,
  and an UPDATE must move the head forward: a higher sequence, the same (single) id. The sequencer
  only ever does that, so rewriting the head in place, or lowering its sequence, is refused.

The triggers stop mistakes and anyone who can only run SQL statements on the tables. The owner of
the tables can still disable or drop them (``ALTER TABLE ... DISABLE TRIGGER``): the hash chain
and ``manage.py audit_verify`` are what show such tampering. The test plugin
(onegate/audit/tests/plugin.py) disables them, as the owner, around the flush of transactional
tests.

As in 0002, the SQL is written out here, not imported, and on SQLite a later migration that
rebuilds either table must create its triggers again (tests/test_append_only.py checks them).
"""

from django.db import migrations

REFUSE_HEAD_DELETE = "audit_auditchainhead is append-only: DELETE refused"
REFUSE_HEAD_REWIND = "audit_auditchainhead may only move forward: UPDATE must raise the sequence"

SQLITE_INSTALL = [
    f"""
    CREATE TRIGGER audit_auditchainhead_refuse_delete
    BEFORE DELETE ON audit_auditchainhead
    BEGIN
        SELECT RAISE(ABORT, '{REFUSE_HEAD_DELETE}');
    END
    """,
    f"""
    CREATE TRIGGER audit_auditchainhead_refuse_rewind
    BEFORE UPDATE ON audit_auditchainhead
    WHEN NEW.id IS NOT OLD.id OR NEW.sequence IS NULL OR NEW.sequence <= OLD.sequence
    BEGIN
        SELECT RAISE(ABORT, '{REFUSE_HEAD_REWIND}');
    END
    """,
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_auditchainhead_refuse_delete",
    "DROP TRIGGER IF EXISTS audit_auditchainhead_refuse_rewind",
]

POSTGRESQL_INSTALL = [
    """
    CREATE FUNCTION audit_refuse_truncate() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        -- The message is joined with ||: a RAISE format placeholder would clash with Django's.
        RAISE EXCEPTION USING
            MESSAGE = TG_TABLE_NAME || ' is append-only: TRUNCATE refused',
            ERRCODE = 'restrict_violation';
    END;
    $$
    """,
    """
    CREATE TRIGGER audit_auditevent_refuse_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate()
    """,
    """
    CREATE TRIGGER audit_auditchainhead_refuse_truncate
    BEFORE TRUNCATE ON audit_auditchainhead
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate()
    """,
    f"""
    CREATE FUNCTION audit_auditchainhead_forward_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION '{REFUSE_HEAD_DELETE}' USING ERRCODE = 'restrict_violation';
        END IF;
        IF NEW.id IS DISTINCT FROM OLD.id OR NOT (NEW.sequence > OLD.sequence) THEN
            RAISE EXCEPTION '{REFUSE_HEAD_REWIND}' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
    END;
    $$
    """,
    """
    CREATE TRIGGER audit_auditchainhead_forward_only
    BEFORE UPDATE OR DELETE ON audit_auditchainhead
    FOR EACH ROW EXECUTE FUNCTION audit_auditchainhead_forward_only()
    """,
]
POSTGRESQL_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_auditchainhead_forward_only ON audit_auditchainhead",
    "DROP FUNCTION IF EXISTS audit_auditchainhead_forward_only()",
    "DROP TRIGGER IF EXISTS audit_auditchainhead_refuse_truncate ON audit_auditchainhead",
    "DROP TRIGGER IF EXISTS audit_auditevent_refuse_truncate ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_refuse_truncate()",
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
        ("audit", "0002_append_only_triggers"),
    ]

    operations = [
        migrations.RunPython(install_triggers, remove_triggers, elidable=False),
    ]
