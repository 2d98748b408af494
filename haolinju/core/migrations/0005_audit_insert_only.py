"""Audit rows are unique per (chain, seq), and on PostgreSQL a trigger refuses any UPDATE or
DELETE of them, whoever the database user (TRUNCATE, used by test teardown, is a table-level
operation and not a row trigger)."""

from django.db import migrations, models

CREATE = """
CREATE OR REPLACE FUNCTION core_auditevent_insert_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'core_auditevent is insert-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_insert_only
    BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_insert_only();
"""
DROP = """
DROP TRIGGER IF EXISTS core_auditevent_insert_only ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_insert_only();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_audit_hash_chain")]

    operations = [
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                fields=("chain", "seq"), name="core_auditevent_chain_seq"
            ),
        ),
        migrations.RunPython(install, remove),
    ]
