"""The governance audit log refuses UPDATE and DELETE at the database (PostgreSQL)."""

from django.db import migrations

CREATE = """
CREATE FUNCTION governance_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'governance_auditentry is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER governance_audit_append_only
    BEFORE UPDATE OR DELETE ON governance_auditentry
    FOR EACH ROW EXECUTE FUNCTION governance_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS governance_audit_append_only ON governance_auditentry;
DROP FUNCTION IF EXISTS governance_audit_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
