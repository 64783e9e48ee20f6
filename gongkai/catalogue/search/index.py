"""Writing and reading the index, each handed to the backend of the database in use (`backend`).

The index is written by services in the transaction that changes the item (never by signals), so it is always
consistent with the items. `SearchEntry` maps each indexed item to its sort key on both databases.
"""

import dataclasses
from collections.abc import Iterable
from types import ModuleType

from django.db import connection

from gongkai.catalogue.search import postgres, results, sqlite, timeline
from gongkai.catalogue.search.keys import ID_BITS, entries, facet_tokens, publication_day, sort_key
from gongkai.catalogue.search.results import SearchFilters, SearchResult
from gongkai.catalogue.search.syntax import ParsedQuery, from_phrases


def backend(vendor: str | None = None) -> ModuleType:
    """The backend module of a database vendor (by default the connection's): sqlite or postgres."""
    return sqlite if (vendor or connection.vendor) == "sqlite" else postgres


# --- writing ---


def index_remove(item_ids: Iterable[int]) -> None:
    from gongkai.catalogue.models import SearchEntry

    ids = list(item_ids)
    if not ids:
        return
    keys = [key for _pk, key in entries(ids)]
    for start in range(0, len(ids), 500):
        SearchEntry.objects.filter(item_id__in=ids[start : start + 500]).delete()
    backend().remove(ids, keys)
    timeline.forget()


def index_clear() -> None:
    from gongkai.catalogue.models import SearchEntry

    backend().clear()
    SearchEntry.objects.all().delete()
    timeline.forget()


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
    without their item ids: for `index_insert`. Each row starts with the publication day.

    Pure computation (no database, no connection, not even to ask its vendor), so a worker thread may run it
    while the database writes other rows; the publication day is the local date in the active time zone.
    """
    prepare = backend(vendor).prepare
    return [
        prepare(
            title, body, publication_day(published_at), facet_tokens(agency_id, category_id, document_type, validity)
        )
        for title, body, (agency_id, category_id, published_at, document_type, validity) in rows
    ]


def index_insert(item_ids: list[int], prepared: list[tuple]) -> int:
    """Write `index_prepare`'s rows for these items (in the same order); no old entries are removed."""
    if len(item_ids) != len(prepared):
        raise ValueError("one item id per prepared index row")
    keys = [sort_key(row[0], pk) for pk, row in zip(item_ids, prepared, strict=True)]
    backend().insert(item_ids, keys, prepared)
    timeline.forget()
    return len(keys)


def index_set_validity(item_ids: Iterable[int], validity: str) -> None:
    backend().set_validity(list(item_ids), validity)


def index_count() -> int:
    from gongkai.catalogue.models import SearchEntry

    return SearchEntry.objects.count()


# --- reading ---


def _parsed(query: ParsedQuery | list[list[str]]) -> ParsedQuery:
    return query if isinstance(query, ParsedQuery) else from_phrases(query)


def search_page(
    query: ParsedQuery | list[list[str]],
    filters: SearchFilters,
    *,
    limit: int,
    offset: int,
    order: str = results.ORDER_TITLE,
    count: bool = False,
) -> SearchResult:
    """One page of indexed items matching the query (syntax.parse's, or a list of bigram phrases all to be
    found), in `order` (results.ORDERS: title hits then newest, the default; title hits then relevance then
    newest; newest alone), and the total (exact up to `results.COUNT_CAP`, read here at each call and handed to
    the backend). Relevance ranks the newest `results.RANK_WINDOW` matches and title hits; older ones follow newest
    first.
    With `count`, a result with `more` also says how many match (`count`, exact up to COUNT_EXACT, else an
    estimate): it costs reading up to COUNT_EXACT + 1 matches, so only callers that show it ask.
    """
    if order not in results.ORDERS:
        raise ValueError(f"unknown order {order!r}")
    query = _parsed(query)
    if filters.is_empty() or not query:
        return SearchResult([], 0)
    cap = results.COUNT_CAP
    offset = max(0, min(offset, cap))
    limit = max(0, min(limit, cap - offset))
    found = backend().Query(query, filters)
    result = found.page(limit, offset, cap, order)
    if not (count and result.more):
        return dataclasses.replace(result, count_exact=not result.more)
    counted, exact = _count(found, filters)
    return dataclasses.replace(result, count=counted, count_exact=exact)


def _count(found, filters: SearchFilters) -> tuple[int, bool]:
    """Past the pages' cap: the matches counted newest first up to COUNT_EXACT, and beyond it an estimate
    (`results.estimate_by_items`): as many matches per item in the rest of the filters' span of publication days
    as among the items of the stretch counted, never more than the span's items (`timeline`)."""
    from gongkai.catalogue.models import SearchEntry

    limit = results.COUNT_EXACT
    read, oldest_read_key = found.count(limit + 1)
    if read <= limit:
        return read, True
    low, high = filters.key_range()
    first_day, last_day = low >> ID_BITS, (high >> ID_BITS) - 1
    oldest_read_day = oldest_read_key >> ID_BITS
    # The oldest day counted is counted only from the oldest match's key: that day's items from there on, by
    # the sort key's index (one day's entries at most).
    day_end = min(high, (oldest_read_day + 1) << ID_BITS)
    counted_that_day = SearchEntry.objects.filter(sort_key__gte=oldest_read_key, sort_key__lt=day_end).count()
    for fresh in (False, True):
        per_day = timeline.items_per_day(fresh=fresh)
        items_read = per_day.items(oldest_read_day + 1, last_day) + counted_that_day
        items_all = per_day.items(first_day, last_day)
        if read <= items_read <= items_all:  # else counts older than the index (a write not yet forgotten)
            break
    items_read = max(items_read, read)
    items_all = max(items_all, items_read)
    return results.estimate_by_items(read, items_read, items_all), False


def match_subquery(query: ParsedQuery | list[list[str]], filters: SearchFilters) -> tuple[str, list]:
    """SQL selecting the ids of every indexed item matching (unordered, uncapped), and its parameters: for a
    `pk__in=RawSQL(...)` filter, which a list of a million ids could not be."""
    query = _parsed(query)
    if filters.is_empty() or not query:
        return "SELECT 0 WHERE 1 = 0", []
    return backend().Query(query, filters).subquery()
