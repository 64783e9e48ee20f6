"""The full-text search table (FTS5 on SQLite, tsvector + GIN on PostgreSQL) and the shipped typo list."""

from pathlib import Path

from django.db import migrations

STARTER_TYPOS = Path(__file__).resolve().parent.parent / "data" / "typos.tsv"


def create_search_table(apps, schema_editor):
    from gongkai.catalogue.search import create_schema

    create_schema(schema_editor)


def drop_search_table(apps, schema_editor):
    from gongkai.catalogue.search import drop_schema

    drop_schema(schema_editor)


def load_starter_typos(apps, schema_editor):
    WordListEntry = apps.get_model("catalogue", "WordListEntry")
    for line in STARTER_TYPOS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        wrong, right = line.split("\t")
        WordListEntry.objects.get_or_create(agency=None, kind="typo", word=wrong, defaults={"suggestion": right})


def remove_starter_typos(apps, schema_editor):
    apps.get_model("catalogue", "WordListEntry").objects.filter(agency=None, kind="typo").delete()


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_catalogue_items_review_checks")]

    operations = [
        migrations.RunPython(create_search_table, drop_search_table),
        migrations.RunPython(load_starter_typos, remove_starter_typos),
    ]
