"""Relevance order (title hits, then BM25, then newest) and newest first, beside the default title order."""

import pytest
from django.db import connection
from django.utils import timezone

from gongkai.catalogue import search
from gongkai.catalogue.selectors import (
    ORDER_NEWEST,
    ORDER_RELEVANCE,
    ORDER_TITLE,
    catalogue_search,
    catalogue_search_ids,
)
from gongkai.catalogue.tests.factories import publish, second_reviewer
from gongkai.catalogue.tests.test_search import _spread_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewers(prefecture, rob, ann):
    return [rob, second_reviewer(prefecture), ann]


def test_relevance_puts_title_hits_first_then_the_item_that_is_more_about_the_query(prefecture, alice, reviewers):
    padding = "本单位按照年度工作安排开展了各项日常工作并做好相关记录和总结。" * 8
    title_hit = publish(
        alice, prefecture, reviewers, title="乡村振兴工作要点", body="<p>全文。</p>", summary="情况概述。"
    )
    about = publish(
        alice, prefecture, reviewers, title="年度计划", summary="情况概述。",
        body="<p>乡村振兴。推进乡村振兴，落实乡村振兴规划，总结乡村振兴经验，宣传乡村振兴。</p>",
    )  # fmt: skip
    mention = publish(
        alice,
        prefecture,
        reviewers,
        title="工作总结",
        summary="情况概述。",
        body=f"<p>{padding}顺带提及乡村振兴。{padding}</p>",
    )
    expected = {
        ORDER_RELEVANCE: [title_hit.pk, about.pk, mention.pk],
        ORDER_TITLE: [title_hit.pk, mention.pk, about.pk],
        ORDER_NEWEST: [mention.pk, about.pk, title_hit.pk],
    }
    for order, ids in expected.items():
        assert [h.item.pk for h in catalogue_search(query="乡村振兴", order=order).hits] == ids, order
        assert catalogue_search(query="乡村振兴", order=order).total == 3


@pytest.mark.parametrize("window", [200, 7])
def test_every_order_lists_the_same_matches_in_pages(prefecture, finance, monkeypatch, window):
    """Also when relevance ranks only the newest few (RANK_WINDOW): the rest follow, each listed once."""
    monkeypatch.setattr(search.results, "COUNT_CAP", 40)
    monkeypatch.setattr(search.results, "RANK_WINDOW", window)
    items = _spread_catalogue([prefecture, finance], 90, seed=12)
    by_pk = {i.pk: i for i in items}
    for query in ["乡村振兴", "工作", "稻渔综合种养", "森林防火 OR 营商环境", "通知 -防火"]:
        pages = {}
        for order in (ORDER_TITLE, ORDER_RELEVANCE, ORDER_NEWEST):
            first = catalogue_search_ids(query=query, limit=6, order=order)
            shown = []
            for offset in range(0, first.total, 6):
                result = catalogue_search_ids(query=query, limit=6, offset=offset, order=order)
                assert (result.total, result.more) == (first.total, first.more), (query, order)
                shown += result.ids
            assert len(shown) == len(set(shown)) == first.total, (query, order)
            pages[order] = shown
        parsed = search.parse(query)
        in_title = [
            all(any(t.matches(search.normalise(by_pk[pk].title)) for t in g) for g in parsed.groups)
            for pk in pages[ORDER_RELEVANCE]
        ]
        assert in_title == sorted(in_title, reverse=True), query  # title hits first
        newest = [(timezone.localdate(by_pk[pk].published_at), pk) for pk in pages[ORDER_NEWEST]]
        assert newest == sorted(newest, reverse=True), query
        if not first.more:
            assert set(pages[ORDER_TITLE]) == set(pages[ORDER_RELEVANCE]) == set(pages[ORDER_NEWEST]), query


def test_an_unknown_order_is_refused():
    with pytest.raises(ValueError):
        search.search_page(search.parse("政府"), search.SearchFilters(), limit=5, offset=0, order="random")


def test_relevance_ranks_the_newest_window_and_lists_older_matches_newest_first(
    prefecture, alice, reviewers, monkeypatch
):
    """Past RANK_WINDOW, relevance is the date order: an old item about the query stays behind newer mentions."""
    monkeypatch.setattr(search.results, "RANK_WINDOW", 2)
    about = publish(alice, prefecture, reviewers, title="年度计划", body="<p>" + "乡村振兴，" * 12 + "</p>")
    mentions = [
        publish(
            alice,
            prefecture,
            reviewers,
            title=f"工作总结{n}",
            body=f"<p>{'本单位开展日常工作。' * (n + 2)}乡村振兴。</p>",
        )
        for n in range(3)
    ]
    ids = [h.item.pk for h in catalogue_search(query="乡村振兴", order=ORDER_RELEVANCE).hits]
    # The newest two (mentions 2 and 1) ranked by score (the shorter text first), then the older ones newest first.
    assert ids == [mentions[1].pk, mentions[2].pk, mentions[0].pk, about.pk]
    monkeypatch.setattr(search.results, "RANK_WINDOW", 200)
    assert [h.item.pk for h in catalogue_search(query="乡村振兴", order=ORDER_RELEVANCE).hits][0] == about.pk


def test_title_hits_are_ranked_by_statistics_of_their_own(prefecture, alice, reviewers):
    """Each tier's BM25 takes its average length and rarities from its own rows: a long text that mentions the
    query elsewhere does not reorder the title hits (when the tiers shared them, its length made the longer,
    denser title hit win)."""
    filler = "本单位按照年度工作安排开展了各项日常工作并做好相关记录和总结。"
    denser = publish(
        alice, prefecture, reviewers, title="乡村振兴工作安排", summary="概述。",
        body="<p>" + (filler * 3 + "乡村振兴。") * 5 + "</p>",
    )  # fmt: skip
    shorter = publish(alice, prefecture, reviewers, title="乡村振兴要点", summary="概述。", body="<p>乡村振兴。</p>")
    ids = [h.item.pk for h in catalogue_search(query="乡村振兴", order=ORDER_RELEVANCE).hits]
    assert ids == [shorter.pk, denser.pk]
    long = publish(
        alice, prefecture, reviewers, title="年度总结", summary="概述。", body=f"<p>{filler * 600}乡村振兴。</p>"
    )
    ids = [h.item.pk for h in catalogue_search(query="乡村振兴", order=ORDER_RELEVANCE).hits]
    assert ids == [shorter.pk, denser.pk, long.pk]


@pytest.mark.parametrize(
    ("titles", "limit", "offset", "groups"),
    [
        (5, 3, 0, [[2, 4, 6, 8]]),  # the title hits fill the page: no other text is read
        (2, 3, 0, [[2, 4], [1, 3]]),  # the page reaches past them: the window's other matches too
        (2, 3, 2, [[1, 3]]),  # a page of other matches alone
        (5, 3, 3, [[2, 4, 6, 8], [1, 3]]),  # the last two title hits, then the window's other matches
        (5, 3, 4, [[1, 3]]),  # the fifth title hit (past the window: unranked), then the other matches
        (2, 3, 4, []),  # past the window's other matches: they follow newest first, unscored
        (5, 3, 8, []),
    ],
)
def test_relevance_scores_only_the_tiers_a_page_shows(monkeypatch, titles, limit, offset, groups):
    """Matches 1..10, the newest first, the even ones title hits (the first `titles` of them); a window of four."""
    monkeypatch.setattr(search.results, "RANK_WINDOW", 4)
    title_ids = [2, 4, 6, 8, 10][:titles]
    assert search.results.ranked_candidates(title_ids, list(range(1, 11)), limit, offset) == groups


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's decompressed texts")
def test_sqlite_relevance_scores_a_text_written_again_under_the_same_sort_key_by_its_new_words(prefecture):
    """The texts relevance keeps decompressed are looked up by their compressed bytes: an item indexed again
    under the same sort key (same day, same id) is scored by what it says now."""
    import datetime as dt

    from gongkai.catalogue.models import Item, ItemStatus
    from gongkai.catalogue.search import sqlite

    sqlite.forget_texts()
    published_at = timezone.make_aware(dt.datetime(2024, 5, 6, 9))
    padding = "本单位开展日常工作。" * 10
    bodies = {"once": f"{padding}乡村振兴。", "often": f"{padding}{'乡村振兴，' * 5}"}
    items = {
        name: Item.objects.create(
            agency=prefecture,
            status=ItemStatus.PUBLISHED,
            title=f"年度计划{name}",
            body_text=body,
            index_number=f"r-{name}",
            published_at=published_at,
        )  # fmt: skip
        for name, body in bodies.items()
    }
    search.index_write([(i.pk, i.title, i.body_text) for i in items.values()], replace=False)
    ranked = lambda: catalogue_search_ids(query="乡村振兴", order=ORDER_RELEVANCE).ids  # noqa: E731
    assert ranked() == [items["often"].pk, items["once"].pk]
    assert sqlite._texts  # kept
    search.index_write([(items["once"].pk, items["once"].title, f"{padding}{'乡村振兴，' * 9}")])
    assert ranked() == [items["once"].pk, items["often"].pk]


def test_sqlite_keeps_decompressed_texts_within_its_budget(monkeypatch):
    from gongkai.catalogue.search import sqlite

    monkeypatch.setattr(sqlite, "TEXT_CACHE_BYTES", 64 * 1024)
    sqlite.forget_texts()
    packed = [sqlite._pack(f"标题{n}", "正文" * 100) for n in range(200)]
    for start in range(0, 200, 30):  # in groups, as relevance asks for them
        group = packed[start : start + 30]
        for data, (end, text) in zip(group, sqlite._decompressed(group), strict=True):
            title, body = sqlite._unpack(data)
            assert text[:end].decode() == title and text[end + 1 :].decode() == body
    assert 0 < sqlite._texts_bytes <= 64 * 1024
    assert packed[-1] in sqlite._texts and packed[0] not in sqlite._texts  # the least recently used went first
    assert sqlite._texts_bytes == sum(len(k) + len(t) for k, (_e, t) in sqlite._texts.items())
    large = sqlite._pack("长文", "正文" * 2000)  # more than a 64th of the budget: decompressed, not kept
    assert sqlite._decompressed([large])[0][1].endswith("正文".encode()) and large not in sqlite._texts
    sqlite.forget_texts()
    assert not sqlite._texts and sqlite._texts_bytes == 0


def test_sqlite_keeps_the_texts_used_last_not_the_texts_decompressed_first(monkeypatch):
    """A text found again is kept as the most recently used: a ranked query's next pages (which score the same
    window) keep their texts while other queries' texts come and go."""
    from gongkai.catalogue.search import sqlite

    sqlite.forget_texts()
    packed = [sqlite._pack(f"标题{n:02d}", "正文" * 100) for n in range(80)]  # texts of one size
    sqlite._decompressed(packed[:70])
    monkeypatch.setattr(sqlite, "TEXT_CACHE_BYTES", sqlite._texts_bytes + 100)  # room for these seventy, no more
    sqlite._decompressed([packed[0], packed[75], packed[1]])  # two found again, one new: the oldest unused goes
    assert packed[0] in sqlite._texts and packed[1] in sqlite._texts and packed[75] in sqlite._texts
    assert packed[2] not in sqlite._texts and packed[3] in sqlite._texts
    assert list(sqlite._texts)[-3:] == [packed[0], packed[1], packed[75]]  # found again, then new
    assert sqlite._texts_bytes <= sqlite.TEXT_CACHE_BYTES
    sqlite.forget_texts()


@pytest.mark.parametrize("level", [1, 6, 9])
def test_sqlite_reads_the_texts_the_standard_zlib_wrote(level):
    """Relevance inflates with zlib-ng, while `_pack` (and migration 0012, level 6) compress with the standard
    library's zlib: any text so written, of any length and script, reads back the same, with its title's end
    where the zero byte is."""
    import zlib

    from gongkai.catalogue.search import sqlite

    sqlite.forget_texts()
    texts = [
        ("", ""),
        ("标题", ""),
        ("", "正文"),
        ("黔东南州 2024 年 第3号", "乡村振兴 " * 3000),  # larger than a 64th of the cache: not kept
        ("𠀀𪚥 emoji 😀", "繁體 ÅÉ ß " + "".join(chr(0x4E00 + n) for n in range(0, 20000, 7))),
    ]
    packed = [zlib.compress(f"{title}\x00{body}".encode(), level) for title, body in texts]
    for (title, body), (end, text) in zip(texts, sqlite._decompressed(packed), strict=True):
        assert text == f"{title}\x00{body}".encode() and end == len(title.encode())
    assert [sqlite._unpack(data) for data in packed] == texts
    sqlite.forget_texts()


def test_bm25_of_one_run_gives_the_same_scores_as_the_sum_over_runs():
    """`bm25_scores` takes a shorter path for the common one-run query: the same arithmetic, so the same floats
    (relevance's order, ties included, must not move)."""
    import math
    import random

    from gongkai.catalogue.search.results import BM25_B, BM25_K1, bm25_scores

    rnd = random.Random(20)
    rows = [(pk, rnd.randint(10, 5000), [rnd.choice([0, 0, 1, 2, 10, 11, 37])]) for pk in range(300)]
    scores = bm25_scores(rows, 20_000)
    average = sum(length for _pk, length, _tfs in rows) / len(rows)
    frequency = sum(1 for _pk, _length, tfs in rows if tfs[0] > 0)
    weight = math.log(1 + (20_000 - frequency + 0.5) / (frequency + 0.5)) * (BM25_K1 + 1)
    base, per_length = BM25_K1 * (1 - BM25_B), BM25_K1 * BM25_B / average
    for pk, length, (tf,) in rows:
        norm = base + per_length * length
        assert scores[pk] == sum(weight * t / (t + norm) for t in [tf] if t > 0)  # exactly, not approximately
    two = bm25_scores([(pk, length, tfs * 2) for pk, length, tfs in rows], 20_000)
    assert all(two[pk] == scores[pk] + scores[pk] for pk in scores)  # the general path: each run adds its part
