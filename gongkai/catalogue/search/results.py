"""What a search asks and answers, the same for both backends: the filters, one page of ids with its capped
total, and the order of a page (title hits first, then the rest, each newest first).

A search never needs every match to show a page: a backend reads the matches in sort-key order and stops when
the page is full, so a query found in every item costs about as much as a rare one. Totals are exact up to
COUNT_CAP and reported as "more than COUNT_CAP" beyond (the page then offers the first COUNT_CAP results and
the filters to narrow them).
"""

import datetime as dt
import math
from dataclasses import dataclass, field

from gongkai.catalogue.search.keys import day_key

COUNT_CAP = 1000  # the pages stop here: `total` is exact up to it, `more` beyond
COUNT_EXACT = 10_000  # `count` is exact up to this, an estimate (约) beyond

# The orders a page can come in (`search_page(..., order=...)`):
ORDER_TITLE = "title"  # title hits first, then the rest, each newest first (the order before relevance existed)
ORDER_RELEVANCE = "relevance"  # title hits first, then by relevance score (BM25), then newest
ORDER_NEWEST = "newest"  # newest first by publication day alone
ORDERS = (ORDER_TITLE, ORDER_RELEVANCE, ORDER_NEWEST)
# Relevance ranks the newest RANK_WINDOW title hits and the other matches among the newest RANK_WINDOW matches
# (five pages), each tier on its own; older ones follow newest first. Ranking every match the pages can list (COUNT_CAP + 1)
# cost 4-7 times the date order at p95 (docs/benchmarks.md), for an order that only the first pages show anyone.
# A page scores only the tiers it shows (`ranked_candidates`).
RANK_WINDOW = 100


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
    # How many match: exact up to COUNT_EXACT (`count_exact`), above it an estimate to two significant
    # figures (shown with 约). Without `more` it is `total`; with `more` but not counted (search_page's
    # `count=False`), `total` again with `count_exact` false ("more than").
    count: int = -1
    count_exact: bool = True

    def __post_init__(self):
        if self.count < 0:
            object.__setattr__(self, "count", self.total)


def estimate(read: int, newest_day: int, oldest_read_day: int, oldest_day: int) -> int:
    """The matches of the whole range, from `read` matches found newest first back to `oldest_read_day`, by
    their density per day (days as ordinals), to two significant figures. (The count weighs by items per day
    instead: `estimate_by_items`.)"""
    days_read = max(1, newest_day - oldest_read_day + 1)
    return estimate_by_items(read, days_read, max(days_read, newest_day - oldest_day + 1), ceiling=False)


def estimate_by_items(read: int, items_read: int, items_all: int, *, ceiling: bool = True) -> int:
    """The matches among `items_all` items, from `read` matches found among `items_read` of them (the newest), to
    two significant figures: as many per item in the rest as in those read. Never fewer than `read`, and with
    `ceiling` never more than `items_all` (rounded down where rounding would pass it)."""
    value = read * items_all / max(1, items_read)
    digits = max(0, len(str(int(value))) - 2)
    rounded = int(round(value, -digits))
    if ceiling and rounded > items_all:
        rounded = items_all // 10**digits * 10**digits
    return max(read, rounded)


def few_expected(read: int, days_read: int, days_all: int, limit: int) -> bool:
    """Whether `read` matches over `days_read` days say that `days_all` days may hold fewer than 1.25 × `limit`:
    then a count reads them all in one bounded statement instead of newest first (the backends' `count`).

    At 1,000,000 items the page's density put every bench case counted exactly (at most 10,000) below 0.96 ×
    10,001 and every estimated one above 1.7 ×, but for a year's number bunched in old days (#20). With 2.5 ×
    the cases of 17,000 to 24,000 matches read 10,001 in the bounded statement, for nothing, before the
    windows. A wrong guess costs time, never the answer: both ways count the same."""
    return 4 * read * days_all < 5 * limit * days_read


def ranked_window(newest_first: list[int], scores: dict[int, float]) -> list[int]:
    """Ids newest first, the first RANK_WINDOW of them reordered by score (higher first; ties newest first)."""
    head = newest_first[:RANK_WINDOW]
    if not any(pk in scores for pk in head):  # a tier the page does not show (`ranked_candidates`)
        return newest_first
    order = {pk: n for n, pk in enumerate(head)}
    return sorted(head, key=lambda pk: (-scores.get(pk, 0.0), order[pk])) + newest_first[RANK_WINDOW:]


def ranked_candidates(titles: list[int], matches: list[int], limit: int, offset: int) -> list[list[int]]:
    """The ids whose relevance scores decide this page, in the groups to score (each group's BM25 statistics
    taken from its own rows): the newest RANK_WINDOW title hits if the page shows one of them, and the newest
    RANK_WINDOW matches that are not title hits if the page reaches past the title hits into them. A tier the
    page does not show is not read: when the title hits fill the page (the common case for a common word) no
    other match is, and a page past both windows needs no score at all. Each group is the same on every page
    of a query, so pages neither repeat nor skip an item.

    `titles` and `matches` newest first, as `title_hits_first` takes them."""
    groups = []
    if offset < min(RANK_WINDOW, len(titles)):
        groups.append(titles[:RANK_WINDOW])
    if len(titles) < offset + limit:  # then `titles` holds every title hit
        seen = set(titles)
        rest = [pk for pk in matches[:RANK_WINDOW] if pk not in seen]
        if max(0, offset - len(titles)) < len(rest):
            groups.append(rest)
    return groups


def title_hits_first(titles: list[int], matches: list[int], limit: int, offset: int) -> list[int]:
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


BM25_K1 = 1.2
BM25_B = 0.75


def bm25_scores(rows: list[tuple[int, int, list[int]]], size: float) -> dict[int, float]:
    """Okapi BM25 (higher is better) of (item id, text length, occurrences of each query run) rows, the
    documents' average length and each run's document frequency taken from these rows, out of `size` items.
    Both backends' relevance, called once per tier (`ranked_candidates`)."""
    if not rows:
        return {}
    average = sum(length for _pk, length, _tfs in rows) / len(rows) or 1.0
    runs = len(rows[0][2])
    frequency = [sum(1 for _pk, _length, tfs in rows if tfs[n] > 0) for n in range(runs)]
    idf = [math.log(1 + (size - f + 0.5) / (f + 0.5)) for f in frequency]
    weights = [value * (BM25_K1 + 1) for value in idf]
    base, per_length = BM25_K1 * (1 - BM25_B), BM25_K1 * BM25_B / average
    out = {}
    if runs == 1:  # the common case, without a generator per row (the same arithmetic, so the same scores)
        (w,) = weights
        for pk, length, (tf,) in rows:
            out[pk] = w * tf / (tf + (base + per_length * length)) if tf > 0 else 0
        return out
    for pk, length, tfs in rows:
        norm = base + per_length * length
        out[pk] = sum(w * tf / (tf + norm) for w, tf in zip(weights, tfs, strict=True) if tf > 0)
    return out
