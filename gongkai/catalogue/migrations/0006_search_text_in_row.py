"""PostgreSQL: the search index keeps each item's normalised title and text in its row (compressed) instead of
out of line, so checking a candidate costs no extra reads, and holds four-grams of ASCII runs as well as
trigrams, so a year or other four-digit number is one exact lexeme (see gongkai/catalogue/search/postgres.py).
The index is rebuilt from the published items, into a table made anew and indexed after it is filled, which is
much faster than a GIN insertion per row. SQLite is unchanged.

Frozen: the SQL and the functions below are copies of the search code as it stood, so a later change to that
code never changes this migration.
"""

import datetime as dt
import re
import unicodedata

from django.db import migrations
from django.utils import timezone

CREATE_TABLE = [
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
ASCII_RUN = re.compile(r"[0-9a-z]{3,}")
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


def time_tokens(key):
    day = dt.date.fromordinal(key >> 32)
    return [f"yr{day.year}", f"mo{day:%Y%m}", f"dy{day:%Y%m%d}"]


def ascii_grams(*texts):
    """The trigrams and four-grams of runs of ASCII letters and digits, as `~abc` and `~abcd` lexemes."""
    out = set()
    for text in texts:
        for run in ASCII_RUN.findall(text):
            out.update("~" + run[i : i + 3] for i in range(len(run) - 2))
            out.update("~" + run[i : i + 4] for i in range(len(run) - 3))
    return out


def vector_literal(grams, facets, ascii_lexemes=frozenset()):
    """A tsvector literal of the distinct bigrams of a bigram string, the filter and the ASCII lexemes."""
    lexemes = {t for t in set(grams.split()) if len(t) == 2}
    lexemes.update(facets.split())
    lexemes.update(ascii_lexemes)
    return "'" + "' '".join(lexemes) + "'"


def index_row(pk, title, text, meta):
    agency_id, category_id, published_at, document_type, validity = meta
    key = sort_key(published_at, pk)
    facets = " ".join([facet_tokens(agency_id, category_id, document_type, validity), *time_tokens(key)])
    title_grams, body_grams = bigram_string(title), bigram_string(text)
    title_text, body_text = normalise(title), normalise(text)
    return (
        pk,
        key,
        title_text,
        title_text + "\n" + body_text,
        vector_literal(title_grams + " " + body_grams, facets, ascii_grams(body_text, title_text)),
        vector_literal(title_grams, facets, ascii_grams(title_text)),
    )


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    schema_editor.execute("DELETE FROM catalogue_searchentry")
    schema_editor.execute("DROP TABLE IF EXISTS catalogue_search")
    indexes = [sql for sql in CREATE_TABLE if sql.startswith("CREATE INDEX")]
    for sql in CREATE_TABLE:
        if sql not in indexes:
            schema_editor.execute(sql)
    Item = apps.get_model("catalogue", "Item")
    pks = list(Item.objects.filter(status="published").order_by("pk").values_list("pk", flat=True))
    with schema_editor.connection.cursor() as cursor:
        for start in range(0, len(pks), 2000):
            rows = [index_row(*row) for row in searchable_rows(apps, pks[start : start + 2000])]
            cursor.executemany(
                "INSERT INTO catalogue_searchentry (item_id, sort_key) VALUES (%s, %s)", [r[:2] for r in rows]
            )
            cursor.executemany(
                "INSERT INTO catalogue_search (item_id, sort_key, title, body, vec, tvec)"
                " VALUES (%s, %s, %s, %s, %s::tsvector, %s::tsvector)",
                rows,
            )
    for sql in indexes:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0005_search_sort_key_index")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
