"""On PostgreSQL the database itself refuses UPDATE and DELETE on the audit trail.

TRUNCATE stays possible for the database owner (test flushes use it); in
production the application's role should not own the table (see README)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION iop_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS iop_auditentry_append_only ON iop_auditentry;
CREATE TRIGGER iop_auditentry_append_only
    BEFORE UPDATE OR DELETE ON iop_auditentry
    FOR EACH ROW EXECUTE FUNCTION iop_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS iop_auditentry_append_only ON iop_auditentry;
DROP FUNCTION IF EXISTS iop_audit_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("iop", "0001_initial")]
    operations = [migrations.RunPython(create_trigger, drop_trigger)]
