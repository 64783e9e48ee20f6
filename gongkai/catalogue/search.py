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
  of runs of ASCII letters and digits, each with a GIN index. Vectors
  are written as tsvector literals, so no text-search parser or locale is involved. GIN answers an AND of
  lexemes exactly without reading the rows, but hands matches over unordered and cannot check adjacency, so
  a query's bigrams and filters give candidates, windows of days newest first give the order (see
  `_Postgres`), and the normalised text in `body`/`title` verifies each candidate (`strpos`) only as far as
  the page and the capped total need.

Only this module knows the backends apart; the index is written by services in the transaction that changes
the item (never by signals), so it is always consistent with the items.
"""

import datetime as dt
import re
import unicodedata
from array import array
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from gongkai.core.bulk import copy_rows

MAX_QUERY_CHARS = 64
COUNT_CAP = 1000  # totals above this are shown as "more than"; the pages stop there
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


def sort_key(published_at: dt.datetime | dt.date, item_id: int) -> int:
    """Newest first = largest first: the publication day (local time), then the item id."""
    if isinstance(published_at, dt.datetime):
        published_at = timezone.localdate(published_at) if timezone.is_aware(published_at) else published_at.date()
    return day_key(published_at) | (item_id & ID_MASK)


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
    else:
        # body: the normalised title and text, read only to verify candidates; vec/tvec: bigrams without
        # positions plus filter lexemes, read only through their GIN indexes (never rechecked), so they are
        # kept out of line and the rows the index scans visit stay narrow.
        schema_editor.execute(
            "CREATE TABLE catalogue_search (item_id bigint PRIMARY KEY, sort_key bigint NOT NULL,"
            " title text NOT NULL, body text NOT NULL, vec tsvector NOT NULL, tvec tsvector NOT NULL)"
        )
        for column in ("body", "vec", "tvec"):
            schema_editor.execute(f"ALTER TABLE catalogue_search ALTER COLUMN {column} SET STORAGE EXTERNAL")
        schema_editor.execute("CREATE INDEX catalogue_search_vec ON catalogue_search USING gin (vec)")
        schema_editor.execute("CREATE INDEX catalogue_search_tvec ON catalogue_search USING gin (tvec)")
        schema_editor.execute("CREATE INDEX catalogue_search_key ON catalogue_search (sort_key)")


def drop_schema(schema_editor) -> None:
    schema_editor.execute("DROP TABLE IF EXISTS catalogue_search")
    schema_editor.execute("DROP TABLE IF EXISTS catalogue_search_title")


# --- writing ---


ASCII_RUN_RE = re.compile(r"[0-9a-z]{3,}")


def ascii_trigrams(*texts: str) -> set[str]:
    """PostgreSQL: the trigrams of runs of ASCII digits and letters in normalised text, as `~abc` lexemes.

    Ten digits make only a hundred bigrams, so a number's bigrams are in nearly every item ("2021" → 20, 02,
    21) and would leave thousands of candidates to verify; its trigrams are as selective as Chinese bigrams.
    The `~` keeps them apart from the filter lexemes.
    """
    out = set()
    for text in texts:
        for run in ASCII_RUN_RE.findall(text):
            out.update("~" + run[i : i + 3] for i in range(len(run) - 2))
    return out


def _vector_literal(grams: str, facets: str, trigrams: set[str] = frozenset()) -> str:
    """A tsvector literal of the distinct bigrams of a bigram string, the filter lexemes and the ASCII trigrams
    (all letters, digits and `~`, so they need no escaping inside the quotes)."""
    lexemes = {token for token in set(grams.split()) if len(token) == 2}
    lexemes.update(facets.split())
    lexemes.update(trigrams)
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
    has them at hand (the import); otherwise they are read from the items.
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
    entries, fts, pg = [], [], []
    for pk, title, body in rows:
        agency_id, category_id, published_at, document_type, validity = meta[pk]
        key = sort_key(published_at, pk)
        entries.append((pk, key))
        title_grams, body_grams = bigram_string(title), bigram_string(body)
        facets = facet_tokens(agency_id, category_id, document_type, validity)
        if connection.vendor == "sqlite":
            fts.append((key, title_grams, body_grams, facets))
        else:
            title_text, body_text = normalise(title), normalise(body)
            facets = " ".join([facets, *time_tokens(key)])
            pg.append(
                (
                    pk,
                    key,
                    title_text,
                    title_text + "\n" + body_text,
                    _vector_literal(title_grams + " " + body_grams, facets, ascii_trigrams(body_text, title_text)),
                    _vector_literal(title_grams, facets, ascii_trigrams(title_text)),
                )
            )
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.executemany("INSERT INTO catalogue_searchentry (item_id, sort_key) VALUES (%s, %s)", entries)
            cursor.executemany("INSERT INTO catalogue_search(rowid, title, body, facets) VALUES (%s, %s, %s, %s)", fts)
            cursor.executemany(
                "INSERT INTO catalogue_search_title(rowid, title, facets) VALUES (%s, %s, %s)",
                [(key, title, facets) for key, title, _body, facets in fts],
            )
        return len(rows)
    # PostgreSQL: vectors as tsvector literals of the distinct bigrams (the two-character tokens) and the
    # filter lexemes, COPYed with the rest.
    copy_rows("catalogue_searchentry", ["item_id", "sort_key"], entries)
    copy_rows("catalogue_search", ["item_id", "sort_key", "title", "body", "vec", "tvec"], pg)
    return len(rows)


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


class _Postgres:
    """Title hits, then the other matches, each newest first, from GIN indexes that are never rechecked.

    The vectors hold bigrams without positions (and ASCII trigrams), plus filter lexemes, so a GIN lookup is
    exact for the filters and for a one-bigram query, and a superset for a longer one; candidates are then
    verified against the stored normalised text (every run of the query is a substring of it), in sort-key
    order, only as far as the page and the capped total need. GIN hands candidates over unordered, so a
    stream asks for them one calendar window at a time, newest first (`dy`, `mo` and `yr` lexemes), while the
    density it has seen says the rest holds many more than it still wants: a common query stops within the
    newest days, a rare one asks for everything after its first window.
    """

    def __init__(self, phrases: list[list[str]], filters: SearchFilters):
        self.runs = [phrase_text(p) for p in phrases]
        grams = sorted({g for p in phrases for g in p})
        self.verify = len(grams) > 1 or len(phrases) > 1 or len(phrases[0]) > 1
        terms = [f"'{g}'" for g in grams] + [f"'{t}'" for t in sorted(ascii_trigrams(*self.runs))]
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
        start, end = filters.published_from, filters.published_before
        if start and end and (start.month, start.day, end.month, end.day) == (1, 1, 1, 1):
            # Whole years: GIN narrows to them too, not only the sort-key range after it.
            terms.append("(" + " | ".join(f"'yr{y}'" for y in range(start.year, end.year)) + ")")
        self.terms = terms
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

    def _verified(self, cursor, column: str, candidates: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """The candidates whose `column` holds every run of the query (all of them when the lookup was exact)."""
        return self._containing(cursor, column, candidates) if self.verify else candidates

    def _containing(self, cursor, column: str, candidates: list[tuple[int, int]]) -> list[tuple[int, int]]:
        if not candidates:
            return []
        tests = " AND ".join([f"strpos({column}, %s) > 0"] * len(self.runs))
        cursor.execute(
            f"SELECT item_id FROM catalogue_search WHERE item_id = ANY(%s::bigint[]) AND {tests}",  # noqa: S608 - fixed parts
            [[pk for _key, pk in candidates], *self.runs],
        )
        good = {row[0] for row in cursor.fetchall()}
        return [c for c in candidates if c[1] in good]

    @staticmethod
    def _windows(newest: dt.date, oldest: dt.date):
        """Calendar windows, newest first, as (lexemes, first day, day after): the newest day, the six before it,
        the rest of its month, the month before, the rest of its year, then one year at a time. Each names at
        most six lexemes: GIN checks every OR'd lexeme against every candidate of the query's own lexemes, so
        a window of a hundred days cost more than reading all the candidates."""
        one = dt.timedelta(days=1)
        week = [newest - n * one for n in range(7)]
        yield [f"dy{newest:%Y%m%d}"], newest, newest + one
        yield [f"dy{d:%Y%m%d}" for d in week[1:]], week[-1], newest
        month = newest.replace(day=1)
        yield [f"mo{month:%Y%m}"], month, min(week[-1], newest)
        previous = (month - one).replace(day=1)
        yield [f"mo{previous:%Y%m}"], previous, month
        year = newest.replace(month=1, day=1)
        yield [f"yr{year.year}"], year, previous
        for y in range(year.year - 1, oldest.year - 1, -1):
            yield [f"yr{y}"], dt.date(y, 1, 1), dt.date(y + 1, 1, 1)

    def _stream(self, cursor, vector: str, text: str, want: int) -> tuple[list[tuple[int, int]], bool]:
        """(sort key, item id) of verified matches newest first: at least `want` if there are that many, and
        whether they are all there are.

        Window by window (see `_windows`) while the density seen so far says the rest holds many more than are
        still wanted; then everything older at once, bounded by the sort key alone.
        """
        span = self._span(cursor)
        if span is None:
            return [], True
        newest, oldest = span
        found: list[tuple[int, int]] = []
        windows = self._windows(newest, oldest)
        read_from = newest + dt.timedelta(days=1)  # windows so far cover [read_from, newest]
        while read_from > oldest:
            rest_days = (read_from - oldest).days
            read_days = (newest - read_from).days + 1
            # One more than found: no match in a day's sample does not make a query rare.
            expected_rest = (len(found) + 1) * rest_days / read_days if read_days > 0 else float("inf")
            window = next(windows, None) if not read_days or expected_rest > 3 * want else None
            if window is not None:
                lexemes, first, after = window
                first, after = max(first, oldest), min(after, read_from)
                if first >= after:
                    continue
                terms = [*self.terms, "(" + " | ".join(f"'{x}'" for x in lexemes) + ")"]
            else:
                terms, first, after = self.terms, oldest, read_from  # everything older
            found += self._read(cursor, vector, text, terms, first, after, want - len(found))
            read_from = first
            if len(found) >= want:
                return found, False
        return found, True

    def _read(self, cursor, vector, text, terms, first, after, need: int) -> list[tuple[int, int]]:
        """Verified candidates of one window, newest first: at least `need` if there are that many."""
        # `sort_key + 0`: never an index on the sort key here, whose walk in order would read and test every
        # row's vector; the candidates come from GIN and are sorted (top-N) after.
        sql = (
            f"SELECT sort_key, item_id FROM catalogue_search WHERE {vector} @@ %s::tsquery"  # noqa: S608
            " AND sort_key + 0 >= %s AND sort_key + 0 < %s ORDER BY sort_key + 0 DESC"
        )
        params = [" & ".join(terms), max(self.low, day_key(first)), min(self.high, day_key(after))]
        found: list[tuple[int, int]] = []
        # Ask for the newest few needed (with room for candidates that fail verification) rather than every
        # candidate of the window; only if those are not enough, for the rest.
        limit = need + need // 2 + 50 if self.verify else need
        cursor.execute(sql + " LIMIT %s", [*params, limit])
        candidates = cursor.fetchall()
        if len(candidates) == limit:
            found = self._verified(cursor, text, candidates)
            if len(found) >= need:
                return found
            cursor.execute(sql + " OFFSET %s", [*params, limit])
            candidates = cursor.fetchall()
        for part in range(0, len(candidates), 500):
            found += self._verified(cursor, text, candidates[part : part + 500])
            if len(found) >= need:
                break
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
            titles = self._containing(cursor, "title", matches)
            if not complete and len(titles) < offset + limit:
                titles, _all = self._stream(cursor, "tvec", "title", offset + limit)
        ids = _title_hits_first([pk for _key, pk in titles], [pk for _key, pk in matches], limit, offset)
        return SearchResult(ids, total, more)

    def subquery(self) -> tuple[str, list]:
        tests = "".join(" AND strpos(body, %s) > 0" for _run in self.runs) if self.verify else ""
        return (
            "SELECT item_id FROM catalogue_search WHERE vec @@ %s::tsquery AND sort_key >= %s AND sort_key < %s"  # noqa: S608
            + tests,  # fixed parts; every value is a parameter
            [" & ".join(self.terms), self.low, self.high, *(self.runs if self.verify else [])],
        )
