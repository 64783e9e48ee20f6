"""A suggestion ("did you mean") when a search finds nothing."""

import pytest

from gongkai.catalogue.models import SearchSynonym
from gongkai.catalogue.selectors import SearchSuggestion, catalogue_search_suggestion
from gongkai.catalogue.tests.test_search import _spread_catalogue

pytestmark = pytest.mark.django_db


def test_a_query_that_finds_something_gets_no_suggestion(prefecture):
    _spread_catalogue([prefecture], 20, seed=2)
    assert catalogue_search_suggestion(query="乡村振兴") is None
    assert catalogue_search_suggestion(query="") is None


def test_the_word_that_finds_nothing_is_dropped(prefecture):
    items = _spread_catalogue([prefecture], 40, seed=2)
    expected = sum(1 for i in items if "乡村振兴" in i.title + i.body_text and "通知" in i.title + i.body_text)
    assert catalogue_search_suggestion(query="乡村振兴 通知 不存在的词") == SearchSuggestion("乡村振兴 通知", expected)


def test_a_long_word_is_cut_where_its_parts_are_found(prefecture):
    items = _spread_catalogue([prefecture], 40, seed=2)
    found = catalogue_search_suggestion(query="森林防火乡村振兴")
    expected = sum(1 for i in items if "森林防火" in i.title + i.body_text and "乡村振兴" in i.title + i.body_text)
    assert expected and found == SearchSuggestion("森林防火 乡村振兴", expected)


def test_a_synonym_inside_a_longer_word_is_offered_in_its_other_form(prefecture):
    from gongkai.catalogue.models import Item

    items = _spread_catalogue([prefecture], 5, seed=2)
    Item.objects.filter(pk=items[0].pk).update(body_text="发放最低生活保障金。")
    from gongkai.catalogue import search
    from gongkai.catalogue.search import searchable_rows

    search.index_write(searchable_rows([items[0].pk]))
    assert SearchSynonym.objects.filter(word="低保", synonym="最低生活保障").exists()
    assert catalogue_search_suggestion(query="低保金") == SearchSuggestion("最低生活保障金", 1)


def test_nothing_is_suggested_when_no_variant_finds_anything(prefecture):
    _spread_catalogue([prefecture], 10, seed=2)
    assert catalogue_search_suggestion(query="完全不相干 毫无关系") is None
    assert catalogue_search_suggestion(query="稻渔综合种养", year=1999) is None
