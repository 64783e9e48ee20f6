"""Totals past the pages' cap: exact up to COUNT_EXACT, an estimate (约) above it."""

import pytest
from django.db import connection
from django.utils import timezone

from gongkai.catalogue import search
from gongkai.catalogue.selectors import catalogue_search, catalogue_search_ids
from gongkai.catalogue.tests.test_search import _spread_catalogue

pytestmark = pytest.mark.django_db


def test_counts_are_exact_up_to_the_exact_limit_while_the_pages_stop_at_the_cap(prefecture, finance, monkeypatch):
    monkeypatch.setattr(search.results, "COUNT_CAP", 10)
    monkeypatch.setattr(search.results, "COUNT_EXACT", 100)
    items = _spread_catalogue([prefecture, finance], 80, seed=21)
    for query, kwargs, keep in [
        ("通知", {}, lambda i: True),
        ("工作", {"year": 2023}, lambda i: i.published_at.year == 2023),
        ("乡村振兴", {"agencies": [finance]}, lambda i: i.agency_id == finance.pk),
        ("乡村振兴 OR 营商环境 -防火", {}, lambda i: True),
    ]:
        parsed = search.parse(query)
        expected = [i for i in items if keep(i) and parsed.matches(search.normalise(i.title + "\n" + i.body_text))]
        assert len(expected) > 10, query
        result = catalogue_search_ids(query=query, count=True, **kwargs)
        assert (result.total, result.more, result.count, result.count_exact) == (10, True, len(expected), True)
    page = catalogue_search(query="通知", count=True)
    assert (page.total, page.more, page.count, page.count_exact) == (10, True, 80, True)
    uncounted = catalogue_search(query="通知")  # not asked: "more than" the cap, as before
    assert (uncounted.total, uncounted.more, uncounted.count, uncounted.count_exact) == (10, True, 10, False)
    few = catalogue_search(query="稻渔综合种养", count=True)
    assert (few.total, few.more, few.count, few.count_exact) == (3, False, 3, True)


def test_above_the_exact_limit_the_count_is_an_estimate_from_the_density_of_the_newest(prefecture, monkeypatch):
    monkeypatch.setattr(search.results, "COUNT_CAP", 5)
    monkeypatch.setattr(search.results, "COUNT_EXACT", 20)
    items = _spread_catalogue([prefecture], 150, seed=22)
    result = catalogue_search_ids(query="通知", count=True)
    assert (result.total, result.more, result.count_exact) == (5, True, False)
    assert result.count > 20 and 150 / 3 <= result.count <= 150 * 3  # an estimate, within a factor of three
    days = sorted((timezone.localdate(i.published_at) for i in items), reverse=True)
    newest, oldest, cut = days[0].toordinal(), days[-1].toordinal(), days[20].toordinal()
    assert result.count >= search.results.estimate(21, newest, cut, oldest) // 2


def test_the_estimate_keeps_two_significant_figures():
    assert search.results.estimate(10_001, 1000, 901, 1) == 100_000
    assert search.results.estimate(10_001, 1000, 1, 1) == 10_001
    assert search.results.estimate(10_001, 1000, 970, 1) == 320_000  # 10,001 × 1,000 / 31 days


def test_the_estimates_span_is_read_from_the_sort_keys_index_not_by_scanning_every_entry(prefecture, monkeypatch):
    """The estimate needs the newest and oldest sort key of the filters' span. One MIN/MAX query scanned every
    index entry on SQLite (150 ms a search at a million items); two ordered look-ups on an indexed column don't."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gongkai.catalogue.models import SearchEntry

    constraints = connection.introspection.get_constraints(connection.cursor(), SearchEntry._meta.db_table)
    assert any(c["index"] and c["columns"] == ["sort_key"] for c in constraints.values())
    monkeypatch.setattr(search.results, "COUNT_CAP", 5)
    monkeypatch.setattr(search.results, "COUNT_EXACT", 20)
    _spread_catalogue([prefecture], 60, seed=23)
    with CaptureQueriesContext(connection) as queries:
        result = catalogue_search_ids(query="通知", count=True)
    assert not result.count_exact  # the estimate was taken
    span = [q["sql"] for q in queries.captured_queries if "catalogue_searchentry" in q["sql"]]
    assert span and not any("MAX(" in sql.upper() or "MIN(" in sql.upper() for sql in span)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's ways of counting")
def test_postgres_counts_the_same_by_one_statement_and_by_windows_checked_in_place(prefecture, finance):
    """A count reads either one bounded statement (few matches) or the page's windows with each body checked
    in the statement that reads its row (#20): both give the matches and the oldest sort key that the page's
    stream (bodies checked by a second look-up) gives."""
    from gongkai.catalogue.search import postgres
    from gongkai.catalogue.selectors.search import _search_filters

    _spread_catalogue([prefecture, finance], 90, seed=23)
    filters = _search_filters(agencies=None, category=None, year=None, document_type=None, validity=None)
    cases = 0
    for query in ["通知", "乡村振兴", "乡村振兴 OR 营商环境 -防火", '"营商环境" 森林防火', "稻渔综合种养"]:
        for limit in [5, 21, 200]:
            found = postgres.Query(search.parse(query), filters)
            with found._cursor() as cursor:
                matches, _complete = found._stream(cursor, "vec", "body", limit)
            expected = (len(matches), min((m[0] for m in matches), default=0))
            found.read_back = (limit * 10, 1, 1)  # a dense page: the windows
            assert found.count(limit) == expected, (query, limit)
            found.read_back = None  # the bounded statement, exact below the limit
            if expected[0] < limit:
                assert found.count(limit) == expected, (query, limit)
                cases += 1
    assert cases >= 5


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's ways of counting")
def test_sqlite_counts_the_same_unordered_when_few_match(prefecture, finance, monkeypatch):
    """With few matches (`Query._few`) the count is read first without the order (#20): below the limit the
    same count and oldest sort key; at the limit the ordered count decides."""
    from gongkai.catalogue.search import sqlite
    from gongkai.catalogue.selectors.search import _search_filters

    _spread_catalogue([prefecture, finance], 90, seed=24)
    filters = _search_filters(agencies=None, category=None, year=None, document_type=None, validity=None)
    for query in ["通知", "乡村振兴", "乡村振兴 OR 营商环境 -防火", "稻渔综合种养"]:
        for limit in [5, 21, 200]:
            found = sqlite.Query(search.parse(query), filters)
            monkeypatch.setattr(sqlite.Query, "_few", lambda self, cursor, limit: False)
            ordered = found.count(limit)
            monkeypatch.setattr(sqlite.Query, "_few", lambda self, cursor, limit: True)
            assert found.count(limit) == ordered, (query, limit)
