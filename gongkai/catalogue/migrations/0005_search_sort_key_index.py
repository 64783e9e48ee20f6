"""The search index ordered by sort key (publication day, then id), with the filters inside the index.

SQLite: FTS5 rows keyed by sort key with title, body and filter-token columns. PostgreSQL: bigram vectors
without positions plus filter lexemes, and the normalised text that verifies candidates. The narrow search
entry now only maps an item to its sort key. The index is rebuilt from the published items.
"""

from django.db import migrations, models


def rebuild(apps, schema_editor):
    from gongkai.catalogue import search
    from gongkai.catalogue.search import searchable_rows

    search.drop_schema(schema_editor)
    search.create_schema(schema_editor)
    Item = apps.get_model("catalogue", "Item")
    pks = list(Item.objects.filter(status="published").order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), 2000):
        search.index_write(searchable_rows(pks[start : start + 2000]), replace=False)


def back(apps, schema_editor):
    raise RuntimeError("the old search index cannot be restored; rebuild it with catalogue_reindex")


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0004_item_document_type_index")]

    operations = [
        migrations.DeleteModel(name="SearchEntry"),
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                (
                    "item",
                    models.OneToOneField(
                        on_delete=models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="catalogue.item",
                    ),
                ),
                ("sort_key", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(rebuild, back),
    ]
