"""The index's tables, as the catalogue's migrations (0002, 0005 to 0007, 0012) created them, each carrying its own
copy of this SQL (a migration never imports live code). Kept here as the one description of the current
schema: the tests check that a migrated database has exactly this schema (`test_migrations.py`).

- SQLite: contentless FTS5 tables `catalogue_search(title, body, facets)` and
  `catalogue_search_title(title, facets)`, whose rowid is the sort key, with the `ascii` tokenizer (the
  columns are written as space-separated bigrams, which are indexed but not kept: the items hold the text).
  Column sizes are kept (a few bytes a row) so that bm25() never needs the text. FTS5 deletes a row of a
  contentless table by the values it was written with, so `catalogue_search_rows(rowid, facets, text)` keeps
  each row's filter tokens and its text as runs of letters and digits, zlib-compressed (a fifth to a third of
  the bigram strings FTS5 used to keep).
- PostgreSQL: `catalogue_search(item_id, sort_key, title, body, vec, tvec)` with GIN indexes on the vectors.
"""

SQLITE_TABLES = ("catalogue_search", "catalogue_search_title")
SQLITE_AUTOMERGE = 8


def create_schema(schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE catalogue_search USING fts5(title, body, facets, tokenize='ascii', content='')"
        )
        schema_editor.execute(
            "CREATE VIRTUAL TABLE catalogue_search_title USING fts5(title, facets, tokenize='ascii', content='')"
        )
        schema_editor.execute(
            "CREATE TABLE catalogue_search_rows (rowid INTEGER PRIMARY KEY, facets TEXT NOT NULL, text BLOB NOT NULL)"
        )
        sqlite_tune(schema_editor)
    else:
        _pg_create_table(schema_editor, "catalogue_search")
        _pg_create_indexes(schema_editor)


def sqlite_tune(schema_editor) -> None:
    """SQLite: let FTS5 gather eight segments of a level before merging them (its default is four). An import
    into a catalogue of a million items then spends about 15 % less time merging, while a query reads a few
    more segments, which did not change the measured search times (docs/benchmarks.md)."""
    for table in SQLITE_TABLES:
        schema_editor.execute(f"INSERT INTO {table}({table}, rank) VALUES ('automerge', {SQLITE_AUTOMERGE})")  # noqa: S608 - constants


def _pg_create_table(schema_editor, name: str) -> None:
    """vec/tvec: bigrams without positions plus filter lexemes, read only through their GIN indexes (never
    rechecked), so kept out of line. title and body: the normalised title, and title and text, that verify
    candidates, kept in the row (compressed, with lz4 where the server has it): the scan that fetches a
    candidate's sort key then checks its text on the same page, where an out-of-line value cost an index
    descent and another page read each. (PostgreSQL would otherwise move the title out of line too, once the
    vectors are out and the row is still over its 2 KB target.)"""
    schema_editor.execute(
        f"CREATE TABLE {name} (item_id bigint PRIMARY KEY, sort_key bigint NOT NULL,"
        " title text NOT NULL, body text NOT NULL, vec tsvector NOT NULL, tvec tsvector NOT NULL)"
    )
    for column in ("vec", "tvec"):
        schema_editor.execute(f"ALTER TABLE {name} ALTER COLUMN {column} SET STORAGE EXTERNAL")
    for column in ("title", "body"):  # MAIN: never moved out of line while the row fits in a page
        schema_editor.execute(f"ALTER TABLE {name} ALTER COLUMN {column} SET STORAGE MAIN")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
        row = cursor.fetchone()
    if row and row[0]:
        schema_editor.execute(f"ALTER TABLE {name} ALTER COLUMN body SET COMPRESSION lz4")


def _pg_create_indexes(schema_editor) -> None:
    schema_editor.execute("CREATE INDEX catalogue_search_vec ON catalogue_search USING gin (vec)")
    schema_editor.execute("CREATE INDEX catalogue_search_tvec ON catalogue_search USING gin (tvec)")
    schema_editor.execute("CREATE INDEX catalogue_search_key ON catalogue_search (sort_key)")


def drop_schema(schema_editor) -> None:
    schema_editor.execute("DROP TABLE IF EXISTS catalogue_search")
    schema_editor.execute("DROP TABLE IF EXISTS catalogue_search_title")
    schema_editor.execute("DROP TABLE IF EXISTS catalogue_search_rows")
