"""The character-bigram full-text index of published items, on SQLite (FTS5) and PostgreSQL (tsvector + GIN).

The portal promises that any query of two or more characters finds every item containing it, so items are
indexed as character bigrams (text.py). Results come title hits first, then the rest, each newest first, by
one integer sort key per item (keys.py); a search reads matches in that order and stops when the page is full,
with totals exact up to COUNT_CAP (results.py), and on request a count past it, exact up to COUNT_EXACT and
estimated beyond from the items indexed per publication day (timeline.py). Each database has its backend (sqlite.py: FTS5; postgres.py:
tsvector + GIN, verified against the stored text), with the same functions, chosen by index.py, which is the
only place that knows the backends apart. schema.py describes the tables; rows.py what of an item is
indexed; syntax.py parses a query (OR, -word, "phrases") once for both backends.

Other modules use this package's names (`from gongkai.catalogue import search; search.index_write(...)`).
"""

from gongkai.catalogue.search.index import (
    backend,
    index_clear,
    index_count,
    index_insert,
    index_prepare,
    index_remove,
    index_set_validity,
    index_write,
    match_subquery,
    search_page,
)
from gongkai.catalogue.search.keys import ID_BITS, ID_MASK, day_key, facet_tokens, publication_day, sort_key
from gongkai.catalogue.search.results import SearchFilters, SearchResult
from gongkai.catalogue.search.rows import searchable_rows, searchable_text
from gongkai.catalogue.search.schema import SQLITE_AUTOMERGE, SQLITE_TABLES, create_schema, drop_schema
from gongkai.catalogue.search.syntax import ParsedQuery, Term, parse
from gongkai.catalogue.search.text import (
    MAX_QUERY_CHARS,
    ascii_grams,
    ascii_query_grams,
    bigram_runs,
    bigram_string,
    index_string,
    normalise,
    query_phrases,
    runs,
)

__all__ = [
    "ID_BITS",
    "ID_MASK",
    "MAX_QUERY_CHARS",
    "ParsedQuery",
    "SQLITE_AUTOMERGE",
    "SQLITE_TABLES",
    "SearchFilters",
    "SearchResult",
    "Term",
    "ascii_grams",
    "ascii_query_grams",
    "backend",
    "bigram_runs",
    "bigram_string",
    "create_schema",
    "day_key",
    "drop_schema",
    "facet_tokens",
    "index_clear",
    "index_count",
    "index_insert",
    "index_prepare",
    "index_remove",
    "index_set_validity",
    "index_string",
    "index_write",
    "match_subquery",
    "normalise",
    "parse",
    "publication_day",
    "query_phrases",
    "runs",
    "search_page",
    "searchable_rows",
    "searchable_text",
    "sort_key",
]
