"""The search selector: every item containing a query of two or more characters, on SQLite and PostgreSQL."""

import random

import pytest

from gongkai.catalogue import search
from gongkai.catalogue.models import DocumentType, Item, ItemStatus
from gongkai.catalogue.selectors import catalogue_search, catalogue_search_queryset
from gongkai.catalogue.services import item_correct, item_withdraw
from gongkai.catalogue.tests.factories import publish, second_reviewer

pytestmark = pytest.mark.django_db

PHRASES = [
    "关于印发", "实施方案", "的通知", "黔东南州", "乡村振兴", "营商环境", "政务公开", "森林防火", "安全生产",
    "义务教育", "医疗保障", "就业创业", "财政预算", "项目建设", "生态环境", "2024年", "第3号", "ABC办法",
]  # fmt: skip


@pytest.fixture
def reviewers(prefecture, rob, ann):
    return [rob, second_reviewer(prefecture), ann]


def test_bigrams_do_not_cross_punctuation():
    assert search.bigram_runs("中国。国家") == [["中国"], ["国家"]]
    assert search.query_phrases("中国家") == [["中国", "国家"]]
    assert search.query_phrases("营商 环境") == [["营商"], ["环境"]]
    assert search.query_phrases("Ａ号") == [["a号"]]


def test_search_finds_exactly_what_a_substring_scan_finds(prefecture, alice, reviewers):
    rng = random.Random(7)
    items = []
    for n in range(12):
        words = rng.sample(PHRASES, 5)
        items.append(
            publish(
                alice,
                prefecture,
                reviewers,
                title=f"{words[0]}{words[1]}（第{n}期）",
                body="<p>" + "，".join(words[2:]) + "。</p>",
                document_number=f"黔东南府办发〔2024〕{n + 1}号",
            )
        )
    texts = {i.pk: (i.title + "\n" + i.summary + "\n" + i.body_text + "\n" + i.document_number).lower() for i in items}
    queries = ["黔东", "东南州", "振兴", "的通", "印发实", "2024", "abc", "森林防火", "生态", "不存在的词", "兴营"]
    for query in queries:
        found = set(catalogue_search_queryset(query=query).values_list("pk", flat=True))
        expected = {pk for pk, text in texts.items() if query.lower() in text}
        assert found == expected, query
    assert any(catalogue_search_queryset(query=q).exists() for q in queries)


def test_title_hits_rank_above_body_hits_then_newest_first(prefecture, alice, reviewers):
    body_hit = publish(alice, prefecture, reviewers, title="关于安全检查的通知", body="<p>推进乡村振兴。</p>")
    title_hit = publish(alice, prefecture, reviewers, title="乡村振兴工作要点", body="<p>全文。</p>")
    newer_body_hit = publish(alice, prefecture, reviewers, title="年度计划", body="<p>乡村振兴。</p>")
    page = catalogue_search(query="乡村振兴")
    assert [h.item.pk for h in page.hits] == [title_hit.pk, newer_body_hit.pk, body_hit.pk]
    assert page.total == 3
    assert "<mark>乡村振兴</mark>" in page.hits[0].title_html
    assert "<mark>乡村振兴</mark>" in page.hits[1].snippet_html


def test_filters_narrow_the_results(prefecture, finance, alice, reviewers):
    publish(alice, prefecture, reviewers, title="财政预算公开", document_type=DocumentType.OTHER, document_number="")
    normative = publish(alice, prefecture, reviewers, title="财政预算管理办法")
    assert catalogue_search(query="财政预算").total == 2
    assert [h.item for h in catalogue_search(query="财政预算", document_type=DocumentType.NORMATIVE).hits] == [
        normative
    ]
    assert catalogue_search(query="财政预算", agencies=[finance]).total == 0
    assert catalogue_search(query="财政预算", year=normative.published_at.year + 1).total == 0


def test_the_index_follows_corrections_and_withdrawals_in_the_same_transaction(prefecture, alice, reviewers, ann):
    item = publish(alice, prefecture, reviewers, title="关于征收补偿的公告")
    assert catalogue_search(query="征收补偿").total == 1
    fields = {f: getattr(item, f) for f in ("summary", "body", "category", "document_type", "document_number")}
    fields["date_written"] = item.date_written
    item_correct(actor=ann, item=item, correction_note="标题有误，已更正", title="关于房屋征迁的公告", **fields)
    assert catalogue_search(query="征收补偿").total == 0
    assert catalogue_search(query="房屋征迁").total == 1
    item_withdraw(actor=ann, item=Item.objects.get(pk=item.pk), reason="内容需要重新审核")
    assert catalogue_search(query="房屋征迁").total == 0
    assert search.index_count() == 0


def test_unpublished_items_are_not_found(prefecture, alice, reviewers):
    from gongkai.catalogue.tests.factories import draft

    draft(alice, prefecture, title="内部草稿不应被检索")
    assert catalogue_search(query="内部草稿").total == 0
    assert Item.objects.filter(status=ItemStatus.DRAFT).count() == 1


def test_results_come_in_pages_of_twenty(prefecture, alice, reviewers):
    from gongkai.catalogue.search import index_write
    from gongkai.catalogue.services.items import _searchable_text

    first = publish(alice, prefecture, reviewers, title="统计公报第1期")
    for n in range(2, 26):
        copy = Item.objects.get(pk=first.pk)
        copy.pk = None
        copy.index_number = f"x-{n}"
        copy.title = f"统计公报第{n}期"
        copy.save()
        index_write([(copy.pk, copy.title, _searchable_text(copy))])
    page1 = catalogue_search(query="统计公报")
    page2 = catalogue_search(query="统计公报", page=2)
    assert (page1.total, page1.pages, len(page1.hits), len(page2.hits)) == (25, 2, 20, 5)
    assert not {h.item.pk for h in page1.hits} & {h.item.pk for h in page2.hits}
