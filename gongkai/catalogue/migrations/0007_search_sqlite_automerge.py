"""SQLite: FTS5 merges the search index's segments eight at a time instead of four, for faster imports into a
large catalogue (docs/benchmarks.md). PostgreSQL is unchanged. Frozen: the SQL is written out here."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for table in ("catalogue_search", "catalogue_search_title"):
            schema_editor.execute(f"INSERT INTO {table}({table}, rank) VALUES ('automerge', 8)")  # noqa: S608 - constants


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0006_search_text_in_row")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
