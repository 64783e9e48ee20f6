"""The character-bigram full-text index of published items, on SQLite (FTS5) and PostgreSQL (tsvector + GIN).

Why bigrams: the portal promises that any query of two or more characters finds every item containing it,
which word segmentation cannot promise (a query may cut across the segmenter's words). Each item's title and
plain-text body are normalised (NFKC, lower case) and cut into overlapping pairs of letters or digits; a run
of other characters (punctuation, spaces) is a break, so a phrase never matches across it. A query becomes the
bigrams of each of its letter/digit runs, each run a phrase (all bigrams, adjacent, in order), the runs ANDed.

Order and paging. Results come title hits first (every run of the query is in the title), then the rest, each
newest first. "Newest" is the item's *sort key*: its publication day in the high 32 bits and its id in the low
32 (later-created first within a day), so one integer orders the whole catalogue and a year is a range of it.
A search never needs every match to show a page: it reads the matches in sort-key order and stops when the
page is full, so a query found in every item costs about as much as a rare one. Totals are exact up to
COUNT_CAP and reported as "more than COUNT_CAP" beyond (the page then offers the first COUNT_CAP results and
the filters to narrow them); `match_subquery` selects every match, uncapped, for callers that need all.

- SQLite: an FTS5 table `catalogue_search(title, body, facets)`, and `catalogue_search_title(title, facets)` for
  the title tier, whose rowid is the sort key, so FTS5 walks its
  document lists newest first (ORDER BY rowid DESC) and stops at the LIMIT; a year is a rowid range. The
  columns hold `bigram_string`s: the bigrams space-separated, with one-character tokens at each break, so a
  phrase cannot span a break; FTS5's `ascii` tokenizer splits on the spaces and keeps every other character.
  The filters are tokens too (`facets`: agency, category, document type, validity), so FTS5 intersects them
  with the text by skipping through its document lists.
- PostgreSQL: a table `catalogue_search(item_id, sort_key, title, body, vec, tvec)`: `vec` holds the distinct
  bigrams of the title and text, `tvec` those of the title, both without positions and both with the filter
  lexemes (agency, category, document type, validity, year, month and day of publication) and the trigrams
  and four-grams of runs of ASCII letters and digits, each with a GIN index. Vectors are written as tsvector
  literals, so no text-search parser or locale is involved. GIN answers an AND of lexemes exactly without
  reading the rows, but hands matches over unordered and cannot check adjacency, so a query's lexemes and
  filters give candidates, windows of days newest first give the order (see `_Postgres`), and the normalised
  `title` and `body`, kept compressed in the row, verify each candidate (`strpos`) only as far as the page and
  the capped total need.

Only this module knows the backends apart; the index is written by services in the transaction that changes
the item (never by signals), so it is always consistent with the items.
"""

import datetime as dt
import re
import time
import unicodedata
from array import array
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from gongkai.core.bulk import copy_rows, insert_values

MAX_QUERY_CHARS = 64
COUNT_CAP = 1000  # totals above this are shown as "more than"; the pages stop there
PROBE_ROWS = 2000  # PostgreSQL: most matches a window of a year or more is read for at once (see _stream)
ID_BITS = 32
ID_MASK = (1 << ID_BITS) - 1
SQLITE_TABLES = ("catalogue_search", "catalogue_search_title")

# Full-width punctuation common in Chinese text, replaced as NFKC replaces it, so that most text is already
# NFKC-normalised afterwards and skips the costly normalisation (the check is much cheaper than normalising).
_COMMON_WIDE = tuple((c, unicodedata.normalize("NFKC", c)) for c in "，；：（）！？％\u3000")


def normalise(text: str) -> str:
    text = text or ""
    for wide, narrow in _COMMON_WIDE:
        text = text.replace(wide, narrow)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text.lower()


RUN_RE = re.compile(r"[^\W_]+")  # letters and digits of any script
NON_RUN_RE = re.compile(r"[\W_]+")  # everything else: a break
_SPACES = array("I", [ord(" ")])


def runs(text: str) -> list[str]:
    """The maximal runs of letters and digits in normalised text."""
    return RUN_RE.findall(normalise(text))


def bigram_runs(text: str) -> list[list[str]]:
    """Per run of two or more characters, its bigrams."""
    return [list(map(str.__add__, run, run[1:])) for run in runs(text) if len(run) >= 2]


def bigram_string(text: str) -> str:
    """Every adjacent pair of characters of the normalised text, space-separated, breaks turned into spaces.

    Within a run of letters and digits this is the run's bigrams ("政府信息" → "政府 府信 信息"); at a break it
    gives the one-character tokens on either side ("府，信" → "府 信"), which no query token equals (a query is
    bigrams) and which keep a phrase from matching across the break. Built with array slicing, not a Python
    loop per character: it is the import's hottest step.
    """
    text = NON_RUN_RE.sub(" ", normalise(text))
    if len(text) < 2:
        return ""
    chars = array("I")
    chars.frombytes(text.encode("utf-32-le"))
    pairs = len(chars) - 1
    out = array("I", bytes(12 * pairs))
    out[0::3] = chars[:-1]
    out[1::3] = chars[1:]
    out[2::3] = _SPACES * pairs
    return out.tobytes().decode("utf-32-le")


def query_phrases(query: str) -> list[list[str]]:
    """The phrases a query becomes; empty when it has no run of two or more letters or digits."""
    return bigram_runs(query[:MAX_QUERY_CHARS])


def phrase_text(phrase: list[str]) -> str:
    """The run a phrase was cut from."""
    return phrase[0] + "".join(gram[1] for gram in phrase[1:])


def day_key(day: dt.date) -> int:
    """The smallest sort key of a publication day."""
    return day.toordinal() << ID_BITS


def publication_day(published_at: dt.datetime | dt.date) -> dt.date:
    """The local (active time zone) day of a publication time."""
    if isinstance(published_at, dt.datetime):
        return timezone.localdate(published_at) if timezone.is_aware(published_at) else published_at.date()
    return published_at


def sort_key(published_at: dt.datetime | dt.date, item_id: int) -> int:
    """Newest first = largest first: the publication day (local time), then the item id."""
    return day_key(publication_day(published_at)) | (item_id & ID_MASK)


def _token(value) -> str:
    return re.sub(r"[^0-9a-z]", "", str(value).lower())


def facet_tokens(agency_id: int, category_id: int | None, document_type: str, validity: str) -> str:
    """The filter lexemes of an item: never two characters long, so never a bigram."""
    tokens = [f"ag{agency_id}", f"dt{_token(document_type)}", f"vl{_token(validity)}"]
    if category_id is not None:
        tokens.append(f"ct{category_id}")
    return " ".join(tokens)


def time_tokens(key: int) -> list[str]:
    """The year, month and day lexemes of a sort key (PostgreSQL reads the newest matches a window at a time)."""
    day = dt.date.fromordinal(key >> ID_BITS)
    return [f"yr{day.year}", f"mo{day:%Y%m}", f"dy{day:%Y%m%d}"]


# --- schema (called from the migrations) ---


def create_schema(schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE catalogue_search USING fts5(title, body, facets, tokenize='ascii', columnsize=0)"
        )
        schema_editor.execute(
            "CREATE VIRTUAL TABLE catalogue_search_title USING fts5(title, facets, tokenize='ascii', columnsize=0)"
        )
        sqlite_tune(schema_editor)
    else:
        _pg_create_table(schema_editor, "catalogue_search")
        _pg_create_indexes(schema_editor)


SQLITE_AUTOMERGE = 8


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


def pg_rebuild(schema_editor, pks: list[int], rows_of) -> None:
    """PostgreSQL: rebuild the index of the items `pks` from `rows_of(pks)` (searchable rows), into a table
    made anew and indexed after it is filled, which is much faster than a GIN insertion per row (migration
    0006: the text kept in the row, ASCII four-grams)."""
    schema_editor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    schema_editor.execute("DELETE FROM catalogue_searchentry")
    schema_editor.execute("DROP TABLE IF EXISTS catalogue_search")
    _pg_create_table(schema_editor, "catalogue_search")
    for start in range(0, len(pks), 2000):
        index_write(rows_of(pks[start : start + 2000]), replace=False)
    _pg_create_indexes(schema_editor)


def drop_schema(schema_editor) -> None:
    schema_editor.execute("DROP TABLE IF EXISTS catalogue_search")
    schema_editor.execute("DROP TABLE IF EXISTS catalogue_search_title")


# --- writing ---


ASCII_RUN_RE = re.compile(r"[0-9a-z]{3,}")


def ascii_grams(*texts: str) -> set[str]:
    """PostgreSQL: the trigrams and four-grams of runs of ASCII digits and letters in normalised text, as `~abc`
    and `~abcd` lexemes.

    Ten digits make only a hundred bigrams, so a number's bigrams are in nearly every item ("2021" → 20, 02,
    21) and would leave thousands of candidates to verify; its trigrams are as selective as Chinese bigrams,
    and a four-gram is a whole year or the like, exact without verification. The `~` keeps them apart from
    the filter lexemes.
    """
    out = set()
    for text in texts:
        for run in ASCII_RUN_RE.findall(text):
            out.update("~" + run[i : i + 3] for i in range(len(run) - 2))
            out.update("~" + run[i : i + 4] for i in range(len(run) - 3))
    return out


def ascii_query_grams(*runs: str) -> tuple[set[str], set[str]]:
    """PostgreSQL: the lexemes a query's runs of ASCII digits and letters are looked up by (a run of three by its
    trigram, a longer one by its four-grams, which imply its trigrams), and the bigrams they imply."""
    grams, implied = set(), set()
    for run in runs:
        for part in ASCII_RUN_RE.findall(run):
            size = 3 if len(part) == 3 else 4
            grams.update("~" + part[i : i + size] for i in range(len(part) - size + 1))
            implied.update(part[i : i + 2] for i in range(len(part) - 1))
    return grams, implied


def _vector_literal(grams: str, facets: str, ascii_lexemes: set[str] = frozenset()) -> str:
    """A tsvector literal of the distinct bigrams of a bigram string, the filter lexemes and the ASCII lexemes (all
    letters, digits and `~`, so they need no escaping inside the quotes)."""
    lexemes = {token for token in set(grams.split()) if len(token) == 2}
    lexemes.update(facets.split())
    lexemes.update(ascii_lexemes)
    return "'" + "' '".join(lexemes) + "'"


def _entries(item_ids: list[int]) -> list[tuple[int, int]]:
    """(item id, sort key) of indexed items."""
    from gongkai.catalogue.models import SearchEntry

    out = []
    for start in range(0, len(item_ids), 500):
        out += SearchEntry.objects.filter(item_id__in=item_ids[start : start + 500]).values_list("item_id", "sort_key")
    return out


def index_remove(item_ids: Iterable[int]) -> None:
    from gongkai.catalogue.models import SearchEntry

    ids = list(item_ids)
    if not ids:
        return
    keys = [key for _pk, key in _entries(ids)]
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            SearchEntry.objects.filter(item_id__in=part).delete()
            if connection.vendor != "sqlite":
                cursor.execute("DELETE FROM catalogue_search WHERE item_id = ANY(%s::bigint[])", [part])
        if connection.vendor == "sqlite":
            for start in range(0, len(keys), 500):
                part = keys[start : start + 500]
                for table in SQLITE_TABLES:
                    cursor.execute(
                        f"DELETE FROM {table} WHERE rowid IN ({', '.join(['%s'] * len(part))})",  # noqa: S608
                        part,
                    )


def index_clear() -> None:
    from gongkai.catalogue.models import SearchEntry

    SearchEntry.objects.all().delete()
    with connection.cursor() as cursor:
        for table in SQLITE_TABLES if connection.vendor == "sqlite" else ("catalogue_search",):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names


def index_write(rows: Iterable[tuple[int, str, str]], *, replace: bool = True, meta: dict | None = None) -> int:
    """(item id, title, plain body) rows into the index; `replace` removes their old entries first.

    `meta` maps an item id to (agency id, category id, published_at, document type, validity) when the caller
    has them at hand; otherwise they are read from the items. (The import prepares its rows with `index_prepare`
    in a worker thread and writes them with `index_insert`, the two halves of this.)
    """
    from gongkai.catalogue.models import Item

    rows = list(rows)
    if replace:
        index_remove(r[0] for r in rows)
    if meta is None:
        meta = {}
        for start in range(0, len(rows), 500):
            for pk, *values in Item.objects.filter(pk__in=[r[0] for r in rows[start : start + 500]]).values_list(
                "pk", "agency_id", "category_id", "published_at", "document_type", "validity"
            ):
                meta[pk] = values
    prepared = index_prepare([(title, body, meta[pk]) for pk, title, body in rows], vendor=connection.vendor)
    return index_insert([r[0] for r in rows], prepared)


def index_prepare(rows: Iterable[tuple[str, str, tuple]], *, vendor: str) -> list[tuple]:
    """The index rows of (title, plain body, meta) rows, `meta` as in `index_write`, for the `vendor`'s index,
    without their item ids: for `index_insert`.

    Pure computation (no database, no connection, not even to ask its vendor), so a worker thread may run it
    while the database writes other rows; the publication day is the local date in the active time zone.
    """
    out = []
    for title, body, (agency_id, category_id, published_at, document_type, validity) in rows:
        day = publication_day(published_at)
        title_grams, body_grams = bigram_string(title), bigram_string(body)
        facets = facet_tokens(agency_id, category_id, document_type, validity)
        if vendor == "sqlite":
            out.append((day, title_grams, body_grams, facets))
            continue
        title_text, body_text = normalise(title), normalise(body)
        facets = " ".join([facets, *time_tokens(day_key(day))])
        out.append(
            (
                day,
                title_text,
                title_text + "\n" + body_text,
                _vector_literal(title_grams + " " + body_grams, facets, ascii_grams(body_text, title_text)),
                _vector_literal(title_grams, facets, ascii_grams(title_text)),
            )
        )
    return out


def index_insert(item_ids: list[int], prepared: list[tuple]) -> int:
    """Write `index_prepare`'s rows for these items (in the same order); no old entries are removed."""
    if len(item_ids) != len(prepared):
        raise ValueError("one item id per prepared index row")
    keys = [sort_key(row[0], pk) for pk, row in zip(item_ids, prepared, strict=True)]
    entries = list(zip(item_ids, keys, strict=True))
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            insert_values(cursor, "catalogue_searchentry (item_id, sort_key)", entries)
            insert_values(
                cursor,
                "catalogue_search(rowid, title, body, facets)",
                [(key, title, body, facets) for key, (_day, title, body, facets) in zip(keys, prepared, strict=True)],
            )
            insert_values(
                cursor,
                "catalogue_search_title(rowid, title, facets)",
                [(key, title, facets) for key, (_day, title, _body, facets) in zip(keys, prepared, strict=True)],
            )
        return len(keys)
    # PostgreSQL: vectors as tsvector literals of the distinct bigrams (the two-character tokens) and the
    # filter lexemes, COPYed with the rest.
    copy_rows("catalogue_searchentry", ["item_id", "sort_key"], entries)
    copy_rows(
        "catalogue_search",
        ["item_id", "sort_key", "title", "body", "vec", "tvec"],
        ((pk, key, *row[1:]) for pk, key, row in zip(item_ids, keys, prepared, strict=True)),
    )
    return len(keys)


def index_set_validity(item_ids: Iterable[int], validity: str) -> None:
    from gongkai.catalogue.models import Validity

    ids = list(item_ids)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for _pk, key in _entries(ids):
                cursor.execute("SELECT facets FROM catalogue_search WHERE rowid = %s", [key])
                (facets,) = cursor.fetchone()
                tokens = [t for t in facets.split() if not t.startswith("vl")] + [f"vl{_token(validity)}"]
                for table in SQLITE_TABLES:
                    cursor.execute(f"UPDATE {table} SET facets = %s WHERE rowid = %s", [" ".join(tokens), key])  # noqa: S608
        else:
            for start in range(0, len(ids), 500):
                part = ids[start : start + 500]
                cursor.execute(
                    "UPDATE catalogue_search SET vec = ts_delete(vec, %(old)s::text[]) || %(new)s::tsvector,"
                    " tvec = ts_delete(tvec, %(old)s::text[]) || %(new)s::tsvector WHERE item_id = ANY(%(ids)s::bigint[])",
                    {"old": [f"vl{_token(v)}" for v in Validity.values], "new": f"vl{_token(validity)}", "ids": part},
                )


def index_count() -> int:
    from gongkai.catalogue.models import SearchEntry

    return SearchEntry.objects.count()


# --- reading ---


@dataclass(frozen=True)
class SearchFilters:
    agency_ids: list[int] | None = None  # None: every active agency
    excluded_agency_ids: list[int] = field(default_factory=list)  # inactive agencies
    category_ids: list[int] | None = None
    published_from: dt.date | None = None  # publication days, inclusive
    published_before: dt.date | None = None  # exclusive
    document_type: str | None = None
    validity: str | None = None

    def key_range(self) -> tuple[int, int]:
        low = day_key(self.published_from) if self.published_from else 0
        high = day_key(self.published_before) if self.published_before else 1 << 62
        return low, high

    def is_empty(self) -> bool:
        return (self.agency_ids is not None and not self.agency_ids) or (
            self.category_ids is not None and not self.category_ids
        )


@dataclass(frozen=True)
class SearchResult:
    ids: list[int]
    total: int  # exact when not `more`
    more: bool = False  # more than COUNT_CAP matches; `total` is then COUNT_CAP


def search_page(phrases: list[list[str]], filters: SearchFilters, *, limit: int, offset: int) -> SearchResult:
    """One page of indexed items matching every phrase, title hits first, then newest, and the total."""
    if filters.is_empty():
        return SearchResult([], 0)
    offset = max(0, min(offset, COUNT_CAP))
    limit = max(0, min(limit, COUNT_CAP - offset))
    backend = _SQLite(phrases, filters) if connection.vendor == "sqlite" else _Postgres(phrases, filters)
    return backend.page(limit, offset)


def match_subquery(phrases: list[list[str]], filters: SearchFilters) -> tuple[str, list]:
    """SQL selecting the ids of every indexed item matching (unordered, uncapped), and its parameters: for a
    `pk__in=RawSQL(...)` filter, which a list of a million ids could not be."""
    if filters.is_empty():
        return "SELECT 0 WHERE 1 = 0", []
    backend = _SQLite(phrases, filters) if connection.vendor == "sqlite" else _Postgres(phrases, filters)
    return backend.subquery()


class _SQLite:
    """FTS5 does it all: the match, the filters (facet tokens and a rowid range) and the order (rowid DESC).

    The title tier reads its own small table: a column filter on the big one would still walk the text's
    document lists, so a phrase common in bodies but rare in titles would cost a pass over its every match.
    """

    def __init__(self, phrases: list[list[str]], filters: SearchFilters):
        text = " AND ".join('"' + " ".join(p) + '"' for p in phrases)
        facets = []
        if filters.agency_ids is not None:
            facets.append(" OR ".join(f"ag{pk}" for pk in filters.agency_ids))
        if filters.category_ids is not None:
            facets.append(" OR ".join(f"ct{pk}" for pk in filters.category_ids))
        if filters.document_type:
            facets.append(f"dt{_token(filters.document_type)}")
        if filters.validity:
            facets.append(f"vl{_token(filters.validity)}")
        narrowed = "".join(f" AND (facets : ({f}))" for f in facets)
        if filters.excluded_agency_ids:
            narrowed += " NOT (facets : (" + " OR ".join(f"ag{pk}" for pk in filters.excluded_agency_ids) + "))"
        self.any_expr = f"(({{title body}} : ({text})){narrowed})"
        self.title_expr = f"((title : ({text})){narrowed})"
        self.low, self.high = filters.key_range()

    def _ids(self, table: str, expression: str, limit: int) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid FROM {table} WHERE {table} MATCH %s AND rowid >= %s AND rowid < %s"  # noqa: S608
                " ORDER BY rowid DESC LIMIT %s",
                [expression, self.low, self.high, limit],
            )
            return [row[0] & ID_MASK for row in cursor.fetchall()]

    def page(self, limit: int, offset: int) -> SearchResult:
        matches = self._ids("catalogue_search", self.any_expr, COUNT_CAP + 1)
        total, more = min(len(matches), COUNT_CAP), len(matches) > COUNT_CAP
        if not total or not limit or offset >= total:
            return SearchResult([], total, more)
        titles = self._ids("catalogue_search_title", self.title_expr, offset + limit)
        return SearchResult(_title_hits_first(titles, matches, limit, offset), total, more)

    def subquery(self) -> tuple[str, list]:
        return (
            f"SELECT rowid & {ID_MASK} FROM catalogue_search WHERE catalogue_search MATCH %s"  # noqa: S608 - a constant
            " AND rowid >= %s AND rowid < %s",
            [self.any_expr, self.low, self.high],
        )


def _title_hits_first(titles: list[int], matches: list[int], limit: int, offset: int) -> list[int]:
    """One page of the title hits (newest first) followed by the other matches (newest first).

    `titles` holds at least offset + limit title hits, or all of them; `matches` the first COUNT_CAP + 1
    matches, which always reach far enough: the n-th non-title match on the page stands at most at position
    offset + limit in the matches.
    """
    ids = titles[offset : offset + limit]
    if len(ids) < limit:
        seen = set(titles)
        rest = [pk for pk in matches if pk not in seen]
        skip = max(0, offset - len(titles))
        ids += rest[skip : skip + limit - len(ids)]
    return ids


COMMON_SHARE = 0.3  # PostgreSQL: a lexeme in more than this share of the items is "common"
COMMON_TTL = 600  # seconds a process keeps the list of common lexemes
MOST_LEXEMES = 3  # PostgreSQL: the query's rarest lexemes that GIN is asked for, when candidates are verified
_common: tuple[float, dict[str, float]] = (0.0, {})


def _common_lexemes() -> dict[str, float]:
    """The lexemes of `catalogue_search.vec` in more than COMMON_SHARE of its rows, with their shares, from the
    statistics that ANALYZE (or autovacuum) keeps for the column; empty before the first ANALYZE."""
    global _common
    now = time.monotonic()
    if now - _common[0] < COMMON_TTL:
        return _common[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats"
            " WHERE tablename = 'catalogue_search' AND attname = 'vec' AND schemaname = current_schema()"
        )
        row = cursor.fetchone()
    common = {}
    if row and row[0]:
        lexemes, shares = row
        common = {x: share for x, share in zip(lexemes, shares, strict=False) if share > COMMON_SHARE}
    _common = (now, common)
    return common


class _Postgres:
    """Title hits, then the other matches, each newest first, from GIN indexes that are never rechecked.

    The vectors hold bigrams without positions (and ASCII trigrams and four-grams), plus filter lexemes, so a
    GIN lookup is exact for the filters and for a query that is one lexeme, and a superset for a longer one;
    candidates are then verified against the stored normalised text (every run of the query is a substring
    of it), newest first, only as far as the page and the capped total need. GIN hands candidates over
    unordered, so a stream asks for them one calendar window at a time, newest first (`dy`, `mo` and `yr`
    lexemes), guided by the density of matches it has seen: a common query stops within the newest days, a
    rare one asks for everything older after a few windows (see `_stream`).
    """

    def __init__(self, phrases: list[list[str]], filters: SearchFilters):
        self.runs = [phrase_text(p) for p in phrases]
        ascii_lexemes, implied = ascii_query_grams(*self.runs)
        # A bigram inside a run of three or more ASCII letters and digits is implied by that run's trigrams or
        # four-grams, and digits' bigrams are in nearly every item: asking GIN for them only slows the lookup.
        text_lexemes = sorted({g for p in phrases for g in p} - implied) + sorted(ascii_lexemes)
        # One bigram, trigram or four-gram that is the run itself: GIN's answer is then exact.
        self.verify = len(phrases) > 1 or len(text_lexemes) > 1
        # Candidates are verified against the text anyway, so a lexeme found in most items (工作, 20) narrows
        # them little and is left out of the lookup, where walking its posting list costs more than the rest;
        # when every one is common, the rarest alone.
        # Of the rest, the MOST_LEXEMES rarest are enough to narrow them (each more costs GIN a posting list).
        common = _common_lexemes()
        if self.verify:
            by_share = sorted(text_lexemes, key=lambda x: common.get(x, 0.0))
            text_lexemes = [x for x in by_share if x not in common][:MOST_LEXEMES] or by_share[:1]
        terms = [f"'{x}'" for x in text_lexemes]
        if filters.agency_ids is not None:
            terms.append("(" + " | ".join(f"'ag{pk}'" for pk in filters.agency_ids) + ")")
        if filters.excluded_agency_ids:
            terms.append("!(" + " | ".join(f"'ag{pk}'" for pk in filters.excluded_agency_ids) + ")")
        if filters.category_ids is not None:
            terms.append("(" + " | ".join(f"'ct{pk}'" for pk in filters.category_ids) + ")")
        if filters.document_type:
            terms.append(f"'dt{_token(filters.document_type)}'")
        if filters.validity:
            terms.append(f"'vl{_token(filters.validity)}'")
        self.terms = terms
        start, end = filters.published_from, filters.published_before
        self.year_terms = []  # whole years: GIN narrows to them too, where a window names no day, month or year
        if start and end and (start.month, start.day, end.month, end.day) == (1, 1, 1, 1):
            self.year_terms = ["(" + " | ".join(f"'yr{y}'" for y in range(start.year, end.year)) + ")"]
        self.low, self.high = filters.key_range()
        self.timeline: tuple | None = None

    def _span(self, cursor) -> tuple[dt.date, dt.date] | None:
        """The newest and the oldest publication day indexed within the filters' range."""
        if self.timeline is None:
            cursor.execute(
                "SELECT max(sort_key), min(sort_key) FROM catalogue_search WHERE sort_key >= %s AND sort_key < %s",
                [self.low, self.high],
            )
            newest, oldest = cursor.fetchone()
            self.timeline = () if newest is None else (
                dt.date.fromordinal(newest >> ID_BITS), dt.date.fromordinal(oldest >> ID_BITS)
            )  # fmt: skip
        return self.timeline or None

    @staticmethod
    def _windows(newest: dt.date, oldest: dt.date):
        """Calendar windows, newest first, as (lexemes, first day, day after): the newest week, the rest of its
        month with the month before, the rest of its year, then one year at a time. Each names a few lexemes:
        GIN checks every OR'd lexeme against every candidate of the query's own lexemes, so a window of a
        hundred days cost more than reading all the candidates; and each window is a lookup of its own, so
        there are few small ones."""
        one = dt.timedelta(days=1)
        week = [newest - n * one for n in range(7)]
        yield [f"dy{d:%Y%m%d}" for d in week], week[-1], newest + one
        month = newest.replace(day=1)
        previous = (month - one).replace(day=1)
        yield [f"mo{month:%Y%m}", f"mo{previous:%Y%m}"], previous, week[-1]
        year = newest.replace(month=1, day=1)
        yield [f"yr{year.year}"], year, previous
        for y in range(year.year - 1, oldest.year - 1, -1):
            yield [f"yr{y}"], dt.date(y, 1, 1), dt.date(y + 1, 1, 1)

    @staticmethod
    def _split(lexemes: list[str], first: dt.date, after: dt.date, months: int = 1):
        """A window too dense to read at once, as smaller windows newest first: everything older (no lexeme) as
        its years, a year as runs of `months` months (at most six lexemes each)."""
        if not lexemes:
            return [([f"yr{y}"], dt.date(y, 1, 1), dt.date(y + 1, 1, 1)) for y in range(after.year, first.year - 1, -1)]
        year = int(lexemes[0][2:])
        # The year's months that overlap [first, after), newest first, with the day after each.
        spans = [(dt.date(year, m, 1), dt.date(year + m // 12, m % 12 + 1, 1)) for m in range(12, 0, -1)]
        spans = [(start, end) for start, end in spans if start < after and end > first]
        months = max(1, min(6, months))
        return [
            ([f"mo{start:%Y%m}" for start, _end in spans[n : n + months]], spans[n : n + months][-1][0], spans[n][1])
            for n in range(0, len(spans), months)
        ]

    def _stream(self, cursor, vector: str, text: str, want: int) -> tuple[list[tuple[int, int, bool]], bool]:
        """(sort key, item id, in title) of verified matches newest first: at least `want` if there are that
        many, and whether they are all there are.

        Window by window (see `_windows`), guided by the density of matches seen so far: while the rest of the
        catalogue should hold many more than are still wanted, the next window; once it should hold few,
        everything older at once, bounded by the sort key alone. A window of a year or more (a year, or
        everything older) is read unordered and only up to a bound (`_probe`), so that matches bunched in one
        old stretch (a year's number, a campaign's name) are never all read and sorted to show the newest few:
        one that holds more, or that the density says would, is read in parts, newest first (everything
        older as its years, a year as runs of months sized to what is still wanted).
        """
        span = self._span(cursor)
        if span is None:
            return [], True
        newest, oldest = span
        found: list[tuple[int, int, bool]] = []
        windows = self._windows(newest, oldest)
        parts: list[tuple[list[str], dt.date, dt.date]] = []  # a dense window's parts, newest first
        bound = min(PROBE_ROWS, want + want // 4 + 50)
        read_from = newest + dt.timedelta(days=1)  # windows so far cover [read_from, newest]
        while read_from > oldest:
            read_days = (newest - read_from).days + 1
            # Matches per day so far, counting one more than found: none in a day's sample is not rarity.
            rate = (len(found) + 1) / read_days if read_days > 0 else float("inf")
            if parts:
                window = parts.pop(0)
            elif rate * (read_from - oldest).days <= bound / 2:
                window = [], oldest, read_from  # everything older
            else:
                window = next(windows, None) or ([], oldest, read_from)
            lexemes, first, after = window
            first, after = max(first, oldest), min(after, read_from)
            if first >= after:
                continue
            if not lexemes or lexemes[0].startswith("yr"):
                if rate * (after - first).days > bound:
                    still = want - len(found)
                    parts = self._split(lexemes, first, after, months=-(-still // max(1, int(rate * 30)))) + parts
                    continue
                got = self._probe(cursor, vector, text, self._terms(lexemes), first, after, bound, want - len(found))
                if got is None:
                    parts = self._split(lexemes, first, after) + parts
                    continue
            else:
                got = self._read(cursor, vector, text, self._terms(lexemes), first, after, want - len(found))
            found += got
            read_from = first
            if len(found) >= want:
                return found, False
        return found, True

    def _terms(self, lexemes: list[str]) -> list[str]:
        """The query's terms and a window's lexemes (or the filter's whole years, for a window with none)."""
        if not lexemes:
            return self.terms + self.year_terms
        return [*self.terms, "(" + " | ".join(f"'{x}'" for x in lexemes) + ")"]

    def _window_sql(self, vector: str, text: str, terms: list[str], first: dt.date, after: dt.date):
        """The SQL and parameters selecting (sort key, item id, in title) of a window's candidates, unordered;
        "in title" says whether the title holds every run of the query.

        `sort_key + 0`: never an index on the sort key here, whose walk in order would read and test every
        row's vector; the candidates come from GIN. The title is in the row (see `_pg_create_table`), so it
        is checked on the page the scan reads anyway: for the title stream that is the verification."""
        in_title = " AND ".join(["strpos(title, %s) > 0"] * len(self.runs))
        sql = (
            f"SELECT sort_key, item_id, {in_title} FROM catalogue_search WHERE {vector} @@ %s::tsquery"  # noqa: S608
            " AND sort_key + 0 >= %s AND sort_key + 0 < %s"
        )
        params = [*self.runs, " & ".join(terms), max(self.low, day_key(first)), min(self.high, day_key(after))]
        if self.verify and text == "title":
            sql += "".join(" AND strpos(title, %s) > 0" for _run in self.runs)
            params += self.runs
        return sql, params

    def _checked(self, cursor, text: str, candidates: list, need: int) -> list[tuple[int, int, bool]]:
        """The candidates (newest first) whose text holds every run of the query, checked in that order only
        until `need` pass: the body is decompressed for the check, which costs more than finding the
        candidate, so a window's candidates beyond what the page and the capped total need are never checked."""
        if not (self.verify and text == "body"):
            return candidates
        tests = " AND ".join(["strpos(body, %s) > 0"] * len(self.runs))
        found: list[tuple[int, int, bool]] = []
        size = max(need + need // 4 + 20, 100)  # room for some that fail
        for part in range(0, len(candidates), size):
            chunk = candidates[part : part + size]
            cursor.execute(
                f"SELECT item_id FROM catalogue_search WHERE item_id = ANY(%s::bigint[]) AND {tests}",  # noqa: S608
                [[c[1] for c in chunk], *self.runs],
            )
            good = {row[0] for row in cursor.fetchall()}
            found += [c for c in chunk if c[1] in good]
            if len(found) >= need:
                break
        return found

    def _probe(self, cursor, vector, text, terms, first, after, bound: int, need: int):
        """The matches of a long window, newest first (at least `need` if it holds that many), or None when it
        holds more than `bound` candidates: the scan then stops there instead of reading them all to sort
        them."""
        sql, params = self._window_sql(vector, text, terms, first, after)
        cursor.execute(sql + " LIMIT %s", [*params, bound + 1])
        candidates = cursor.fetchall()
        if len(candidates) > bound:
            return None
        return self._checked(cursor, text, sorted(candidates, reverse=True), need)

    def _read(self, cursor, vector, text, terms, first, after, need: int) -> list[tuple[int, int, bool]]:
        """The newest `need` matches of a window of at most a few months (fewer if it holds fewer)."""
        sql, params = self._window_sql(vector, text, terms, first, after)
        sql += " ORDER BY sort_key + 0 DESC"
        if not (self.verify and text == "body"):
            cursor.execute(sql + " LIMIT %s", [*params, need])
            return cursor.fetchall()
        # The newest candidates with room for some that fail the check; only if too many fail, the rest.
        limit = need + need // 4 + 20
        cursor.execute(sql + " LIMIT %s", [*params, limit])
        candidates = cursor.fetchall()
        found = self._checked(cursor, text, candidates, need)
        if len(found) < need and len(candidates) == limit:
            cursor.execute(sql + " OFFSET %s", [*params, limit])
            found += self._checked(cursor, text, cursor.fetchall(), need - len(found))
        return found

    @contextmanager
    def _cursor(self):
        """A cursor in a transaction where the planner may not scan the table instead of the GIN indexes.

        Its estimates for a query of many lexemes (a window of days) are far too high, and a sequential scan
        reads every row's vector out of line; the GIN indexes are always the cheaper way here.
        """
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)")
            (previous, _off) = cursor.fetchone()
            try:
                yield cursor
            finally:
                cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])

    def page(self, limit: int, offset: int) -> SearchResult:
        with self._cursor() as cursor:
            matches, complete = self._stream(cursor, "vec", "body", COUNT_CAP + 1)
            total, more = min(len(matches), COUNT_CAP), len(matches) > COUNT_CAP
            if not matches or not limit or offset >= total:
                return SearchResult([], total, more)
            # The title hits among the newest matches are the newest title hits: if they are all the matches, or
            # enough for the page, the title index need not be asked.
            titles = [match for match in matches if match[2]]
            if not complete and len(titles) < offset + limit:
                titles, _all = self._stream(cursor, "tvec", "title", offset + limit)
        ids = _title_hits_first([m[1] for m in titles], [m[1] for m in matches], limit, offset)
        return SearchResult(ids, total, more)

    def subquery(self) -> tuple[str, list]:
        tests = "".join(" AND strpos(body, %s) > 0" for _run in self.runs) if self.verify else ""
        return (
            "SELECT item_id FROM catalogue_search WHERE vec @@ %s::tsquery AND sort_key >= %s AND sort_key < %s"  # noqa: S608
            + tests,  # fixed parts; every value is a parameter
            [" & ".join(self.terms + self.year_terms), self.low, self.high, *(self.runs if self.verify else [])],
        )
