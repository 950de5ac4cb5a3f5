"""The governance audit log stays append-only, with one exception: blanking the e-mail address
of a person who was erased (privacy.services.account_erase). Nothing else may change."""

from django.db import migrations

REPLACE = """
CREATE OR REPLACE FUNCTION governance_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.actor_email = ''
       AND (to_jsonb(NEW) - 'actor_email') = (to_jsonb(OLD) - 'actor_email') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'governance_auditentry is append-only';
END;
$$ LANGUAGE plpgsql;
"""

STRICT = """
CREATE OR REPLACE FUNCTION governance_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'governance_auditentry is append-only';
END;
$$ LANGUAGE plpgsql;
"""


def replace(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REPLACE)


def strict(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(STRICT)


class Migration(migrations.Migration):
    dependencies = [("governance", "0002_audit_append_only")]

    operations = [migrations.RunPython(replace, strict)]
