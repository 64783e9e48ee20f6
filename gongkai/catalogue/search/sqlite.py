"""The SQLite backend: two FTS5 tables whose rowid is the sort key (schema.py), so FTS5 walks its document
lists newest first (ORDER BY rowid DESC) and stops at the LIMIT; a year is a rowid range. The columns hold
`bigram_string`s: the bigrams space-separated, with one-character tokens at each break, so a phrase cannot
span a break; FTS5's `ascii` tokenizer splits on the spaces and keeps every other character. The filters are
tokens too (`facets`), so FTS5 intersects them with the text by skipping through its document lists.

The same functions as postgres.py, chosen by index.py: `prepare`, `insert`, `remove`, `clear`,
`set_validity` and `Query`.
"""

import threading
import time
import zlib

from django.db import connection
from zlib_ng.zlib_ng import decompress as _inflate  # zlib's format, a faster inflate

from gongkai.catalogue.search import results
from gongkai.catalogue.search.keys import ID_BITS, ID_MASK, entries, token
from gongkai.catalogue.search.results import (
    ORDER_NEWEST,
    ORDER_RELEVANCE,
    ORDER_TITLE,
    SearchFilters,
    SearchResult,
    bm25_scores,
    ranked_candidates,
    ranked_window,
    title_hits_first,
)
from gongkai.catalogue.search.schema import SQLITE_TABLES
from gongkai.catalogue.search.syntax import ParsedQuery, Term
from gongkai.catalogue.search.text import bigram_string, index_string, runs
from gongkai.core.bulk import insert_values

TITLE_WEIGHT = 10  # relevance: a word in the title counts as ten in the text


def _pack(title: str, body: str) -> bytes:
    """An index row's text, compressed: what deleting the row needs (the tables keep no text)."""
    return zlib.compress(f"{title}\x00{body}".encode(), 6)


def _unpack(data: bytes) -> tuple[str, str]:
    title, body = zlib.decompress(data).decode().split("\x00")
    return title, body


TEXT_CACHE_BYTES = 8 << 20  # decompressed texts (with their compressed keys) a process keeps for relevance
_texts: dict[bytes, tuple[int, bytes]] = {}  # least recently used first (a hit is moved to the end)
_texts_bytes = 0
_texts_lock = threading.Lock()


def _decompressed(datas: list[bytes]) -> list[tuple[int, bytes]]:
    """Compressed texts (`_pack`), each as UTF-8 bytes (the title, a zero byte, the body) and where its title
    ends.

    Relevance scores the newest hundred title hits or other matches of a query, and decompressing them was
    most of its cost: about 8 µs each for a text of a thousand characters with the standard library's zlib,
    5 µs with zlib-ng's inflate (`_inflate`: the same format, so the texts already written are read as they
    are, and `_pack` still writes them with zlib; issue 20). Every page of a ranked query scores the same
    ones again, so a process keeps the texts it decompressed last, up to TEXT_CACHE_BYTES (a text larger
    than a 64th of that is never kept), looked up by the compressed bytes themselves: a changed text is other
    bytes, so never a stale one. One call per group of texts: the lock is taken once to look them up and
    once to keep the new ones, not twice a text."""
    global _texts_bytes
    with _texts_lock:
        found = [_texts.pop(data, None) for data in datas]
        for data, hit in zip(datas, found, strict=True):
            if hit is not None:
                _texts[data] = hit  # now the most recently used
    new = []
    out = []
    for data, hit in zip(datas, found, strict=True):
        if hit is None:
            text = _inflate(data)
            hit = (text.index(b"\x00"), text)
            if len(data) + len(text) <= TEXT_CACHE_BYTES // 64:
                new.append((data, hit))
        out.append(hit)
    if new:
        with _texts_lock:
            for data, hit in new:
                if data not in _texts:
                    _texts[data] = hit
                    _texts_bytes += len(data) + len(hit[1])
            oldest = []  # (a dict cannot lose keys while it is walked)
            for key, (_end, text) in _texts.items():
                if _texts_bytes <= TEXT_CACHE_BYTES:
                    break
                oldest.append(key)
                _texts_bytes -= len(key) + len(text)
            for key in oldest:
                del _texts[key]
    return out


def forget_texts() -> None:
    """Empty the decompressed texts (`_decompressed`): for tests and benchmarks."""
    global _texts_bytes
    with _texts_lock:
        _texts.clear()
        _texts_bytes = 0


def prepare(title: str, body: str, day, facets: str) -> tuple:
    """An index row without its item id or sort key; pure computation (see `index.index_prepare`). The text
    is kept as its runs (`index_string`'s input), compressed."""
    title, body = " ".join(runs(title)), " ".join(runs(body))
    return (day, title, body, facets, _pack(title, body))


def insert(item_ids: list[int], keys: list[int], prepared: list[tuple]) -> None:
    """The entries, the compressed texts and the rows of both contentless tables."""
    with connection.cursor() as cursor:
        insert_values(cursor, "catalogue_searchentry (item_id, sort_key)", list(zip(item_ids, keys, strict=True)))
        insert_values(
            cursor,
            "catalogue_search_rows(rowid, facets, text)",
            [(key, row[3], row[4]) for key, row in zip(keys, prepared, strict=True)],
        )
        rows = [
            (key, index_string(row[1]), index_string(row[2]), row[3]) for key, row in zip(keys, prepared, strict=True)
        ]
        insert_values(cursor, "catalogue_search(rowid, title, body, facets)", rows)
        insert_values(
            cursor,
            "catalogue_search_title(rowid, title, facets)",
            [(key, title, facets) for key, title, _b, facets in rows],
        )


def _written(cursor, keys: list[int]) -> list[tuple[int, str, str, str]]:
    """(sort key, title, body, facets) of index rows as they were written: the contentless tables delete a row
    by the values it was written with (wrong ones would leave its tokens behind), so these come from
    `catalogue_search_rows`, never from the item, whose text may have changed since."""
    out = []
    for start in range(0, len(keys), 500):
        part = keys[start : start + 500]
        cursor.execute(
            f"SELECT rowid, facets, text FROM catalogue_search_rows WHERE rowid IN ({', '.join(['%s'] * len(part))})",  # noqa: S608
            part,
        )
        out += [(key, *_unpack(data), facets) for key, facets, data in cursor.fetchall()]
    return out


def _delete(cursor, rows: list[tuple[int, str, str, str]]) -> None:
    """The rows out of both tables (FTS5's 'delete' command with the values they were written with)."""
    if not rows:
        return
    strings = [(key, index_string(title), index_string(body), facets) for key, title, body, facets in rows]
    insert_values(
        cursor,
        "catalogue_search(catalogue_search, rowid, title, body, facets)",
        [("delete", *row) for row in strings],
    )
    insert_values(
        cursor,
        "catalogue_search_title(catalogue_search_title, rowid, title, facets)",
        [("delete", key, title, facets) for key, title, _body, facets in strings],
    )


def remove(item_ids: list[int], keys: list[int]) -> None:
    """The index rows of these items (their search entries are removed by the caller)."""
    with connection.cursor() as cursor:
        _delete(cursor, _written(cursor, keys))
        for start in range(0, len(keys), 500):
            part = keys[start : start + 500]
            cursor.execute(
                f"DELETE FROM catalogue_search_rows WHERE rowid IN ({', '.join(['%s'] * len(part))})",  # noqa: S608
                part,
            )


def clear() -> None:
    with connection.cursor() as cursor:
        for table in SQLITE_TABLES:
            cursor.execute(f"INSERT INTO {table}({table}) VALUES ('delete-all')")  # noqa: S608 - fixed names
        cursor.execute("DELETE FROM catalogue_search_rows")


def set_validity(item_ids: list[int], validity: str) -> None:
    """Each row deleted with its old facets and written again with the new validity token."""
    with connection.cursor() as cursor:
        rows = _written(cursor, [key for _pk, key in entries(item_ids)])
        _delete(cursor, rows)
        for key, title, body, facets in rows:
            facets = " ".join([t for t in facets.split() if not t.startswith("vl")] + [f"vl{token(validity)}"])
            cursor.execute("UPDATE catalogue_search_rows SET facets = %s WHERE rowid = %s", [facets, key])
            title, body = index_string(title), index_string(body)
            cursor.execute(
                "INSERT INTO catalogue_search(rowid, title, body, facets) VALUES (%s, %s, %s, %s)",
                [key, title, body, facets],
            )
            cursor.execute(
                "INSERT INTO catalogue_search_title(rowid, title, facets) VALUES (%s, %s, %s)", [key, title, facets]
            )


def _term_expr(term: Term) -> str:
    """FTS5: a phrase is the tokens of its bigram string (with the one-character tokens at its breaks, which
    match any break in the text); a word, each of its runs as a phrase of bigrams, and a single character as a
    prefix (every character of the text starts a token: `text.index_string`)."""
    if term.phrase:
        return '"' + bigram_string(" ".join(term.runs)).strip() + '"'
    parts = ['"' + " ".join(p) + '"' for p in term.phrases()] + [f'"{char}"*' for char in term.singles]
    return "(" + " AND ".join(parts) + ")"


_size: tuple[float, int] = (0.0, 0)
SIZE_TTL = 600  # seconds a process keeps the index's size (relevance's IDF needs it only roughly)


def _index_size() -> int:
    """How many items are indexed, counted at most once per SIZE_TTL per process (a count reads every entry)."""
    global _size
    now = time.monotonic()
    if now - _size[0] >= SIZE_TTL or not _size[1]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM catalogue_searchentry")
            _size = (now, cursor.fetchone()[0])
    return _size[1]


class Query:
    """FTS5 does it all: the match, the filters (facet tokens and a rowid range) and the order (rowid DESC).

    The title tier reads its own small table: a column filter on the big one would still walk the text's
    document lists, so a phrase common in bodies but rare in titles would cost a pass over its every match.
    """

    def __init__(self, query: ParsedQuery, filters: SearchFilters):
        self.query = query
        positive = " AND ".join("(" + " OR ".join(_term_expr(t) for t in group) + ")" for group in query.groups)
        negative = " OR ".join(_term_expr(t) for t in query.excluded)
        facets = []
        if filters.agency_ids is not None:
            facets.append(" OR ".join(f"ag{pk}" for pk in filters.agency_ids))
        if filters.category_ids is not None:
            facets.append(" OR ".join(f"ct{pk}" for pk in filters.category_ids))
        if filters.document_type:
            facets.append(f"dt{token(filters.document_type)}")
        if filters.validity:
            facets.append(f"vl{token(filters.validity)}")
        narrowed = "".join(f" AND (facets : ({f}))" for f in facets)
        if filters.excluded_agency_ids:
            narrowed += " NOT (facets : (" + " OR ".join(f"ag{pk}" for pk in filters.excluded_agency_ids) + "))"
        # The text's columns need naming only when a term is a prefix (a single character, `"a"*`), which a
        # filter token (ag…, dt…) may begin: every other token of a query is one or two characters, and a
        # filter token never is (`keys.facet_tokens`), so it can only ever match in the text's columns. A
        # column filter makes FTS5 read each match's position list to see its column, even for a one-bigram
        # word whose document list alone would answer (#20: a count of 10,001 matches of 黎平 among normative
        # files at 200,000 items, 6.9 → 2.2 ms); without it the matches are the same.
        prefixed = any(term.singles for term in (*query.terms(), *query.excluded))
        text_cols, title_col = ("{title body} : ", "title : ") if prefixed else ("", "")
        if negative:
            # An excluded word leaves an item out wherever it stands, so the title tier reads the big table.
            self.any_expr = f"(({text_cols}({positive})) NOT ({text_cols}({negative})){narrowed})"
            self.title_expr = f"((title : ({positive})) NOT ({text_cols}({negative})){narrowed})"
            self.title_table = "catalogue_search"
        else:
            self.any_expr = f"(({text_cols}({positive})){narrowed})"
            self.title_expr = f"(({title_col}({positive})){narrowed})"
            self.title_table = "catalogue_search_title"
        self.low, self.high = filters.key_range()
        self.read_back: tuple[int, int, int] | None = None  # the page's matches: how many, newest, oldest key

    def _keys(self, table: str, expression: str, limit: int) -> list[int]:
        """The sort keys of the newest `limit` matches."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid FROM {table} WHERE {table} MATCH %s AND rowid >= %s AND rowid < %s"  # noqa: S608
                " ORDER BY rowid DESC LIMIT %s",
                [expression, self.low, self.high, limit],
            )
            return [row[0] for row in cursor.fetchall()]

    def _ids(self, table: str, expression: str, limit: int) -> list[int]:
        return [key & ID_MASK for key in self._keys(table, expression, limit)]

    def _title_rows(self, limit: int, texts: bool) -> list[tuple[int, bytes | None]]:
        """(sort key, compressed text or None) of the newest `limit` title hits: the texts read in the same
        statement when relevance will score the title hits (no second lookup by a list of keys)."""
        table = self.title_table
        if not texts:
            return [(key, None) for key in self._keys(table, self.title_expr, limit)]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT t.rowid, r.text FROM {table} AS t LEFT JOIN catalogue_search_rows AS r ON r.rowid = t.rowid"  # noqa: S608
                f" WHERE {table} MATCH %s AND t.rowid >= %s AND t.rowid < %s ORDER BY t.rowid DESC LIMIT %s",
                [self.title_expr, self.low, self.high, limit],
            )
            return cursor.fetchall()

    def _scores(self, groups: list[list[int]], texts: dict[int, bytes], keys: list[int]) -> dict[int, float]:
        """A BM25 score per item of these groups of ids (`results.ranked_candidates`), from their texts in
        `catalogue_search_rows` (`texts`, by id, or read here by their sort keys among `keys`): each run of the
        query's words (and synonyms) counted in the text, title occurrences ten times, against the text's
        length; the average length and a run's rarity (IDF: how many of the group's items hold it, out of the
        index's size) from the group's own rows.

        Not FTS5's bm25(), which learns each phrase's rarity by walking its whole document list once per query:
        for a bigram in every item that cost more than the search (7 ms at 20,000 items, growing with the
        catalogue), where this reads only the rows ranked: decompressing them is most of relevance's cost."""
        runs_asked = sorted({run for term in self.query.terms() for run in term.lookup_runs})
        if not groups or not runs_asked:
            return {}
        missing = {pk for group in groups for pk in group if pk not in texts}
        if missing:
            texts = dict(texts)
            part = [key for key in keys if key & ID_MASK in missing]
            with connection.cursor() as cursor:
                for start in range(0, len(part), 500):
                    chunk = part[start : start + 500]
                    cursor.execute(
                        f"SELECT rowid, text FROM catalogue_search_rows WHERE rowid IN ({', '.join(['%s'] * len(chunk))})",  # noqa: S608
                        chunk,
                    )
                    texts |= {key & ID_MASK: data for key, data in cursor.fetchall()}
        size = max(_index_size(), 1)
        asked = [run.encode() for run in runs_asked]  # counted in the UTF-8 bytes: no decoding
        weight = TITLE_WEIGHT - 1
        scores: dict[int, float] = {}
        for group in groups:
            ranked = [pk for pk in group if pk in texts]  # (a row without its text scores nothing)
            rows = [
                # no run holds a zero byte: a count in `text` is title + body
                (
                    pk,
                    len(text) - 1 + weight * end,
                    [weight * text.count(run, 0, end) + text.count(run) for run in asked],
                )
                for pk, (end, text) in zip(ranked, _decompressed([texts[pk] for pk in ranked]), strict=True)
            ]
            scores |= bm25_scores(rows, max(size, len(rows)))
        return scores

    def page(self, limit: int, offset: int, cap: int, order: str = ORDER_TITLE) -> SearchResult:
        keys = self._keys("catalogue_search", self.any_expr, cap + 1)
        self.read_back = (len(keys), keys[0], keys[-1]) if len(keys) > cap else None
        matches = [key & ID_MASK for key in keys]
        total, more = min(len(matches), cap), len(matches) > cap
        if not total or not limit or offset >= total:
            return SearchResult([], total, more)
        if order == ORDER_NEWEST:
            return SearchResult(matches[offset : offset + limit], total, more)
        if order == ORDER_RELEVANCE:
            window = results.RANK_WINDOW
            title_rows = self._title_rows(max(offset + limit, window), texts=offset < window)
            titles = [key & ID_MASK for key, _text in title_rows]
            texts = {key & ID_MASK: text for key, text in title_rows[:window] if text is not None}
            groups = ranked_candidates(titles, matches, limit, offset)
            scores = self._scores(groups, texts, keys[:window])
            titles = ranked_window(titles, scores)
            if len(titles) < offset + limit:  # else the page is title hits alone and the other matches unread
                matches = ranked_window(matches, scores)
        else:
            titles = self._ids(self.title_table, self.title_expr, offset + limit)
        return SearchResult(title_hits_first(titles, matches, limit, offset), total, more)

    def count(self, limit: int) -> tuple[int, int]:
        """How many match, counted newest first up to `limit`, and the sort key of the oldest counted.

        The page has read the newest matches already (`read_back`: all there are down to its oldest key), so
        only the older ones are read here (#20: reading the page's again was a tenth of a count past 10,000,
        and nearly half of one of a few thousand). When the page's matches say there are few (`_few`), first
        without the order: FTS5 reads a document list backwards at some cost, and when the range holds no more
        than predicted the newest of them are sorted out of those read, the same count and oldest either way
        (#20)."""
        counted, oldest_counted, high = 0, 0, self.high
        if self.read_back is not None:
            counted, _newest, oldest_counted = self.read_back
            high = oldest_counted  # every match from here up is among the page's
        rest = limit - counted
        if rest <= 0:
            return counted, oldest_counted
        with connection.cursor() as cursor:
            if self._few(cursor, limit):
                # Up to `bound` matches, unordered (FTS5's own order: oldest first), counted; when the range holds
                # no more than that, the newest `rest` of them are the same count and oldest key as the ordered
                # read gives, the oldest of them found by skipping the ones older (a second, short read of the
                # same order). `bound` is what the page predicted (fewer than 1.25 × `limit` in the range): when
                # it stopped at `rest`, 10,001 to 12,500 matches (乡村 at 200,000 items: 10,579) were read once
                # unordered for nothing and again in order (#20). (Sorting them in SQL, a materialized CTE,
                # cost more than FTS5 reading them: 4.4 ms for 9,578 rows of 乡村 against 1.0 for both reads.)
                bound = rest + limit // 4
                match = (
                    "SELECT rowid FROM catalogue_search WHERE catalogue_search MATCH %s AND rowid >= %s AND rowid < %s"
                    " ORDER BY rowid"
                )
                params = [self.any_expr, self.low, high]
                cursor.execute(f"SELECT count(*), min(rowid) FROM ({match} LIMIT %s)", [*params, bound + 1])  # noqa: S608
                held, oldest = cursor.fetchone()
                if held < rest:
                    return counted + held, oldest or oldest_counted
                if held <= bound:
                    cursor.execute(f"{match} LIMIT 1 OFFSET %s", [*params, held - rest])  # noqa: S608
                    return counted + rest, cursor.fetchone()[0]
            cursor.execute(
                "SELECT count(*), min(rowid) FROM (SELECT rowid FROM catalogue_search WHERE catalogue_search MATCH %s"
                " AND rowid >= %s AND rowid < %s ORDER BY rowid DESC LIMIT %s)",
                [self.any_expr, self.low, high, rest],
            )
            read, oldest = cursor.fetchone()
        return counted + read, oldest or oldest_counted

    def _few(self, cursor, limit: int) -> bool:
        """Whether the density of the page's matches (newest first, back to some day) says the filters' range
        may hold fewer than 1.25 times `limit`."""
        if self.read_back is None:
            return False
        read, newest, oldest_read = self.read_back
        cursor.execute(
            "SELECT sort_key FROM catalogue_searchentry WHERE sort_key >= %s AND sort_key < %s ORDER BY sort_key LIMIT 1",
            [self.low, self.high],
        )
        row = cursor.fetchone()
        if row is None:
            return False
        days_read = (newest >> ID_BITS) - (oldest_read >> ID_BITS) + 1
        days_all = (newest >> ID_BITS) - (row[0] >> ID_BITS) + 1
        return results.few_expected(read, days_read, days_all, limit)

    def subquery(self) -> tuple[str, list]:
        return (
            f"SELECT rowid & {ID_MASK} FROM catalogue_search WHERE catalogue_search MATCH %s"  # noqa: S608 - a constant
            " AND rowid >= %s AND rowid < %s",
            [self.any_expr, self.low, self.high],
        )
