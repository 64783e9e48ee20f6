"""Search synonyms: a per-deployment table applied at query time, kept by the site administrator."""

import pytest

from gongkai.audit.models import AuditEvent
from gongkai.catalogue.models import SearchSynonym
from gongkai.catalogue.selectors import catalogue_search
from gongkai.catalogue.services import synonym_add
from gongkai.catalogue.tests.factories import publish, second_reviewer
from gongkai.core.errors import AccessDenied

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewers(prefecture, rob, ann):
    return [rob, second_reviewer(prefecture), ann]


def test_the_starter_list_of_government_abbreviations_is_loaded_by_the_migrations():
    pairs = set(SearchSynonym.objects.values_list("word", "synonym"))
    assert {("低保", "最低生活保障"), ("医保", "医疗保障"), ("住房公积金", "公积金")} <= pairs
    assert all(word < synonym for word, synonym in pairs)


def test_a_word_finds_the_items_that_use_its_synonym_and_both_are_marked(prefecture, alice, reviewers):
    full = publish(alice, prefecture, reviewers, title="关于调整城乡最低生活保障标准的通知", body="<p>正文。</p>")
    short = publish(alice, prefecture, reviewers, title="低保资金发放情况", body="<p>正文。</p>")
    publish(alice, prefecture, reviewers, title="医疗救助办法", body="<p>正文。</p>")
    page = catalogue_search(query="低保")
    assert {h.item.pk for h in page.hits} == {full.pk, short.pk} and page.total == 2
    marked = {h.item.pk: h.title_html for h in page.hits}
    assert "<mark>最低生活保障</mark>" in marked[full.pk] and "<mark>低保</mark>" in marked[short.pk]
    assert {h.item.pk for h in catalogue_search(query="最低生活保障").hits} == {full.pk, short.pk}
    # Excluding a word excludes its synonyms too; a longer word (低保金) is not expanded.
    assert catalogue_search(query="通知 -低保").total == 0
    assert catalogue_search(query="低保金").total == 0


def test_a_pair_the_site_administrator_adds_applies_to_the_next_search_without_a_reindex(
    client, login, sam, prefecture, alice, reviewers
):
    item = publish(alice, prefecture, reviewers, title="优化营商环境若干措施", body="<p>正文。</p>")
    assert catalogue_search(query="放管服改革").total == 0
    login(sam)
    response = client.post("/staff/catalogue/synonyms/", {"word": "放管服改革", "synonym": "营商环境"})
    assert response.status_code == 302
    assert SearchSynonym.objects.filter(word="放管服改革", synonym="营商环境").exists()
    event = AuditEvent.objects.get(verb="catalogue.synonym_add")
    assert event.actor == sam and "营商环境" in str(event.after)
    assert [h.item.pk for h in catalogue_search(query="放管服改革").hits] == [item.pk]
    page = client.get("/staff/catalogue/synonyms/").content.decode()
    assert "放管服改革" in page and "最低生活保障" in page


def test_bad_synonyms_are_refused_with_the_field_named_and_the_input_kept(client, login, sam):
    login(sam)
    response = client.post("/staff/catalogue/synonyms/", {"word": "低保", "synonym": "最低生活保障"})
    page = response.content.decode()
    assert response.status_code == 200 and "这对同义词已在列表中" in page and 'value="最低生活保障"' in page
    response = client.post("/staff/catalogue/synonyms/", {"word": "税", "synonym": "税收"})
    assert "单个字不能设为同义词" in response.content.decode() and 'value="税收"' in response.content.decode()
    response = client.post("/staff/catalogue/synonyms/", {"word": "营商", "synonym": "营商。"})
    assert "同义词须与词语不同" in response.content.decode()
    assert not AuditEvent.objects.filter(verb="catalogue.synonym_add").exists()


def test_only_the_site_administrator_may_see_add_or_remove_synonyms(client, login, adam):
    entry = SearchSynonym.objects.get(word="低保")
    login(adam)
    assert client.get("/staff/catalogue/synonyms/").status_code == 403
    assert client.post("/staff/catalogue/synonyms/", {"word": "双减", "synonym": "减负"}).status_code == 403
    assert client.post(f"/staff/catalogue/synonyms/{entry.pk}/delete/").status_code == 403
    assert SearchSynonym.objects.filter(pk=entry.pk).exists() and not SearchSynonym.objects.filter(word="双减")
    with pytest.raises(AccessDenied):
        synonym_add(actor=adam, word="双减", synonym="减负")


def test_the_site_administrator_removes_a_pair_and_the_search_stops_using_it(
    client, login, sam, prefecture, alice, reviewers
):
    publish(alice, prefecture, reviewers, title="住房公积金缴存比例调整", body="<p>正文。</p>")
    assert catalogue_search(query="公积金").total == 1
    publish(alice, prefecture, reviewers, title="企业公积金", body="<p>正文。</p>")
    entry = SearchSynonym.objects.get(word="住房公积金", synonym="公积金")
    assert catalogue_search(query="住房公积金").total == 2
    login(sam)
    response = client.post(f"/staff/catalogue/synonyms/{entry.pk}/delete/")
    assert response.status_code == 302
    assert not SearchSynonym.objects.filter(pk=entry.pk).exists()
    assert AuditEvent.objects.filter(verb="catalogue.synonym_delete", object_id=str(entry.pk)).exists()
    assert catalogue_search(query="住房公积金").total == 1
