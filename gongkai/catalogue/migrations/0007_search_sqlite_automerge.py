"""SQLite: FTS5 merges the search index's segments eight at a time instead of four, for faster imports into a
large catalogue (see search.sqlite_tune). PostgreSQL is unchanged."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        from gongkai.catalogue import search

        search.schema.sqlite_tune(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0006_search_text_in_row")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
