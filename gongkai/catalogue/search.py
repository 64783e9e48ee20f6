"""The character-bigram full-text index of published items, on SQLite (FTS5) and PostgreSQL (tsvector + GIN).

Why bigrams: the portal promises that any query of two or more characters finds every item containing it,
which word segmentation cannot promise (a query may cut across the segmenter's words). Each item's title and
plain-text body are normalised (NFKC, lower case) and cut into overlapping pairs of letters or digits; a run
of other characters (punctuation, spaces) is a break, so a phrase never matches across it. A query becomes the
bigrams of each of its letter/digit runs, each run a phrase (all bigrams, adjacent, in order), the runs ANDed.

- SQLite: an FTS5 table `catalogue_search(text)` whose rowid is the item id; the tokens are the space-separated
  bigrams with the 1-character token "0" marking a break (no bigram is one character long, so a phrase
  cannot span it); FTS5 phrase queries do the rest.
- PostgreSQL: a table `catalogue_search(item_id, chunk, vec tsvector)` with a GIN index; the vector is written
  as a tsvector literal (positions explicit, a break skips a position) so no text-search parser or locale is
  involved; queries are `'ab' <-> 'bc'` tsquery literals. tsvector positions stop at 16383, so long texts
  are cut into chunks of CHUNK_BIGRAMS overlapping by MAX_QUERY_CHARS.

Only this module knows the backends apart; the index is written by services in the transaction that changes
the item (never by signals).
"""

import unicodedata
from collections.abc import Iterable

from django.db import connection

MAX_QUERY_CHARS = 64
CHUNK_BIGRAMS = 16000
BREAK = "0"


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def runs(text: str) -> list[str]:
    """The maximal runs of letters and digits in normalised text."""
    out: list[str] = []
    current: list[str] = []
    for ch in normalise(text):
        if ch.isalnum():
            current.append(ch)
        elif current:
            out.append("".join(current))
            current = []
    if current:
        out.append("".join(current))
    return out


def bigram_runs(text: str) -> list[list[str]]:
    """Per run of two or more characters, its bigrams."""
    return [[run[i : i + 2] for i in range(len(run) - 1)] for run in runs(text) if len(run) >= 2]


def document_tokens(title: str, body: str) -> list[list[str]]:
    return bigram_runs(title) + bigram_runs(body)


def query_phrases(query: str) -> list[list[str]]:
    """The phrases a query becomes; empty when it has no run of two or more letters or digits."""
    return bigram_runs(query[:MAX_QUERY_CHARS])


# --- schema (called from the migration) ---


def create_schema(schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("CREATE VIRTUAL TABLE catalogue_search USING fts5(text, tokenize='unicode61')")
    else:
        schema_editor.execute(
            "CREATE TABLE catalogue_search (item_id bigint NOT NULL, chunk integer NOT NULL, vec tsvector NOT NULL,"
            " PRIMARY KEY (item_id, chunk))"
        )
        schema_editor.execute("CREATE INDEX catalogue_search_vec ON catalogue_search USING gin (vec)")


def drop_schema(schema_editor) -> None:
    schema_editor.execute("DROP TABLE IF EXISTS catalogue_search")


# --- writing ---


def _sqlite_text(phrases: list[list[str]]) -> str:
    return f" {BREAK} ".join(" ".join(p) for p in phrases)


def _pg_chunks(phrases: list[list[str]]) -> list[str]:
    """tsvector literals of at most CHUNK_BIGRAMS positions each, overlapping so no phrase is lost at a cut."""
    positioned: list[tuple[int, str]] = []
    position = 0
    for phrase in phrases:
        for gram in phrase:
            position += 1
            positioned.append((position, gram))
        position += 1  # a break: the next run does not follow this one
    chunks = []
    start = 0
    while True:
        part = positioned[start : start + CHUNK_BIGRAMS]
        if not part and chunks:
            break
        base = part[0][0] - 1 if part else 0
        lexemes: dict[str, list[int]] = {}
        for pos, gram in part:
            lexemes.setdefault(gram, []).append(pos - base)
        chunks.append(" ".join(f"'{gram}':{','.join(map(str, sorted(p)))}" for gram, p in lexemes.items()))
        if start + CHUNK_BIGRAMS >= len(positioned):
            break
        start += CHUNK_BIGRAMS - MAX_QUERY_CHARS
    return chunks


def index_remove(item_ids: Iterable[int]) -> None:
    ids = list(item_ids)
    if not ids:
        return
    column = "rowid" if connection.vendor == "sqlite" else "item_id"
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            cursor.execute(
                f"DELETE FROM catalogue_search WHERE {column} IN ({', '.join(['%s'] * len(part))})",  # noqa: S608
                part,
            )


def index_clear() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM catalogue_search")


def index_write(rows: Iterable[tuple[int, str, str]], *, replace: bool = True) -> int:
    """(item id, title, plain body) rows into the index; `replace` removes their old entries first."""
    rows = list(rows)
    if replace:
        index_remove(r[0] for r in rows)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany(
                "INSERT INTO catalogue_search(rowid, text) VALUES (%s, %s)",
                [(pk, _sqlite_text(document_tokens(title, body))) for pk, title, body in rows],
            )
        else:
            params = [
                (pk, n, vec)
                for pk, title, body in rows
                for n, vec in enumerate(_pg_chunks(document_tokens(title, body)))
            ]
            cursor.executemany(
                "INSERT INTO catalogue_search (item_id, chunk, vec) VALUES (%s, %s, %s::tsvector)", params
            )
    return len(rows)


# --- reading ---


def match_subquery(phrases: list[list[str]]) -> tuple[str, list[str]]:
    """SQL selecting the ids of indexed items matching every phrase, and its parameters."""
    if connection.vendor == "sqlite":
        expression = " AND ".join('"' + " ".join(p) + '"' for p in phrases)
        return "SELECT rowid FROM catalogue_search WHERE catalogue_search MATCH %s", [expression]
    expression = " & ".join("(" + " <-> ".join(f"'{g}'" for g in p) + ")" for p in phrases)
    return "SELECT item_id FROM catalogue_search WHERE vec @@ %s::tsquery", [expression]


def index_count() -> int:
    column = "rowid" if connection.vendor == "sqlite" else "DISTINCT item_id"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT({column}) FROM catalogue_search")  # noqa: S608
        return cursor.fetchone()[0]
