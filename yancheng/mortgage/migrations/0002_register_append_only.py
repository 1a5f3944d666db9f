"""The register's journal is append-only in the database too (as the audit log is: core 0002)."""

from django.db import migrations

TABLE = "mortgage_registerentry"


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"""
            CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'register entries are append-only'; END;
            $$ LANGUAGE plpgsql;
            CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE}
                FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only();
        """)
    elif vendor == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            schema_editor.execute(f"""
                CREATE TRIGGER {TABLE}_no_{verb.lower()} BEFORE {verb} ON {TABLE}
                BEGIN SELECT RAISE(ABORT, 'register entries are append-only'); END;
            """)


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {TABLE}_append_only();")
    elif vendor == "sqlite":
        for verb in ("update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_{verb};")


class Migration(migrations.Migration):
    dependencies = [("mortgage", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
