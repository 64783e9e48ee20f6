"""The full-text search table (FTS5 on SQLite, tsvector + GIN on PostgreSQL) and the shipped typo list.

Frozen: the SQL is written out here, as the catalogue's search schema (gongkai/catalogue/search/schema.py) was
when the later search migrations had run, so a change to that code never changes what this migration does.
"""

from pathlib import Path

from django.db import migrations

STARTER_TYPOS = Path(__file__).resolve().parent.parent / "data" / "typos.tsv"

SQLITE = [
    "CREATE VIRTUAL TABLE catalogue_search USING fts5(title, body, facets, tokenize='ascii', columnsize=0)",
    "CREATE VIRTUAL TABLE catalogue_search_title USING fts5(title, facets, tokenize='ascii', columnsize=0)",
    # FTS5 merges eight segments of a level at a time instead of four (see migration 0007).
    "INSERT INTO catalogue_search(catalogue_search, rank) VALUES ('automerge', 8)",
    "INSERT INTO catalogue_search_title(catalogue_search_title, rank) VALUES ('automerge', 8)",
]
POSTGRESQL = [
    "CREATE TABLE catalogue_search (item_id bigint PRIMARY KEY, sort_key bigint NOT NULL,"
    " title text NOT NULL, body text NOT NULL, vec tsvector NOT NULL, tvec tsvector NOT NULL)",
    # The vectors are read only through their GIN indexes, so kept out of line; the text that verifies
    # candidates is kept in the row (compressed), where the scan reads it anyway.
    "ALTER TABLE catalogue_search ALTER COLUMN vec SET STORAGE EXTERNAL",
    "ALTER TABLE catalogue_search ALTER COLUMN tvec SET STORAGE EXTERNAL",
    "ALTER TABLE catalogue_search ALTER COLUMN title SET STORAGE MAIN",
    "ALTER TABLE catalogue_search ALTER COLUMN body SET STORAGE MAIN",
    """DO $$ BEGIN
        IF (SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression') THEN
            ALTER TABLE catalogue_search ALTER COLUMN body SET COMPRESSION lz4;
        END IF;
    END $$""",
    "CREATE INDEX catalogue_search_vec ON catalogue_search USING gin (vec)",
    "CREATE INDEX catalogue_search_tvec ON catalogue_search USING gin (tvec)",
    "CREATE INDEX catalogue_search_key ON catalogue_search (sort_key)",
]
DROP = ["DROP TABLE IF EXISTS catalogue_search", "DROP TABLE IF EXISTS catalogue_search_title"]


def create_search_table(apps, schema_editor):
    for sql in SQLITE if schema_editor.connection.vendor == "sqlite" else POSTGRESQL:
        schema_editor.execute(sql)


def drop_search_table(apps, schema_editor):
    for sql in DROP:
        schema_editor.execute(sql)


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
