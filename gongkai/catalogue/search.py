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

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection

MAX_QUERY_CHARS = 64
CHUNK_BIGRAMS = 16000
BREAK = "0"


def normalise(text: str) -> str:
    text = text or ""
    if not unicodedata.is_normalized("NFKC", text):  # the check is much cheaper than normalising
        text = unicodedata.normalize("NFKC", text)
    return text.lower()


RUN_RE = re.compile(r"[^\W_]+")  # letters and digits of any script


def runs(text: str) -> list[str]:
    """The maximal runs of letters and digits in normalised text."""
    return RUN_RE.findall(normalise(text))


def bigram_runs(text: str) -> list[list[str]]:
    """Per run of two or more characters, its bigrams."""
    return [list(map(str.__add__, run, run[1:])) for run in runs(text) if len(run) >= 2]


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
    from gongkai.catalogue.models import SearchEntry

    ids = list(item_ids)
    if not ids:
        return
    for start in range(0, len(ids), 500):
        SearchEntry.objects.filter(item_id__in=ids[start : start + 500]).delete()
    column = "rowid" if connection.vendor == "sqlite" else "item_id"
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            cursor.execute(
                f"DELETE FROM catalogue_search WHERE {column} IN ({', '.join(['%s'] * len(part))})",  # noqa: S608
                part,
            )


def index_clear() -> None:
    from gongkai.catalogue.models import SearchEntry

    SearchEntry.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM catalogue_search")


def index_write(rows: Iterable[tuple[int, str, str]], *, replace: bool = True) -> int:
    """(item id, title, plain body) rows into the index; `replace` removes their old entries first."""
    from gongkai.catalogue.models import Item, SearchEntry

    rows = list(rows)
    if replace:
        index_remove(r[0] for r in rows)
    entries = []
    for start in range(0, len(rows), 500):
        meta = Item.objects.filter(pk__in=[r[0] for r in rows[start : start + 500]]).values_list(
            "pk", "agency_id", "category_id", "published_at", "document_type", "validity", "title"
        )
        entries += [
            SearchEntry(
                item_id=pk,
                agency_id_value=agency_id,
                category_id_value=category_id,
                published_at=published_at,
                document_type=document_type,
                validity=validity,
                title=title,
            )
            for pk, agency_id, category_id, published_at, document_type, validity, title in meta
        ]
    SearchEntry.objects.bulk_create(entries, batch_size=1000)
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


def index_set_validity(item_ids: Iterable[int], validity: str) -> None:
    from gongkai.catalogue.models import SearchEntry

    SearchEntry.objects.filter(item_id__in=list(item_ids)).update(validity=validity)


# --- reading ---


@dataclass(frozen=True)
class SearchFilters:
    agency_ids: list[int] | None = None  # None: every active agency
    excluded_agency_ids: list[int] = field(default_factory=list)  # inactive agencies
    category_ids: list[int] | None = None
    published_from: dt.datetime | None = None
    published_before: dt.datetime | None = None
    document_type: str | None = None
    validity: str | None = None


def _where(filters: SearchFilters) -> tuple[list[str], list]:
    clauses, params = [], []

    def within(column: str, values: list[int]) -> None:
        clauses.append(f"{column} IN ({', '.join(['%s'] * len(values))})" if values else "1 = 0")
        params.extend(values)

    if filters.agency_ids is not None:
        within("m.agency_id", filters.agency_ids)
    if filters.excluded_agency_ids:
        clauses.append(f"m.agency_id NOT IN ({', '.join(['%s'] * len(filters.excluded_agency_ids))})")
        params.extend(filters.excluded_agency_ids)
    if filters.category_ids is not None:
        within("m.category_id", filters.category_ids)
    if filters.published_from is not None:
        clauses.append("m.published_at >= %s")
        params.append(filters.published_from)
    if filters.published_before is not None:
        clauses.append("m.published_at < %s")
        params.append(filters.published_before)
    if filters.document_type:
        clauses.append("m.document_type = %s")
        params.append(filters.document_type)
    if filters.validity:
        clauses.append("m.validity = %s")
        params.append(filters.validity)
    return clauses, params


def search_page(
    phrases: list[list[str]], title_runs: list[str], filters: SearchFilters, *, limit: int, offset: int
) -> tuple[list[int], int]:
    """(ids of one page, total) of indexed items matching every phrase, title hits first, then newest.

    The full-text match drives the query: on SQLite the FTS5 table is the outer loop (CROSS JOIN fixes the
    order) and each candidate reads one narrow catalogue_searchentry row; on PostgreSQL the GIN index gives
    the candidates as a semi-join.
    """
    match_sql, match_params = match_subquery(phrases)
    clauses, params = _where(filters)
    if connection.vendor == "sqlite":
        source = "catalogue_search s CROSS JOIN catalogue_searchentry m ON m.item_id = s.rowid"
        clauses.insert(0, "catalogue_search MATCH %s")
        params = match_params + params
        contains = "instr(lower(m.title), %s) > 0"
    else:
        source = "catalogue_searchentry m"
        clauses.insert(0, f"m.item_id IN ({match_sql})")
        params = match_params + params
        contains = "strpos(lower(m.title), %s) > 0"
    where = " AND ".join(clauses)
    title_hit = " AND ".join([contains] * len(title_runs)) or "1 = 0"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {source} WHERE {where}", params)  # noqa: S608 - fixed SQL parts
        total = cursor.fetchone()[0]
        if not total or offset >= total:
            return [], total
        cursor.execute(
            f"SELECT m.item_id FROM {source} WHERE {where} "  # noqa: S608 - fixed SQL parts, bound values
            f"ORDER BY CASE WHEN {title_hit} THEN 1 ELSE 0 END DESC, m.published_at DESC, m.item_id DESC "
            "LIMIT %s OFFSET %s",
            params + list(title_runs) + [limit, offset],
        )
        return [row[0] for row in cursor.fetchall()], total


def match_subquery(phrases: list[list[str]]) -> tuple[str, list[str]]:
    """SQL selecting the ids of indexed items matching every phrase, and its parameters."""
    if connection.vendor == "sqlite":
        expression = " AND ".join('"' + " ".join(p) + '"' for p in phrases)
        return "SELECT rowid FROM catalogue_search WHERE catalogue_search MATCH %s", [expression]
    expression = " & ".join("(" + " <-> ".join(f"'{g}'" for g in p) + ")" for p in phrases)
    return "SELECT item_id FROM catalogue_search WHERE vec @@ %s::tsquery", [expression]


def index_count() -> int:
    from gongkai.catalogue.models import SearchEntry

    return SearchEntry.objects.count()
