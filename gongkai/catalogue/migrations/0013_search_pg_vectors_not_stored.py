"""PostgreSQL: the search index stops storing its vectors. Each row held its bigrams twice, as a tsvector
(2.4 KB a row, out of line and uncompressed, since such a list of distinct bigrams does not compress) and in
the GIN index built from it; now GIN indexes the expression `catalogue_search_lexemes(text, facets)`, an SQL
function that computes the vector from the stored runs of letters and digits. The rows keep the runs of the
title and of the title and text (the text is no longer kept with its punctuation) and the filter lexemes, in a
column of their own. Each run's last character becomes a lexeme too, so a single character is found as a
prefix. The index is rebuilt from the published items into a table made anew, indexed after it is filled.
SQLite is unchanged here (see 0012).

Frozen: the SQL and the functions below are copies of the search code as it stood, so a later change to that
code never changes this migration.
"""

import datetime as dt
import re
import unicodedata

from django.db import migrations
from django.utils import timezone

LEXEMES_FUNCTION = """CREATE OR REPLACE FUNCTION catalogue_search_lexemes(runs text, facets text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
SELECT array_to_tsvector(ARRAY(
    SELECT substr(r, i, 2) FROM string_to_table(runs, ' ') AS r, generate_series(1, char_length(r) - 1) AS i
    UNION ALL SELECT right(r, 1) FROM string_to_table(runs, ' ') AS r WHERE r <> ''
    UNION ALL SELECT '~' || substr(m[1], i, n)
        FROM regexp_matches(runs, '[0-9a-z]{3,}', 'g') AS m, (VALUES (3), (4)) AS v (n),
        generate_series(1, char_length(m[1]) - n + 1) AS i
    UNION ALL SELECT f FROM string_to_table(facets, ' ') AS f WHERE f <> ''
))
$$"""
CREATE_TABLE = [
    "CREATE TABLE catalogue_search (item_id bigint PRIMARY KEY, sort_key bigint NOT NULL, facets text NOT NULL,"
    " title text NOT NULL, body text NOT NULL)",
    "ALTER TABLE catalogue_search ALTER COLUMN title SET STORAGE MAIN",
    "ALTER TABLE catalogue_search ALTER COLUMN body SET STORAGE MAIN",
    """DO $$ BEGIN
        IF (SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression') THEN
            ALTER TABLE catalogue_search ALTER COLUMN body SET COMPRESSION lz4;
        END IF;
    END $$""",
]
CREATE_INDEXES = [
    "CREATE INDEX catalogue_search_vec ON catalogue_search USING gin (catalogue_search_lexemes(body, facets))",
    "CREATE INDEX catalogue_search_tvec ON catalogue_search USING gin (catalogue_search_lexemes(title, facets))",
    "CREATE INDEX catalogue_search_key ON catalogue_search (sort_key)",
]
_WIDE = tuple((c, unicodedata.normalize("NFKC", c)) for c in "，；：（）！？％\u3000")
_RUN = re.compile(r"[^\W_]+")


def normalise(text):
    text = text or ""
    for wide, narrow in _WIDE:
        text = text.replace(wide, narrow)
    return unicodedata.normalize("NFKC", text).lower()


def runs(text):
    return " ".join(_RUN.findall(normalise(text)))


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
    for item_id, text in (
        Attachment.objects.filter(item_id__in=pks).order_by("pk").values_list("item_id", "extracted_text")
    ):
        attachments.setdefault(item_id, []).append(text)
    rows = Item.objects.filter(pk__in=pks).values_list(
        "pk", "title", "summary", "body_text", "document_number", "keywords",
        "agency_id", "category_id", "published_at", "document_type", "validity",
    )  # fmt: skip
    return [
        (pk, title, "\n".join(t for t in (summary, body, number, keywords, *attachments.get(pk, [])) if t), meta)
        for pk, title, summary, body, number, keywords, *meta in rows
    ]


def time_tokens(key):
    day = dt.date.fromordinal(key >> 32)
    return [f"yr{day.year}", f"mo{day:%Y%m}", f"dy{day:%Y%m%d}"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    schema_editor.execute("DELETE FROM catalogue_searchentry")
    schema_editor.execute("DROP TABLE IF EXISTS catalogue_search")
    schema_editor.execute(LEXEMES_FUNCTION)
    for sql in CREATE_TABLE:
        schema_editor.execute(sql)
    Item = apps.get_model("catalogue", "Item")
    pks = list(Item.objects.filter(status="published").order_by("pk").values_list("pk", flat=True))
    with schema_editor.connection.cursor() as cursor:
        for start in range(0, len(pks), 2000):
            rows = []
            for pk, title, text, (agency_id, category_id, published_at, document_type, validity) in searchable_rows(
                apps, pks[start : start + 2000]
            ):
                key = sort_key(published_at, pk)
                facets = " ".join([facet_tokens(agency_id, category_id, document_type, validity), *time_tokens(key)])
                title_runs = runs(title)
                rows.append((pk, key, facets, title_runs, f"{title_runs} {runs(text)}".strip()))
            cursor.executemany(
                "INSERT INTO catalogue_searchentry (item_id, sort_key) VALUES (%s, %s)", [r[:2] for r in rows]
            )
            cursor.executemany(
                "INSERT INTO catalogue_search (item_id, sort_key, facets, title, body) VALUES (%s, %s, %s, %s, %s)",
                rows,
            )
    for sql in CREATE_INDEXES:
        schema_editor.execute(sql)
    schema_editor.execute("ANALYZE catalogue_search")


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0012_search_sqlite_contentless")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
