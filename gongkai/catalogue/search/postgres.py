"""The PostgreSQL backend: a table `catalogue_search(item_id, sort_key, facets, title, body)` (schema.py) with
GIN indexes on the vectors of its text, computed by the SQL function `catalogue_search_lexemes`, not stored.

`title` and `body` hold the runs of letters and digits of the title and of the title and text (normalised,
joined by single spaces, compressed in the row); `facets` the filter lexemes (agency, category, document type,
validity, year, month and day of publication). The vector of a text is its distinct bigrams, each run's last
character, the trigrams and four-grams of runs of ASCII letters and digits, and the facets, without positions:
the function splits the runs Python cut (no text-search parser, locale or character class is involved). GIN
answers an AND of lexemes exactly without reading the rows, but hands matches over unordered and cannot check
adjacency, so a query's lexemes and filters give candidates, windows of days newest first give the order (see
`Query`), and the stored runs verify each candidate (`strpos`) only as far as the page and the capped total
need. Until issue 20 the vectors were stored as well (twice the bytes; docs/benchmarks.md).

The same functions as sqlite.py, chosen by index.py: `prepare`, `insert`, `remove`, `clear`,
`set_validity` and `Query`.
"""

import datetime as dt
import time
from contextlib import contextmanager

from django.db import connection, transaction

from gongkai.catalogue.search import results
from gongkai.catalogue.search.keys import ID_BITS, day_key, time_tokens, token
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
from gongkai.catalogue.search.syntax import ParsedQuery, Term, pg_phrase_pattern
from gongkai.catalogue.search.text import ascii_query_grams, runs
from gongkai.core.bulk import copy_rows

PROBE_ROWS = 2000  # most matches a window of a year or more is read for at once (see Query._stream)


VECTORS = {
    "vec": "catalogue_search_lexemes(body, facets)",  # the expressions of the GIN indexes (schema.py)
    "tvec": "catalogue_search_lexemes(title, facets)",
}


def prepare(title: str, body: str, day: dt.date, facets: str) -> tuple:
    """An index row without its item id or sort key; pure computation (see `index.index_prepare`)."""
    title_runs, body_runs = " ".join(runs(title)), " ".join(runs(body))
    facets = " ".join([facets, *time_tokens(day_key(day))])
    return (day, facets, title_runs, f"{title_runs} {body_runs}".strip())


def insert(item_ids: list[int], keys: list[int], prepared: list[tuple]) -> None:
    """COPY the entries and the index rows (GIN computes the vectors)."""
    copy_rows("catalogue_searchentry", ["item_id", "sort_key"], list(zip(item_ids, keys, strict=True)))
    copy_rows(
        "catalogue_search",
        ["item_id", "sort_key", "facets", "title", "body"],
        ((pk, key, *row[1:]) for pk, key, row in zip(item_ids, keys, prepared, strict=True)),
    )


def remove(item_ids: list[int], keys: list[int]) -> None:
    """The index rows of these items (their search entries are removed by the caller)."""
    with connection.cursor() as cursor:
        for start in range(0, len(item_ids), 500):
            cursor.execute(
                "DELETE FROM catalogue_search WHERE item_id = ANY(%s::bigint[])", [item_ids[start : start + 500]]
            )


def clear() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM catalogue_search")


def set_validity(item_ids: list[int], validity: str) -> None:
    from gongkai.catalogue.models import Validity

    with connection.cursor() as cursor:
        for start in range(0, len(item_ids), 500):
            part = item_ids[start : start + 500]
            cursor.execute(
                "UPDATE catalogue_search SET facets = array_to_string(array_append(array(SELECT f FROM"
                " unnest(string_to_array(facets, ' ')) AS f WHERE f <> ALL(%(old)s::text[])), %(new)s), ' ')"
                " WHERE item_id = ANY(%(ids)s::bigint[])",
                {"old": [f"vl{token(v)}" for v in Validity.values], "new": f"vl{token(validity)}", "ids": part},
            )


COMMON_SHARE = 0.3  # PostgreSQL: a lexeme in more than this share of the items is "common"
COMMON_TTL = 600  # seconds a process keeps the list of common lexemes
MOST_LEXEMES = 3  # PostgreSQL: the query's rarest lexemes that GIN is asked for, when candidates are verified
_common: tuple[float, dict[str, float]] = (0.0, {})


def _common_lexemes() -> dict[str, float]:
    """The lexemes of the text vectors in more than COMMON_SHARE of the rows, with their shares, from the
    statistics that ANALYZE (or autovacuum) keeps for the GIN index's expression; empty before the first
    ANALYZE."""
    global _common
    now = time.monotonic()
    if now - _common[0] < COMMON_TTL:
        return _common[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats"
            " WHERE tablename = 'catalogue_search_vec' AND schemaname = current_schema()"
        )
        row = cursor.fetchone()
    common = {}
    if row and row[0]:
        lexemes, shares = row
        common = {x: share for x, share in zip(lexemes, shares, strict=False) if share > COMMON_SHARE}
    _common = (now, common)
    return common


def _lexemes(term: Term) -> tuple[list[str], bool]:
    """The lexemes GIN is asked for a term, and whether they find exactly its items (a single lexeme that is the
    whole term)."""
    ascii_lexemes, implied = ascii_query_grams(*term.lookup_runs)
    # A bigram inside a run of three or more ASCII letters and digits is implied by that run's trigrams or
    # four-grams, and digits' bigrams are in nearly every item: asking GIN for them only slows the lookup.
    lexemes = sorted({g for p in term.phrases() for g in p} - implied) + sorted(ascii_lexemes)
    # A single character: a prefix of the lexemes (each run's last character is one of its own). A letter may
    # also begin a filter lexeme (ag…, dy…), so only other characters are exact.
    lexemes += [f"{char}:*" for char in term.singles]
    exact = len(lexemes) == 1 and not term.phrase and len(term.lookup_runs) == 1
    exact = exact and not (lexemes[0].endswith(":*") and lexemes[0][0].isascii() and lexemes[0][0].isalpha())
    return lexemes, exact


def _quoted(lexeme: str) -> str:
    """A lexeme in a tsquery: quoted, a prefix (`x:*`) with its marker outside the quotes."""
    return f"'{lexeme[:-2]}':*" if lexeme.endswith(":*") else f"'{lexeme}'"


def _term_sql(term: Term, column: str) -> tuple[str, list]:
    """SQL testing that a normalised text column holds a term: each run a substring, or a phrase's pattern."""
    if term.phrase:
        return f"{column} ~ %s", [pg_phrase_pattern(term.runs)]
    return "(" + " AND ".join([f"strpos({column}, %s) > 0"] * len(term.lookup_runs)) + ")", list(term.lookup_runs)


def _any_sql(terms, column: str) -> tuple[str, list]:
    parts = [_term_sql(term, column) for term in terms]
    return "(" + " OR ".join(sql for sql, _p in parts) + ")", [x for _s, p in parts for x in p]


def matches_sql(query: ParsedQuery, column: str, *, excluded_column: str | None = None) -> tuple[str, list]:
    """SQL testing the query against normalised text: every group in `column`, no excluded term in
    `excluded_column` (the whole text, also for the title tier)."""
    sql, params = [], []
    for group in query.groups:
        part, values = _any_sql(group, column)
        sql.append(part)
        params += values
    if query.excluded and excluded_column:
        part, values = _any_sql(query.excluded, excluded_column)
        sql.append("NOT " + part)
        params += values
    return " AND ".join(sql), params


class Query:
    """Title hits, then the other matches, each newest first, from GIN indexes that are never rechecked.

    The vectors hold bigrams without positions (and ASCII trigrams and four-grams), plus filter lexemes, so a
    GIN lookup is exact for the filters and for a query that is one lexeme, and a superset for a longer one;
    candidates are then verified against the stored normalised text (every run of the query is a substring
    of it), newest first, only as far as the page and the capped total need. GIN hands candidates over
    unordered, so a stream asks for them one calendar window at a time, newest first (`dy`, `mo` and `yr`
    lexemes), guided by the density of matches it has seen: a common query stops within the newest days, a
    rare one asks for everything older after a few windows (see `_stream`).
    """

    def __init__(self, query: ParsedQuery, filters: SearchFilters):
        self.query = query
        common = _common_lexemes()
        lookups = [[_lexemes(term) for term in group] for group in query.groups]
        # One bigram, trigram or four-gram that is the whole query: GIN's answer is then exact.
        self.verify = bool(query.excluded) or not (len(lookups) == 1 and len(lookups[0]) == 1 and lookups[0][0][1])
        terms = []
        for group in lookups:
            alternatives = []
            for lexemes, _exact in group:
                # Candidates are verified against the text anyway, so a lexeme found in most items (工作, 20)
                # narrows them little and is left out of the lookup, where walking its posting list costs more
                # than the rest; when every one is common, the rarest alone. Of the rest, the MOST_LEXEMES rarest
                # are enough to narrow them (each more costs GIN a posting list).
                if self.verify:
                    by_share = sorted(lexemes, key=lambda x: common.get(x, 0.0))
                    lexemes = [x for x in by_share if x not in common][:MOST_LEXEMES] or by_share[:1]
                alternatives.append("(" + " & ".join(_quoted(x) for x in lexemes) + ")")
            terms.append(alternatives[0] if len(alternatives) == 1 else "(" + " | ".join(alternatives) + ")")
        if filters.agency_ids is not None:
            terms.append("(" + " | ".join(f"'ag{pk}'" for pk in filters.agency_ids) + ")")
        if filters.excluded_agency_ids:
            terms.append("!(" + " | ".join(f"'ag{pk}'" for pk in filters.excluded_agency_ids) + ")")
        if filters.category_ids is not None:
            terms.append("(" + " | ".join(f"'ct{pk}'" for pk in filters.category_ids) + ")")
        if filters.document_type:
            terms.append(f"'dt{token(filters.document_type)}'")
        if filters.validity:
            terms.append(f"'vl{token(filters.validity)}'")
        self.terms = terms
        start, end = filters.published_from, filters.published_before
        self.year_terms = []  # whole years: GIN narrows to them too, where a window names no day, month or year
        if start and end and (start.month, start.day, end.month, end.day) == (1, 1, 1, 1):
            self.year_terms = ["(" + " | ".join(f"'yr{y}'" for y in range(start.year, end.year)) + ")"]
        self.low, self.high = filters.key_range()
        self.timeline: tuple | None = None
        self.read_back: tuple[int, int, int] | None = None
        self.page_read: tuple[int, int] | None = None  # a page's matches past the cap: how many, the oldest key
        self.counting = False  # a count's stream: windows tallied in SQL (`_tally`), no rows handed over

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
            if self.counting:
                # A count reads every match it still needs, sorted or not, so the bound that keeps a page from
                # sorting a bunched stretch to show its newest few is what is still needed, with room: a year
                # of 2,030 matches (one agency's 通知 at 200,000 items) over the page's 2,000 was read up to the
                # bound for nothing and then a month at a time, 33 statements for one count (#20).
                still = want - len(found)
                bound = still + still // 4 + 50
            read_days = (newest - read_from).days + 1
            # Matches per day so far, counting one more than found: none in a day's sample is not rarity.
            rate = (len(found) + 1) / read_days if read_days > 0 else float("inf")
            if parts:
                window = parts.pop(0)
                if self.counting:
                    window = self._joined(window, parts, rate, want - len(found))
            elif rate * (read_from - oldest).days <= bound / 2:
                window = [], oldest, read_from  # everything older
            else:
                window = next(windows, None) or ([], oldest, read_from)
            lexemes, first, after = window
            first, after = max(first, oldest), min(after, read_from)
            if first >= after:
                continue
            if self.counting and lexemes and lexemes[0][:2] in ("mo", "dy") and read_days > 0:
                # A count reads every candidate of a window: one of weeks or months that should hold more than
                # the bound is read in runs of days instead (at 1,000,000 items the two months after a common
                # word's page would hold about 16,000 matches, 270 a day, where a count needs 9,000; #20).
                days = (after - first).days
                if days > 1 and rate * days > bound:
                    parts = self._days(first, after, max(1, min(10, int(bound / rate)))) + parts
                    continue
            if not lexemes or lexemes[0].startswith("yr"):
                if rate * (after - first).days > bound:
                    still = want - len(found)
                    # A count takes single months and joins them as it reads (`_joined`), by what it still needs.
                    months = 1 if self.counting else -(-still // max(1, int(rate * 30)))
                    parts = self._split(lexemes, first, after, months=months) + parts
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
                if vector == "vec" and self.read_back is None:  # for `count`: how far the page's reached
                    oldest_found = dt.date.fromordinal(found[-1][0] >> ID_BITS)  # each window's come newest first
                    self.read_back = (len(found), (newest - oldest_found).days + 1, (newest - oldest).days + 1)
                return found, False
        return found, True

    @staticmethod
    def _days(first: dt.date, after: dt.date, days: int) -> list[tuple[list[str], dt.date, dt.date]]:
        """Windows of `days` days (their day lexemes) covering [first, after), newest first."""
        out = []
        end = after
        while end > first:
            start = max(first, end - dt.timedelta(days=days))
            out.append(
                ([f"dy{end - dt.timedelta(days=n):%Y%m%d}" for n in range(1, (end - start).days + 1)], start, end)
            )
            end = start
        return out

    @staticmethod
    def _joined(window, parts: list, rate: float, most: int):
        """A count's next window of single months (`_split`'s parts), joined with the months after it (older,
        each adjoining the last) while the run should hold no more than `most` (what the count still needs) at
        the density seen so far, and at most six months (each a lexeme GIN checks). Parts sized when a year was
        split, by what was still needed then, left the last one far too big: the tenth month of 工作 among
        normative files at 200,000 items read 3,390 matches for the 82 still needed (#20). A count reads every
        match of the run, so it should hold about what is still needed, no more; what a run leaves is read in
        days (`_days`) when a month would hold too many."""
        lexemes, first, after = window
        if not (lexemes and lexemes[0].startswith("mo")):
            return window
        lexemes = list(lexemes)
        while parts and len(lexemes) < 6:
            more, older, end = parts[0]
            if not (len(more) == 1 and more[0].startswith("mo") and end == first):
                break
            if rate * (after - older).days > most:
                break
            parts.pop(0)
            lexemes, first = lexemes + more, older
        return lexemes, first, after

    def _terms(self, lexemes: list[str]) -> list[str]:
        """The query's terms and a window's lexemes (or the filter's whole years, for a window with none)."""
        if not lexemes:
            return self.terms + self.year_terms
        return [*self.terms, "(" + " | ".join(f"'{x}'" for x in lexemes) + ")"]

    def _window_sql(self, vector: str, text: str, terms: list[str], first: dt.date, after: dt.date):
        """The SQL and parameters selecting (sort key, item id, in title) of a window's candidates, unordered;
        "in title" says whether the title holds every run of the query.

        `sort_key + 0`: never an index on the sort key here, whose walk in order would read and test every
        row's vector; the candidates come from GIN. The title is in the row (see `schema._pg_create_table`), so it
        is checked on the page the scan reads anyway: for the title stream that is the verification. For a count
        (`counting`) only the sort keys of the matches are selected: the body is checked on the page that the
        scan reads, in the statement (a second look-up by item id read each row twice; #20), and the title test
        is not needed."""
        counted_body = self.counting and text == "body"
        in_title, params = ("", []) if counted_body else matches_sql(self.query, "title")
        columns = "sort_key" if counted_body else f"sort_key, item_id, {in_title}"
        sql = (
            f"SELECT {columns} FROM catalogue_search WHERE {VECTORS[vector]} @@ %s::tsquery"  # noqa: S608
            " AND sort_key + 0 >= %s AND sort_key + 0 < %s"
        )
        params += [" & ".join(terms), max(self.low, day_key(first)), min(self.high, day_key(after))]
        if self.verify and counted_body:
            tests, values = matches_sql(self.query, "body", excluded_column="body")
            sql += " AND " + tests
            params += values
        if self.verify and text == "title":
            tests, values = matches_sql(self.query, "title", excluded_column="body")
            sql += " AND " + tests
            params += values
        return sql, params

    def _checked(self, cursor, text: str, candidates: list, need: int) -> list[tuple[int, int, bool]]:
        """The candidates (newest first) whose text holds every run of the query, checked in that order only
        until `need` pass: the body is decompressed for the check, which costs more than finding the
        candidate, so a window's candidates beyond what the page needs are never checked."""
        if not (self.verify and text == "body"):
            return candidates
        tests, values = matches_sql(self.query, "body", excluded_column="body")
        found: list[tuple[int, int, bool]] = []
        size = max(need + need // 4 + 20, 100)  # room for some that fail
        for part in range(0, len(candidates), size):
            chunk = candidates[part : part + size]
            cursor.execute(
                f"SELECT item_id FROM catalogue_search WHERE item_id = ANY(%s::bigint[]) AND {tests}",  # noqa: S608
                [[c[1] for c in chunk], *values],
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
        if self.counting and text == "body":
            return self._tally(cursor, sql, params, need, bound=bound)
        cursor.execute(sql + " LIMIT %s", [*params, bound + 1])
        candidates = cursor.fetchall()
        if len(candidates) > bound:
            return None
        return self._checked(cursor, text, sorted(candidates, reverse=True), need)

    def _read(self, cursor, vector, text, terms, first, after, need: int) -> list[tuple[int, int, bool]]:
        """The newest `need` matches of a window of at most a few months (fewer if it holds fewer)."""
        sql, params = self._window_sql(vector, text, terms, first, after)
        if self.counting and text == "body":
            return self._tally(cursor, sql, params, need) or []
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

    @staticmethod
    def _tally(
        cursor, sql: str, params: list, need: int, bound: int | None = None
    ) -> list[tuple[int, int, bool]] | None:
        """A count's reading of a window (`_window_sql` while `counting`: the sort keys of its matches): how many of
        its newest `need` there are and the oldest of them, counted in the statement rather than handed over
        row by row (#20). They come back as that many copies of (oldest key, 0, False), which is all a count's
        stream looks at. With `bound` (a window of a year or more; `_probe`): None when the window holds more
        than `bound` matches."""
        if bound is None:
            cursor.execute(
                f"SELECT count(*), min(sort_key) FROM ({sql} ORDER BY sort_key + 0 DESC LIMIT %s) AS m",  # noqa: S608
                [*params, need],
            )
            read, oldest = cursor.fetchone()
        else:
            cursor.execute(
                f"WITH m AS MATERIALIZED ({sql} LIMIT %s) SELECT (SELECT count(*) FROM m), count(*), min(sort_key)"  # noqa: S608
                " FROM (SELECT sort_key FROM m ORDER BY sort_key DESC LIMIT %s) AS newest",
                [*params, bound + 1, need],
            )
            held, read, oldest = cursor.fetchone()
            if held > bound:
                return None
        return [(oldest, 0, False)] * read

    # The planner's settings for the search's statements, and their values while a search runs (`_cursor`).
    SETTINGS = {"enable_seqscan": "off", "max_parallel_workers_per_gather": "0", "jit": "off"}

    @contextmanager
    def _cursor(self):
        """A cursor in a transaction where the planner may not scan the table instead of the GIN indexes, nor
        start parallel workers or compile the statements.

        Its estimates for a query of many lexemes (a window of days) are far too high: a sequential scan would
        compute every row's vector, and a cost past the thresholds starts two parallel workers and JIT-compiles
        the plan in each, about 20 ms a statement for a millisecond of work (at 1,000,000 items a common word's
        first page with its count took 131 ms, 11 without them; its first page alone 23 ms, 2.3 without). The
        GIN indexes, in one process, are always the cheaper way here. More memory than the default for the
        bitmap of a window's candidates keeps it exact: a lossy page is rechecked by computing the vectors of
        its rows. The settings are local to the transaction and put back after, for an outer one.
        """
        names = list(self.SETTINGS)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT set_config('work_mem', '32MB', true)")
            cursor.execute(
                "SELECT " + ", ".join(f"current_setting('{name}'), set_config('{name}', %s, true)" for name in names),
                [self.SETTINGS[name] for name in names],
            )
            previous = cursor.fetchone()[::2]
            try:
                yield cursor
            finally:
                cursor.execute(
                    "SELECT " + ", ".join(f"set_config('{name}', %s, true)" for name in names), list(previous)
                )

    def page(self, limit: int, offset: int, cap: int, order: str = ORDER_TITLE) -> SearchResult:
        with self._cursor() as cursor:
            matches, complete = self._stream(cursor, "vec", "body", cap + 1)
            total, more = min(len(matches), cap), len(matches) > cap
            if more:  # the newest matches, every one down to the oldest of them: a count goes on from there
                self.page_read = (len(matches), min(m[0] for m in matches))
            if not matches or not limit or offset >= total:
                return SearchResult([], total, more)
            if order == ORDER_NEWEST:
                return SearchResult([m[1] for m in matches[offset : offset + limit]], total, more)
            # The title hits among the newest matches are the newest title hits: if they are all the matches, or
            # enough for the page (for relevance: all the page may list), the title index need not be asked.
            titles = [match for match in matches if match[2]]
            want = max(offset + limit, results.RANK_WINDOW) if order == ORDER_RELEVANCE else offset + limit
            if not complete and len(titles) < want:
                titles, _all = self._stream(cursor, "tvec", "title", want)
            match_ids, title_ids = [m[1] for m in matches], [m[1] for m in titles]
            if order == ORDER_RELEVANCE:
                scores = self._scores(cursor, ranked_candidates(title_ids, match_ids, limit, offset))
                match_ids, title_ids = ranked_window(match_ids, scores), ranked_window(title_ids, scores)
        return SearchResult(title_hits_first(title_ids, match_ids, limit, offset), total, more)

    def _scores(self, cursor, groups: list[list[int]]) -> dict[int, float]:
        """A BM25 score per item of these groups of ids (`results.ranked_candidates`), from the stored
        normalised title and text: each run of the query's words (and their synonyms) counted in the text,
        against the text's length; the average length and a run's rarity (IDF: how many of the group's items
        hold it, out of the index's estimated size) from the group's own rows. (ts_rank needs positions, which
        the vectors do not keep.) Computed for the items the page can list only."""
        query_runs = sorted({run for term in self.query.terms() for run in term.lookup_runs})
        item_ids = sorted({pk for group in groups for pk in group})
        if not item_ids or not query_runs:
            return {}
        counts = ", ".join(
            ["(char_length(body) - char_length(replace(body, %s::text, ''))) / char_length(%s::text)"] * len(query_runs)
        )
        cursor.execute(
            f"SELECT item_id, char_length(body), {counts} FROM catalogue_search"  # noqa: S608 - fixed parts
            " WHERE item_id = ANY(%s::bigint[])",
            [x for run in query_runs for x in (run, run)] + [item_ids],
        )
        row_of = {pk: (pk, length, list(tfs)) for pk, length, *tfs in cursor.fetchall()}
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'catalogue_search'::regclass")
        size = max(float(cursor.fetchone()[0] or 0), 1.0)
        scores: dict[int, float] = {}
        for group in groups:
            rows = [row_of[pk] for pk in group if pk in row_of]
            scores |= bm25_scores(rows, max(size, len(rows)))
        return scores

    def count(self, limit: int) -> tuple[int, int]:
        """How many match, counted newest first up to `limit` (the same stream as a page's), and the sort key of
        the oldest counted.

        The page has read the newest matches already (`page_read`: all there are down to its oldest key), so only
        the older ones are read here, as the rest of the range (#20: reading the page's windows again cost as
        much as the page). Fewer than `limit`: counted by one bounded statement, the same for every way of
        reading them. Otherwise the stream's windows, each candidate's body checked in the statement that reads
        its row (#20)."""
        counted, oldest_counted = self.page_read or (0, 0)
        rest = limit - counted
        if rest <= 0:
            return counted, oldest_counted
        # The page's stream read its matches back to some day: if their density says the range may hold fewer
        # than 1.25 times `limit`, one bounded statement counts them all (one GIN lookup, each candidate's row read
        # once and checked there) and is exact when it finds fewer. Past that the windows read only the newest,
        # and the statement would be wasted. (Matches bunched in old days, a year's number, fool the density into
        # the wasted statement: two in 144 cases at 1,000,000.)
        few = self.read_back is None or results.few_expected(*self.read_back, limit)
        high, timeline = self.high, self.timeline
        if self.page_read is not None:
            self.high, self.timeline = oldest_counted, None  # every match from here up is among the page's
        try:
            read, oldest = self._count_rest(rest, few, bound=rest + limit // 4)
        finally:
            self.high, self.timeline = high, timeline
        return counted + read, oldest or oldest_counted

    def _count_rest(self, limit: int, few: bool, bound: int) -> tuple[int, int]:
        """`count` in the range left (`self.low` to `self.high`): how many match newest first up to `limit`, and
        the oldest counted's sort key (0 for none); first by one statement bounded by `bound` (at least `limit`)
        when `few` are expected.

        That statement keeps up to `bound` matches (what the page predicted the range holds) and tallies the
        newest `limit` of them, as `_tally` does a year's window: when the range holds no more, the same count
        and oldest key as the windows. When it stopped at `limit`, a count of 10,001 to 12,500 matches read
        them once for nothing and then again by windows (#20: 乡村 at 200,000 items, 10,579 matches)."""
        with self._cursor() as cursor:
            if few:
                sql, params = self._match_sql("sort_key", "sort_key + 0")
                got = self._tally(cursor, sql, params, limit, bound=max(bound, limit))
                if got is not None:
                    return len(got), (got[0][0] if got else 0) or 0
            self.counting = True
            try:
                matches, _complete = self._stream(cursor, "vec", "body", limit)
            finally:
                self.counting = False
        return len(matches), (min(m[0] for m in matches) if matches else 0)

    def subquery(self) -> tuple[str, list]:
        return self._match_sql("item_id", "sort_key")

    def _match_sql(self, column: str, key: str) -> tuple[str, list]:
        """`column` of every match in the filters' range, unordered, checked in SQL; `key` is how the range reads
        the sort key (`sort_key + 0` keeps the planner off its index: see `_window_sql`)."""
        tests, values = matches_sql(self.query, "body", excluded_column="body") if self.verify else ("", [])
        return (
            f"SELECT {column} FROM catalogue_search WHERE {VECTORS['vec']} @@ %s::tsquery"  # noqa: S608
            f" AND {key} >= %s AND {key} < %s"
            + (" AND " + tests if tests else ""),  # fixed parts; every value is a parameter
            [" & ".join(self.terms + self.year_terms), self.low, self.high, *values],
        )
