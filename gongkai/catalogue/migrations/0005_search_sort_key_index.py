"""The search index ordered by sort key (publication day, then id), with the filters inside the index.

SQLite: FTS5 rows keyed by sort key with title, body and filter-token columns. PostgreSQL: bigram vectors
without positions plus filter lexemes, and the normalised text that verifies candidates. The narrow search
entry now only maps an item to its sort key.

Frozen: the schema and the index rows are written by the SQL and the functions below, copies of the search
code (gongkai/catalogue/search/) as it stood, so a later change to that code never changes this migration.
On SQLite the index is rebuilt here from the published items; on PostgreSQL the table is made empty and
migration 0006, which always follows, rebuilds it.
"""

import datetime as dt
import re
import unicodedata

from django.db import migrations, models
from django.utils import timezone

SQLITE = [
    "CREATE VIRTUAL TABLE catalogue_search USING fts5(title, body, facets, tokenize='ascii', columnsize=0)",
    "CREATE VIRTUAL TABLE catalogue_search_title USING fts5(title, facets, tokenize='ascii', columnsize=0)",
    "INSERT INTO catalogue_search(catalogue_search, rank) VALUES ('automerge', 8)",
    "INSERT INTO catalogue_search_title(catalogue_search_title, rank) VALUES ('automerge', 8)",
]
POSTGRESQL = [
    "CREATE TABLE catalogue_search (item_id bigint PRIMARY KEY, sort_key bigint NOT NULL,"
    " title text NOT NULL, body text NOT NULL, vec tsvector NOT NULL, tvec tsvector NOT NULL)",
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

_WIDE = tuple((c, unicodedata.normalize("NFKC", c)) for c in "，；：（）！？％\u3000")
_BREAK = re.compile(r"[\W_]+")


def normalise(text):
    text = text or ""
    for wide, narrow in _WIDE:
        text = text.replace(wide, narrow)
    return unicodedata.normalize("NFKC", text).lower()


def bigram_string(text):
    """Every adjacent pair of characters, each followed by a space, after breaks became spaces."""
    text = _BREAK.sub(" ", normalise(text))
    return "".join(text[i : i + 2] + " " for i in range(len(text) - 1))


def token(value):
    return re.sub(r"[^0-9a-z]", "", str(value).lower())


def facet_tokens(agency_id, category_id, document_type, validity):
    tokens = [f"ag{agency_id}", f"dt{token(document_type)}", f"vl{token(validity)}"]
    if category_id is not None:
        tokens.append(f"ct{category_id}")
    return " ".join(tokens)


def sort_key(published_at, item_id):
    """The publication day (local time) in the high 32 bits, the item id in the low 32."""
    if isinstance(published_at, dt.datetime):
        day = timezone.localdate(published_at) if timezone.is_aware(published_at) else published_at.date()
    else:
        day = published_at
    return (day.toordinal() << 32) | (item_id & 0xFFFFFFFF)


def searchable_rows(apps, pks):
    """(id, title, text, meta) of items: text is summary, body, document number, keywords, attachments."""
    Item = apps.get_model("catalogue", "Item")
    Attachment = apps.get_model("catalogue", "Attachment")
    attachments = {}
    for item_id, text in Attachment.objects.filter(item_id__in=pks).values_list("item_id", "extracted_text"):
        attachments.setdefault(item_id, []).append(text)
    rows = Item.objects.filter(pk__in=pks).values_list(
        "pk", "title", "summary", "body_text", "document_number", "keywords",
        "agency_id", "category_id", "published_at", "document_type", "validity",
    )  # fmt: skip
    return [
        (pk, title, "\n".join(t for t in (summary, body, number, keywords, *attachments.get(pk, [])) if t), meta)
        for pk, title, summary, body, number, keywords, *meta in rows
    ]


def rebuild(apps, schema_editor):
    sqlite = schema_editor.connection.vendor == "sqlite"
    for sql in DROP + (SQLITE if sqlite else POSTGRESQL):
        schema_editor.execute(sql)
    if not sqlite:
        return  # 0006 rebuilds PostgreSQL's index
    Item = apps.get_model("catalogue", "Item")
    pks = list(Item.objects.filter(status="published").order_by("pk").values_list("pk", flat=True))
    with schema_editor.connection.cursor() as cursor:
        for start in range(0, len(pks), 2000):
            rows = []
            for pk, title, text, (agency_id, category_id, published_at, document_type, validity) in searchable_rows(
                apps, pks[start : start + 2000]
            ):
                facets = facet_tokens(agency_id, category_id, document_type, validity)
                rows.append((pk, sort_key(published_at, pk), bigram_string(title), bigram_string(text), facets))
            cursor.executemany(
                "INSERT INTO catalogue_searchentry (item_id, sort_key) VALUES (%s, %s)", [r[:2] for r in rows]
            )
            cursor.executemany(
                "INSERT INTO catalogue_search(rowid, title, body, facets) VALUES (%s, %s, %s, %s)",
                [r[1:] for r in rows],
            )
            cursor.executemany(
                "INSERT INTO catalogue_search_title(rowid, title, facets) VALUES (%s, %s, %s)",
                [(key, title, facets) for _pk, key, title, _body, facets in rows],
            )


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
