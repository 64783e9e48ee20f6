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


def _burst(agency, count: int, day, seed: int) -> list:
    """`count` published items on one day, each with 通知 in its title and every other one 乡村振兴 in its text,
    written straight to the index (as `_spread_catalogue`'s)."""
    import datetime as dt

    from gongkai.catalogue.models import Item, ItemStatus
    from gongkai.catalogue.search import searchable_rows

    items = [
        Item.objects.create(
            agency=agency,
            status=ItemStatus.PUBLISHED,
            title=f"年度工作通知（批{n}）",
            body_text="乡村振兴。" if n % 2 else "营商环境。",
            index_number=f"b-{seed}-{n}",
            published_at=timezone.make_aware(dt.datetime.combine(day, dt.time(9))),
        )
        for n in range(count)
    ]
    search.index_write(searchable_rows([i.pk for i in items]), replace=False)
    return items


def test_the_estimate_never_passes_the_items_indexed_after_a_burst_of_items_in_one_day(prefecture, monkeypatch):
    """A burst of items in the newest days made the density per day say millions where a million items were
    indexed (#20): the estimate weighs the counted stretch by its items and never passes the span's items."""
    import datetime as dt

    monkeypatch.setattr(search.results, "COUNT_CAP", 5)
    monkeypatch.setattr(search.results, "COUNT_EXACT", 20)
    spread = _spread_catalogue([prefecture], 60, seed=25)  # 2022 to 2024, every title with 通知
    burst = _burst(prefecture, 60, dt.date(2025, 3, 1), seed=25)
    indexed = search.index_count()
    assert indexed == 120
    parsed = search.parse("乡村振兴")
    for query, kwargs, keep in [
        ("通知", {}, lambda i: True),
        ("通知", {"year": 2025}, lambda i: i.published_at.year == 2025),
        ("乡村振兴", {}, lambda i: parsed.matches(search.normalise(i.title + "\n" + i.body_text))),
    ]:
        result = catalogue_search_ids(query=query, count=True, **kwargs)
        assert (result.more, result.count_exact) == (True, False), query
        allowed = sum(1 for i in spread + burst if kwargs.get("year") in (None, i.published_at.year))
        assert 20 < result.count <= allowed, (query, kwargs, result.count)
        true = sum(1 for i in spread + burst if keep(i))
        assert true / 2 <= result.count <= true * 2, (query, kwargs, result.count, true)  # weighed by items


def test_the_items_per_day_are_cached_and_forgotten_when_the_index_is_written(prefecture, monkeypatch):
    from django.test.utils import CaptureQueriesContext

    from gongkai.catalogue.search import timeline

    monkeypatch.setattr(search.results, "COUNT_CAP", 5)
    monkeypatch.setattr(search.results, "COUNT_EXACT", 20)
    items = _spread_catalogue([prefecture], 60, seed=26)
    per_day_counts = lambda queries: [q for q in queries.captured_queries if "WITH RECURSIVE" in q["sql"].upper()]  # noqa: E731
    with CaptureQueriesContext(connection) as first:
        before = catalogue_search_ids(query="通知", count=True)
    with CaptureQueriesContext(connection) as second:
        assert catalogue_search_ids(query="通知", count=True) == before
    assert len(per_day_counts(first)) == 1 and not per_day_counts(second)  # counted once, then from the cache
    assert timeline.items_per_day().total == 60
    search.index_remove([i.pk for i in items[:30]])
    assert timeline.items_per_day().total == 30  # forgotten by the write, counted again
    after = catalogue_search_ids(query="通知", count=True)
    assert not after.count_exact and after.count <= 30


def test_the_estimate_by_items_never_passes_the_items_even_when_rounding():
    assert search.results.estimate_by_items(10_001, 100_000, 1_000_000) == 100_000
    assert search.results.estimate_by_items(10_001, 10_001, 1_151_000) == 1_100_000  # not 1,200,000
    assert search.results.estimate_by_items(10_001, 10_001, 10_001) == 10_001
    assert search.results.estimate_by_items(10_001, 12_000, 1_000_000_000) == 830_000_000


def test_the_estimates_span_is_read_from_the_sort_keys_index_not_by_scanning_every_entry(prefecture, monkeypatch):
    """The estimate needs the items of the filters' span. One MIN/MAX query scanned every index entry on SQLite
    (150 ms a search at a million items); the items per day are counted once and cached (the next test), and
    each estimate reads only the oldest counted day's entries, a range of the sort key's index."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gongkai.catalogue.models import SearchEntry

    constraints = connection.introspection.get_constraints(connection.cursor(), SearchEntry._meta.db_table)
    assert any(c["index"] and c["columns"] == ["sort_key"] for c in constraints.values())
    monkeypatch.setattr(search.results, "COUNT_CAP", 5)
    monkeypatch.setattr(search.results, "COUNT_EXACT", 20)
    _spread_catalogue([prefecture], 60, seed=23)
    catalogue_search_ids(query="通知", count=True)  # the items per day counted and cached
    with CaptureQueriesContext(connection) as queries:
        result = catalogue_search_ids(query="通知", count=True)
    assert not result.count_exact  # the estimate was taken
    span = [q["sql"] for q in queries.captured_queries if "catalogue_searchentry" in q["sql"]]
    assert span and not any("MAX(" in sql.upper() or "MIN(" in sql.upper() for sql in span)
    assert all('"sort_key" >=' in sql or "sort_key >=" in sql for sql in span)  # ranges of the index, no scan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's ways of counting")
def test_postgres_counts_the_same_by_one_statement_and_by_windows_checked_in_place(prefecture, finance):
    """A count reads either one bounded statement (few matches) or the page's windows, each body checked and
    each window tallied in the statement that reads its rows (#20): both give the number of the newest `limit`
    matches and the oldest of them that the page's stream (bodies checked by a second look-up) gives."""
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
            newest = matches[:limit]  # a page's stream may read past `limit`; a count stops there
            expected = (len(newest), min((m[0] for m in newest), default=0))
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


def _match_statements(queries) -> list[str]:
    """The statements among captured queries that read the index (FTS5's MATCH, PostgreSQL's @@)."""
    return [q["sql"] for q in queries if " MATCH " in q["sql"] or "@@" in q["sql"]]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's ways of counting")
def test_sqlite_counts_a_few_more_than_the_limit_without_the_ordered_read(prefecture, finance, monkeypatch):
    """When the page predicts few, the unordered statement counts up to 1.25 × the limit, and the oldest of the
    newest `limit` is found by skipping the older ones in the same order (#20): a range holding a little more
    than the limit is not read unordered up to the limit for nothing and then again newest first (FTS5 reads
    backwards at some cost), with the same count and oldest key as the ordered read."""
    from django.test.utils import CaptureQueriesContext

    from gongkai.catalogue.models import SearchEntry
    from gongkai.catalogue.search import sqlite
    from gongkai.catalogue.selectors.search import _search_filters

    _spread_catalogue([prefecture, finance], 90, seed=25)
    filters = _search_filters(agencies=None, category=None, year=None, document_type=None, validity=None)
    found = sqlite.Query(search.parse("通知"), filters)  # in all 90 titles
    monkeypatch.setattr(sqlite.Query, "_few", lambda self, cursor, limit: False)
    ordered = found.count(80)
    monkeypatch.setattr(sqlite.Query, "_few", lambda self, cursor, limit: True)
    with CaptureQueriesContext(connection) as queries:
        assert found.count(80) == ordered  # 90 matches: more than 80, fewer than 80 + 80 // 4
    statements = _match_statements(queries)
    assert len(statements) == 2 and not [sql for sql in statements if "DESC" in sql]
    assert ordered == (80, sorted(SearchEntry.objects.values_list("sort_key", flat=True), reverse=True)[79])


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 expressions")
def test_sqlite_names_the_text_columns_only_for_a_prefix_that_a_filter_token_may_begin(prefecture, finance):
    """Every token of a query but a prefix is one or two characters and every filter token longer, so only a
    prefix (a single character) needs the column filter, which makes FTS5 read each match's positions (#20);
    the results are those of a plain scan either way."""
    from gongkai.catalogue.search import sqlite
    from gongkai.catalogue.selectors import catalogue_search_queryset
    from gongkai.catalogue.selectors.search import _search_filters

    filters = _search_filters(agencies=[finance], category=None, year=None, document_type="normative", validity=None)
    for query in ["乡村振兴", "黎平", '"营商 环境"', "乡村振兴 OR 营商环境 -防火", "2021"]:
        found = sqlite.Query(search.parse(query), filters)
        assert "{title body}" not in found.any_expr, query
        # The title tier names its column only where it reads the big table (an excluded word).
        assert ("title :" in found.title_expr) == (found.title_table == "catalogue_search"), query
    for query in ["a", "乡村 d", "乡村 -v"]:
        assert "{title body} :" in sqlite.Query(search.parse(query), filters).any_expr, query
    items = _spread_catalogue([prefecture, finance], 40, seed=26)
    texts = {i.pk: search.normalise(i.title + "\n" + i.body_text) for i in items}
    for query in ["通知", "工作通知", "乡村振兴 -森林防火", "a", "d", "v", "c", "通 知"]:
        parsed = search.parse(query)
        expected = {pk for pk, text in texts.items() if parsed.matches(text)}
        assert set(catalogue_search_queryset(query=query).values_list("pk", flat=True)) == expected, query


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's ways of counting")
def test_postgres_counts_a_few_more_than_the_limit_in_one_statement(prefecture, finance):
    """When few are expected, the one statement keeps up to 1.25 × the limit and tallies the newest of them
    (#20): a range holding a little more than the limit is read once, not up to the limit for nothing and
    then again by windows, with the same count and oldest key as the windows."""
    from django.test.utils import CaptureQueriesContext

    from gongkai.catalogue.search import postgres
    from gongkai.catalogue.selectors.search import _search_filters

    _spread_catalogue([prefecture, finance], 90, seed=27)
    filters = _search_filters(agencies=None, category=None, year=None, document_type=None, validity=None)
    for query in ["通知", "工作通知"]:  # in all 90 titles; in 60 (checked against the text)
        found = postgres.Query(search.parse(query), filters)
        found.read_back = (800, 1, 1)  # a dense page: the windows
        limit = 80 if query == "通知" else 55
        by_windows = found.count(limit)
        found.read_back = None  # few expected: the one statement
        with CaptureQueriesContext(connection) as queries:
            assert found.count(limit) == by_windows, query
        assert len(_match_statements(queries)) == 1, query
        assert by_windows[0] == limit


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's ways of counting")
def test_postgres_count_reads_a_year_at_once_when_it_needs_every_match_of_it(prefecture, finance, monkeypatch):
    """A page reads a year holding more than the probe's bound a month at a time (to sort no more than it shows);
    a count needs every match of a year it has not reached the limit in, so it reads such a year in one
    statement (#20: 33 statements for one count at 200,000 items), with the same count and oldest key."""
    from django.test.utils import CaptureQueriesContext

    from gongkai.catalogue.models import SearchEntry
    from gongkai.catalogue.search import postgres
    from gongkai.catalogue.selectors.search import _search_filters

    monkeypatch.setattr(postgres, "PROBE_ROWS", 5)
    _spread_catalogue([prefecture, finance], 90, seed=28)
    filters = _search_filters(agencies=None, category=None, year=None, document_type=None, validity=None)
    keys = sorted(SearchEntry.objects.values_list("sort_key", flat=True), reverse=True)
    for limit in [85, 200]:
        found = postgres.Query(search.parse("通知"), filters)
        found.read_back = (800, 1, 1)  # a dense page: the windows
        with CaptureQueriesContext(connection) as queries:
            counted = found.count(limit)
        assert counted == (min(limit, 90), keys[min(limit, 90) - 1])
        months = [sql for sql in _match_statements(queries) if "'mo" in sql]
        assert len(months) <= 1, months  # the newest month and the one before, as every stream reads them


def _counted_catalogue(prefecture, finance) -> list:
    """Items whose words are counted to just below, at and just above the pages' cap (4 or 5) and the exact
    limit (30 here), under filters: in each of two agencies' 31 items of 2023 (one agency's normative, the
    other's not), 稳岗就业 is in all 31, 营商环境 in 30, 森林防火 in 29, 耕地保护 in 6, 河长制 in 5,
    政府采购 in 4 and 防汛抗旱 in 3; and 40 items of 2022 hold every bigram of 营商环境, 森林防火 and 乡村振兴 but not the words
    (PostgreSQL's index finds them as candidates, and the count must not)."""
    import datetime as dt

    from gongkai.catalogue.models import DocumentType, Item, ItemStatus
    from gongkai.catalogue.search import searchable_rows

    words = [("营商环境", 30), ("森林防火", 29), ("耕地保护", 6), ("河长制", 5), ("政府采购", 4), ("防汛抗旱", 3)]

    def listed(n: int) -> str:
        return "".join(word + "，" for word, k in words if n < k)

    def apart(n: int) -> str:
        return "营商。商环境。森林，林防火。振兴了乡村，新村振作。"

    groups = [
        (finance, 2023, DocumentType.NORMATIVE, 31, listed),
        (prefecture, 2023, DocumentType.OTHER, 31, listed),
        (prefecture, 2022, DocumentType.INFORMATION, 40, apart),
    ]
    items = []
    for agency, year, kind, count, body in groups:
        for n in range(count):
            day = dt.date(year, 1, 1) + dt.timedelta(days=n * 11 % 365)
            title = f"关于稳岗就业的通知（{n}）" if year == 2023 else f"工作简报（{n}）"
            items.append(
                Item.objects.create(
                    agency=agency,
                    status=ItemStatus.PUBLISHED,
                    title=title,
                    body_text=body(n),
                    document_type=kind,
                    index_number=f"c-{agency.pk}-{year}-{n}",
                    published_at=timezone.make_aware(dt.datetime.combine(day, dt.time(9))),
                )
            )
    search.index_write(searchable_rows([i.pk for i in items]), replace=False)
    return items


@pytest.mark.parametrize("cap", [4, 5])
def test_counts_at_and_around_the_cap_and_the_exact_limit_with_filters_are_those_of_a_plain_scan(
    prefecture, finance, monkeypatch, cap
):
    """Up to the exact limit every count is the number of items a plain scan finds, never an estimate, with or
    without filters, for words, exclusions and alternatives, and for bigrams found apart (not the word); one
    past it the count is an estimate (约), never below what was counted."""
    from gongkai.catalogue.models import DocumentType

    monkeypatch.setattr(search.results, "COUNT_CAP", cap)
    monkeypatch.setattr(search.results, "COUNT_EXACT", 30)
    items = _counted_catalogue(prefecture, finance)
    cases = [
        ("营商环境", {"agencies": [finance]}, lambda i: i.agency_id == finance.pk),
        ("营商环境", {"year": 2023, "document_type": DocumentType.NORMATIVE}, lambda i: i.agency_id == finance.pk),
        ("营商环境", {"agencies": [prefecture]}, lambda i: i.agency_id == prefecture.pk),
        ("森林防火", {"agencies": [finance], "year": 2023}, lambda i: i.agency_id == finance.pk),
        ("森林防火", {"year": 2022}, lambda i: i.published_at.year == 2022),
        ("乡村振兴", {}, lambda i: True),
        ("耕地保护", {}, lambda i: True),
        ("耕地保护", {"agencies": [finance]}, lambda i: i.agency_id == finance.pk),
        ("河长制", {"document_type": DocumentType.OTHER}, lambda i: i.document_type == DocumentType.OTHER),
        ("政府采购", {"agencies": [prefecture]}, lambda i: i.agency_id == prefecture.pk),
        ("防汛抗旱", {"year": 2023, "agencies": [finance]}, lambda i: i.agency_id == finance.pk),
        ("河长制 OR 政府采购", {"agencies": [finance]}, lambda i: i.agency_id == finance.pk),
        ("营商环境 -森林防火", {}, lambda i: True),
        ("稳岗就业", {"agencies": [finance]}, lambda i: i.agency_id == finance.pk),
        ("稳岗就业", {"year": 2023}, lambda i: i.published_at.year == 2023),
        ("营商环境", {}, lambda i: True),
        ("通知", {}, lambda i: True),
    ]
    seen = set()
    for query, kwargs, keep in cases:
        parsed = search.parse(query)
        true = sum(1 for i in items if keep(i) and parsed.matches(search.normalise(i.title + "\n" + i.body_text)))
        seen.add(true)
        result = catalogue_search_ids(query=query, count=True, **kwargs)
        assert (result.total, result.more) == (min(true, cap), true > cap), (query, kwargs, true)
        if true <= 30:
            assert (result.count, result.count_exact) == (true, True), (query, kwargs, true)
        else:
            assert not result.count_exact and 30 < result.count <= len(items), (query, kwargs, true, result.count)
    assert {0, cap - 1, cap, cap + 1, 29, 30, 31, 60, 62} <= seen  # each side of the cap and of the exact limit


def test_a_counts_months_are_joined_by_what_it_still_needs():
    """A count reads every match of a window, so the single months a year is split into are joined, newest first,
    only while the run should hold no more than the count's bound at the density seen (#20: runs sized when the
    year was split read 3,390 matches for the 82 still needed); at most six months, only adjoining months."""
    import datetime as dt

    from gongkai.catalogue.search.postgres import Query

    parts = Query._split(["yr2023"], dt.date(2023, 1, 1), dt.date(2024, 1, 1))
    assert [p[0] for p in parts[:2]] == [["mo202312"], ["mo202311"]]
    window = parts.pop(0)
    # 10 matches a day: December and November hold about 610, with October 920, over the bound of 700.
    assert Query._joined(window, parts, 10.0, 700) == (
        ["mo202312", "mo202311"],
        dt.date(2023, 11, 1),
        dt.date(2024, 1, 1),
    )
    assert parts[0][0] == ["mo202310"]
    window = parts.pop(0)
    assert Query._joined(window, parts, 10.0, 100) == (["mo202310"], dt.date(2023, 10, 1), dt.date(2023, 11, 1))
    assert Query._joined(parts.pop(0), parts, 0.1, 10**6)[0] == [f"mo2023{m:02d}" for m in range(9, 3, -1)]
    assert [p[0] for p in parts] == [["mo202303"], ["mo202302"], ["mo202301"]]
    year = (["yr2022"], dt.date(2022, 1, 1), dt.date(2023, 1, 1))
    assert Query._joined(year, [], 0.1, 10**6) == year  # a year is not a month


def test_days_cover_a_window_newest_first():
    import datetime as dt

    from gongkai.catalogue.search.postgres import Query

    runs = Query._days(dt.date(2024, 11, 25), dt.date(2024, 12, 2), 3)
    assert runs == [
        (["dy20241201", "dy20241130", "dy20241129"], dt.date(2024, 11, 29), dt.date(2024, 12, 2)),
        (["dy20241128", "dy20241127", "dy20241126"], dt.date(2024, 11, 26), dt.date(2024, 11, 29)),
        (["dy20241125"], dt.date(2024, 11, 25), dt.date(2024, 11, 26)),
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's ways of counting")
def test_postgres_count_reads_days_where_months_would_hold_far_more_than_it_needs(prefecture, finance):
    """After its first week a count reads the next stretch in runs of days when the two months a page would read
    next should hold far more than it still needs (#20: at 1,000,000 items about 16,000 matches for the 9,000 a
    count needs), with the same count and oldest key."""
    import datetime as dt

    from django.test.utils import CaptureQueriesContext

    from gongkai.catalogue.models import Item, ItemStatus, SearchEntry
    from gongkai.catalogue.search import postgres, searchable_rows
    from gongkai.catalogue.selectors.search import _search_filters

    items = [
        Item.objects.create(
            agency=prefecture if n % 2 else finance,
            status=ItemStatus.PUBLISHED,
            title=f"工作通知（{n}）",
            body_text="乡村振兴。",
            index_number=f"d-{n}",
            published_at=timezone.make_aware(
                dt.datetime.combine(dt.date(2024, 12, 31) - dt.timedelta(days=n // 3), dt.time(9))
            ),
        )
        for n in range(3 * 90)  # three a day over ninety days
    ]
    search.index_write(searchable_rows([i.pk for i in items]), replace=False)
    filters = _search_filters(agencies=None, category=None, year=None, document_type=None, validity=None)
    keys = sorted(SearchEntry.objects.values_list("sort_key", flat=True), reverse=True)
    for query in ["通知", "乡村振兴"]:
        found = postgres.Query(search.parse(query), filters)
        found.read_back = (800, 1, 1)  # a dense page: the windows
        with CaptureQueriesContext(connection) as queries:
            assert found.count(40) == (40, keys[39]), query
        statements = _match_statements(queries)
        assert not [sql for sql in statements if "'mo" in sql], query  # no month read whole
        assert len(statements) == 2, query  # the first week (21), then a run of days


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner settings")
def test_postgres_searches_in_one_process_without_jit_and_puts_the_settings_back():
    """At 1,000,000 items the planner's too-high estimates started two parallel workers and JIT compilation for
    every window's statement: about 20 ms each for a millisecond of work (#20). A search's statements run with
    neither (and no sequential scan); the transaction around them gets its own settings back."""
    from django.db import transaction

    from gongkai.catalogue.search import postgres
    from gongkai.catalogue.selectors.search import _search_filters

    filters = _search_filters(agencies=None, category=None, year=None, document_type=None, validity=None)
    names = ["enable_seqscan", "max_parallel_workers_per_gather", "jit"]

    def settings(cursor) -> list[str]:
        cursor.execute("SELECT " + ", ".join(f"current_setting('{name}')" for name in names))
        return list(cursor.fetchone())

    with transaction.atomic(), connection.cursor() as outer:
        outer.execute("SET LOCAL max_parallel_workers_per_gather = 3")
        before = settings(outer)
        found = postgres.Query(search.parse("通知"), filters)
        with found._cursor() as cursor:
            assert settings(cursor) == ["off", "0", "off"]
        assert settings(outer) == before and before[1] == "3"
