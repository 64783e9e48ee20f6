"""The index's tables, as the catalogue's migrations (0002, 0005 to 0007, 0012, 0013) created them, each carrying its own
copy of this SQL (a migration never imports live code). Kept here as the one description of the current
schema: the tests check that a migrated database has exactly this schema (`test_migrations.py`).

- SQLite: contentless FTS5 tables `catalogue_search(title, body, facets)` and
  `catalogue_search_title(title, facets)`, whose rowid is the sort key, with the `ascii` tokenizer (the
  columns are written as space-separated bigrams, which are indexed but not kept: the items hold the text).
  Column sizes are kept (a few bytes a row) so that bm25() never needs the text. FTS5 deletes a row of a
  contentless table by the values it was written with, so `catalogue_search_rows(rowid, facets, text)` keeps
  each row's filter tokens and its text as runs of letters and digits, zlib-compressed (a fifth to a third of
  the bigram strings FTS5 used to keep).
- PostgreSQL: `catalogue_search(item_id, sort_key, facets, title, body)` with GIN indexes on the vectors that
  the function `catalogue_search_lexemes` computes from the text (not stored since 0013).
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


# PostgreSQL: the vector of a text of runs (space-separated) and its filter lexemes, for the GIN indexes.
PG_LEXEMES_FUNCTION = """CREATE OR REPLACE FUNCTION catalogue_search_lexemes(runs text, facets text) RETURNS tsvector
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


def _pg_create_table(schema_editor, name: str) -> None:
    """No stored vectors: GIN indexes their expression (`PG_LEXEMES_FUNCTION`), which array_to_tsvector
    deduplicates. title and body: the runs of the title, and of the title and text, that verify candidates,
    kept in the row (compressed, with lz4 where the server has it): the scan that fetches a candidate's sort
    key then checks its text on the same page, where an out-of-line value cost an index descent and another
    page read each."""
    schema_editor.execute(PG_LEXEMES_FUNCTION)
    schema_editor.execute(
        f"CREATE TABLE {name} (item_id bigint PRIMARY KEY, sort_key bigint NOT NULL, facets text NOT NULL,"
        " title text NOT NULL, body text NOT NULL)"
    )
    for column in ("title", "body"):  # MAIN: never moved out of line while the row fits in a page
        schema_editor.execute(f"ALTER TABLE {name} ALTER COLUMN {column} SET STORAGE MAIN")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
        row = cursor.fetchone()
    if row and row[0]:
        schema_editor.execute(f"ALTER TABLE {name} ALTER COLUMN body SET COMPRESSION lz4")


def _pg_create_indexes(schema_editor) -> None:
    schema_editor.execute(
        "CREATE INDEX catalogue_search_vec ON catalogue_search USING gin (catalogue_search_lexemes(body, facets))"
    )
    schema_editor.execute(
        "CREATE INDEX catalogue_search_tvec ON catalogue_search USING gin (catalogue_search_lexemes(title, facets))"
    )
    schema_editor.execute("CREATE INDEX catalogue_search_key ON catalogue_search (sort_key)")


def drop_schema(schema_editor) -> None:
    schema_editor.execute("DROP TABLE IF EXISTS catalogue_search")
    schema_editor.execute("DROP TABLE IF EXISTS catalogue_search_title")
    schema_editor.execute("DROP TABLE IF EXISTS catalogue_search_rows")
