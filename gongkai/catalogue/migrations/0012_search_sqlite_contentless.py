"""SQLite: the search index's FTS5 tables become contentless (`content=''`): FTS5 kept a copy of every bigram
string it indexed (1,642 MB of 2,384 MB at 200,000 items), which no search reads. A contentless row is deleted
by handing FTS5 the values it was written with, so a plain table `catalogue_search_rows` keeps each row's
filter tokens and its text as runs of letters and digits, zlib-compressed (a fifth to a third of the bigram
strings). Column sizes are kept (a few bytes a row) so that bm25() never re-reads text. The text is written in
a canonical form (`index_string`: the runs joined by single breaks, with one after the last), so a run's last
character is a token of its own. The index is rebuilt from the published items. PostgreSQL is unchanged.

Frozen: the SQL and the functions below are copies of the search code as it stood, so a later change to that
code never changes this migration.
"""

import datetime as dt
import zlib
import re
import unicodedata

from django.db import migrations
from django.utils import timezone

TABLES = {
    "catalogue_search": "CREATE VIRTUAL TABLE catalogue_search USING fts5(title, body, facets, tokenize='ascii',"
    " content='')",
    "catalogue_search_title": "CREATE VIRTUAL TABLE catalogue_search_title USING fts5(title, facets,"
    " tokenize='ascii', content='')",
}
_WIDE = tuple((c, unicodedata.normalize("NFKC", c)) for c in "，；：（）！？％\u3000")
_RUN = re.compile(r"[^\W_]+")


def normalise(text):
    text = text or ""
    for wide, narrow in _WIDE:
        text = text.replace(wide, narrow)
    return unicodedata.normalize("NFKC", text).lower()


def index_string(text):
    """The bigrams of each run of letters and digits and the run's last character, space-separated."""
    joined = runs(text)
    if not joined:
        return ""
    joined += " "
    return "".join(joined[i : i + 2] + " " for i in range(len(joined) - 1))


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


def rebuild(apps, schema_editor):
    """SQLite: the tables made anew, contentless, and filled from the published items (`catalogue_reindex`
    does the same later, with the live code)."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for table, create in TABLES.items():
        schema_editor.execute(f"DROP TABLE IF EXISTS {table}")
        schema_editor.execute(create)
        schema_editor.execute(f"INSERT INTO {table}({table}, rank) VALUES ('automerge', 8)")  # noqa: S608 - constants
    schema_editor.execute("DROP TABLE IF EXISTS catalogue_search_rows")
    schema_editor.execute(
        "CREATE TABLE catalogue_search_rows (rowid INTEGER PRIMARY KEY, facets TEXT NOT NULL, text BLOB NOT NULL)"
    )
    schema_editor.execute("DELETE FROM catalogue_searchentry")
    Item = apps.get_model("catalogue", "Item")
    pks = list(Item.objects.filter(status="published").order_by("pk").values_list("pk", flat=True))
    with schema_editor.connection.cursor() as cursor:
        for start in range(0, len(pks), 2000):
            rows = []
            for pk, title, text, (agency_id, category_id, published_at, document_type, validity) in searchable_rows(
                apps, pks[start : start + 2000]
            ):
                title, text = runs(title), runs(text)
                packed = zlib.compress(f"{title}\x00{text}".encode(), 6)
                facets = facet_tokens(agency_id, category_id, document_type, validity)
                rows.append((pk, sort_key(published_at, pk), index_string(title), index_string(text), facets, packed))
            cursor.executemany(
                "INSERT INTO catalogue_searchentry (item_id, sort_key) VALUES (%s, %s)", [r[:2] for r in rows]
            )
            cursor.executemany(
                "INSERT INTO catalogue_search_rows (rowid, facets, text) VALUES (%s, %s, %s)",
                [(key, facets, packed) for _pk, key, _t, _b, facets, packed in rows],
            )
            cursor.executemany(
                "INSERT INTO catalogue_search (rowid, title, body, facets) VALUES (%s, %s, %s, %s)",
                [(key, title, body, facets) for _pk, key, title, body, facets, _v in rows],
            )
            cursor.executemany(
                "INSERT INTO catalogue_search_title (rowid, title, facets) VALUES (%s, %s, %s)",
                [(key, title, facets) for _pk, key, title, _b, facets, _v in rows],
            )


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0011_item_withdrawn_by_rescan")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
