"""The query syntax (OR, -word, "phrases"), parsed once and applied alike by both backends."""

import pytest
from django.utils import timezone

from gongkai.catalogue import search
from gongkai.catalogue.search import Term, parse
from gongkai.catalogue.selectors import catalogue_search, catalogue_search_ids, catalogue_search_queryset
from gongkai.catalogue.tests.test_search import _spread_catalogue

pytestmark = pytest.mark.django_db


def test_the_query_parses_into_groups_of_alternatives_and_excluded_words():
    parsed = parse('住房 公积金 OR 补贴 -通知 "营商 环境" | 规划')
    assert parsed.groups == (
        (Term(("住房",)),),
        (Term(("公积金",)), Term(("补贴",))),
        (Term(("营商", "环境"), phrase=True), Term(("规划",))),
    )
    assert parsed.excluded == (Term(("通知",)),)
    # Full-width marks, lower case, a lone minus, "or" as a word, a quote left open, a word of one character.
    parsed = parse("ＡＢＣ办法 － or “乡村 振兴 税")
    assert parsed.groups == ((Term(("abc办法",)),), (Term(("or",)),), (Term(("乡村", "振兴", "税"), phrase=True),))
    # Single characters are looked up in the index too (as prefixes of its tokens): nothing is dropped.
    assert parse("税 -费").groups == ((Term(("税",)),),) and parse("税 -费").excluded == (Term(("费",)),)
    assert Term(("a", "办法")).lookup_runs == ("办法",) and Term(("a", "b")).singles == ("a", "b")
    assert parse('"-通知"').groups == ((Term(("通知",)),),)


def _scan(items, parsed, keep=lambda i: True) -> list[int]:
    """What a plain scan gives, in the promised order: title hits (every group in the title), then newest."""
    hits = [i for i in items if keep(i) and parsed.matches(search.normalise(i.title + "\n" + i.body_text))]

    def in_title(item):
        title = search.normalise(item.title)
        return all(any(t.matches(title) for t in group) for group in parsed.groups)

    return [
        i.pk for i in sorted(hits, key=lambda i: (in_title(i), timezone.localdate(i.published_at), i.pk), reverse=True)
    ]


QUERIES = [
    "乡村振兴 OR 森林防火",
    "乡村振兴 -森林防火",
    "工作 -通知",
    '"振兴 森林"',
    '"振兴森林"',
    "营商环境 OR 稻渔综合种养 -工作",
    "财政 | 统计 -防火 -创业",
    "防火 OR 种养 OR 公报",
    "通知 -工作",
    '"预算 统计" OR "生产 黔东"',
]


def test_or_not_and_phrases_find_exactly_what_a_scan_finds_in_the_promised_order(prefecture, finance, monkeypatch):
    monkeypatch.setattr(search.results, "COUNT_CAP", 30)
    items = _spread_catalogue([prefecture, finance], 120, seed=5)
    found_any = 0
    for query in QUERIES:
        for kwargs, keep in [({}, lambda i: True), ({"year": 2023}, lambda i: i.published_at.year == 2023)]:
            expected = _scan(items, parse(query), keep)
            found_any += bool(expected)
            first = catalogue_search_ids(query=query, limit=9, **kwargs)
            assert (first.total, first.more) == (min(len(expected), 30), len(expected) > 30), query
            shown = []
            for offset in range(0, first.total, 9):
                shown += catalogue_search_ids(query=query, limit=9, offset=offset, **kwargs).ids
            assert shown == expected[:30], (query, kwargs)
            everything = catalogue_search_queryset(query=query, **kwargs).values_list("pk", flat=True)
            assert sorted(everything) == sorted(expected), (query, kwargs)
    assert found_any >= 12


def test_an_excluded_word_in_the_body_keeps_a_title_hit_out(prefecture):
    items = _spread_catalogue([prefecture], 30, seed=8)
    with_fire = [i for i in items if "森林防火" in i.body_text and "乡村振兴" in i.title]
    assert with_fire
    found = catalogue_search(query="乡村振兴 -森林防火", per_page=50)
    assert not {h.item.pk for h in found.hits} & {i.pk for i in with_fire}
    assert found.total == len(_scan(items, parse("乡村振兴 -森林防火")))


def test_single_characters_are_found_from_the_index_with_or_and_not(prefecture):
    items = _spread_catalogue([prefecture], 20, seed=4)
    texts = {i.pk: search.normalise(i.title + "\n" + i.body_text) for i in items}
    for query, keep in [
        ("兴 OR 税 -营", lambda t: ("兴" in t or "税" in t) and "营" not in t),
        ("知", lambda t: "知" in t),  # the last character of a run (通知)
        ("南 OR 财 乡村振兴", lambda t: ("南" in t or "财" in t) and "乡村振兴" in t),
        ("2", lambda t: "2" in t),
    ]:
        found = set(catalogue_search_queryset(query=query).values_list("pk", flat=True))
        assert found == {pk for pk, text in texts.items() if keep(text)}, query
        assert found, query
    assert catalogue_search(query="-营").total == 0


def test_the_search_page_marks_every_alternative_and_not_the_excluded_word(client, prefecture):
    _spread_catalogue([prefecture], 30, seed=6)
    page = client.get("/catalogue/search/", {"q": "乡村振兴 OR 营商环境 -森林防火"}).content.decode()
    assert "<mark>乡村振兴</mark>" in page and "<mark>营商环境</mark>" in page
    assert "<mark>森林防火</mark>" not in page
