"""PostgreSQL: the search index keeps each item's normalised title and text in its row (compressed) instead of
out of line, so checking a candidate costs no extra reads, and holds four-grams of ASCII runs as well as
trigrams, so a year or other four-digit number is one exact lexeme (see search.py). The index is rebuilt from
the published items. SQLite is unchanged."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from gongkai.catalogue import search
    from gongkai.catalogue.search import searchable_rows

    Item = apps.get_model("catalogue", "Item")
    pks = list(Item.objects.filter(status="published").order_by("pk").values_list("pk", flat=True))
    search.schema.pg_rebuild(schema_editor, pks, searchable_rows)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0005_search_sort_key_index")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
