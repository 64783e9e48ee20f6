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
    assert search.bigram_string("中国。国家").split() == ["中国", "国", "国", "国家"]
    assert search.bigram_string("营商环境（２０２４）").split() == [
        "营商",
        "商环",
        "环境",
        "境",
        "2",
        "20",
        "02",
        "24",
        "4",
    ]


def test_the_bigram_string_holds_exactly_the_bigrams_of_each_run():
    rng = random.Random(11)
    alphabet = "政府信息公开，。（）２０ＡＢab 　㎡①"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 30)))
        tokens = search.bigram_string(text).split()
        assert {t for t in tokens if len(t) == 2} == {g for p in search.bigram_runs(text) for g in p}, text


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
    queries += ["州", "知", "号", "4", "a", "c", "）", "期"]  # single characters: prefixes of the index's tokens
    for query in queries:
        found = set(catalogue_search_queryset(query=query).values_list("pk", flat=True))
        expected = {pk for pk, text in texts.items() if search.runs(query) and query.lower() in text}
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
    from gongkai.catalogue.search import index_write, searchable_text

    first = publish(alice, prefecture, reviewers, title="统计公报第1期")
    for n in range(2, 26):
        copy = Item.objects.get(pk=first.pk)
        copy.pk = None
        copy.index_number = f"x-{n}"
        copy.title = f"统计公报第{n}期"
        copy.save()
        index_write([(copy.pk, copy.title, searchable_text(copy))])
    page1 = catalogue_search(query="统计公报")
    page2 = catalogue_search(query="统计公报", page=2)
    assert (page1.total, page1.pages, len(page1.hits), len(page2.hits)) == (25, 2, 20, 5)
    assert not {h.item.pk for h in page1.hits} & {h.item.pk for h in page2.hits}


def _spread_catalogue(agencies, count: int, seed: int) -> list[Item]:
    """`count` published items over three years, two agencies, all document types, written straight to the
    index (the review chain is tested elsewhere): enough months that the PostgreSQL month windows widen."""
    import datetime as dt

    from django.utils import timezone

    from gongkai.catalogue.models import Category
    from gongkai.catalogue.search import searchable_rows
    from gongkai.catalogue.tests.factories import category

    rng = random.Random(seed)
    categories = {a.pk: [category(a, "normative"), category(a, "plans")] for a in agencies}
    assert all(isinstance(c, Category) for cs in categories.values() for c in cs)
    words = ["乡村振兴", "营商环境", "森林防火", "安全生产", "财政预算", "统计公报", "就业创业", "黔东南州"]
    items = []
    for n in range(count):
        agency = agencies[n % len(agencies)]
        picked = rng.sample(words, 3)
        rare = "稻渔综合种养" if n % 37 == 0 else ""
        day = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(3 * 365))
        items.append(
            Item.objects.create(
                agency=agency,
                status=ItemStatus.PUBLISHED,
                title=f"{picked[0]}{'工作' if n % 3 else ''}通知（{n}）",
                body_text=f"{picked[1]}，{picked[2]}。{rare}",
                document_type=rng.choice([DocumentType.NORMATIVE, DocumentType.OTHER, DocumentType.INFORMATION]),
                category=rng.choice(categories[agency.pk]),
                index_number=f"t-{seed}-{n}",
                published_at=timezone.make_aware(dt.datetime.combine(day, dt.time(9))),
            )
        )
    search.index_write(searchable_rows([i.pk for i in items]), replace=False)
    return items


def _expected(items, query: str, keep) -> list[int]:
    """What a plain scan gives, in the promised order: title hits first, then newest (day, then id)."""
    from django.utils import timezone

    hits = [i for i in items if keep(i) and query in (i.title + "\n" + i.body_text).lower()]
    return [
        i.pk
        for i in sorted(
            hits, key=lambda i: (query in i.title.lower(), timezone.localdate(i.published_at), i.pk), reverse=True
        )
    ]


def test_pages_and_capped_totals_follow_a_plain_scan_under_every_filter(prefecture, finance, monkeypatch):
    from gongkai.catalogue.selectors import catalogue_search_ids

    monkeypatch.setattr(search.results, "COUNT_CAP", 30)
    items = _spread_catalogue([prefecture, finance], 160, seed=3)
    normative = [i for i in items if i.category.code == "normative"]
    cases = [
        ({}, lambda i: True),
        ({"agencies": [finance]}, lambda i: i.agency_id == finance.pk),
        ({"year": 2023}, lambda i: i.published_at.year == 2023),
        ({"document_type": DocumentType.OTHER}, lambda i: i.document_type == DocumentType.OTHER),
        ({"category": normative[0].category}, lambda i: i.category_id == normative[0].category_id),
        (
            {"agencies": [prefecture], "year": 2022, "document_type": DocumentType.NORMATIVE},
            lambda i: (
                i.agency_id == prefecture.pk
                and i.published_at.year == 2022
                and i.document_type == DocumentType.NORMATIVE
            ),
        ),
    ]
    for query in ["工作", "乡村振兴", "稻渔综合种养", "防火", "黔东南州", "不存在"]:
        for kwargs, keep in cases:
            expected = _expected(items, query, keep)
            first = catalogue_search_ids(query=query, limit=7, offset=0, **kwargs)
            assert first.total == min(len(expected), 30), (query, kwargs)
            assert first.more == (len(expected) > 30), (query, kwargs)
            shown = []
            for offset in range(0, first.total, 7):
                shown += catalogue_search_ids(query=query, limit=7, offset=offset, **kwargs).ids
            assert shown == expected[:30], (query, kwargs)
            everything = catalogue_search_queryset(query=query, **kwargs).values_list("pk", flat=True)
            assert sorted(everything) == sorted(expected), (query, kwargs)


@pytest.mark.parametrize("probe_rows", [3, 2000])
def test_matches_bunched_in_an_old_stretch_come_newest_first(prefecture, finance, monkeypatch, probe_rows):
    """A phrase found only in one old year (a year's number, a campaign's name) and a few newer items: on
    PostgreSQL a long window holding more candidates than the probe allows is read as its years, a year as
    its months; the pages and totals must still be a plain scan's, whatever the probe's bound."""
    import datetime as dt

    from django.utils import timezone

    from gongkai.catalogue.search import searchable_rows
    from gongkai.catalogue.selectors import catalogue_search_ids

    monkeypatch.setattr(search.results, "COUNT_CAP", 25)
    monkeypatch.setattr(search.postgres, "PROBE_ROWS", probe_rows)
    items = _spread_catalogue([prefecture, finance], 60, seed=5)
    bunched = []
    for n in range(40):
        day = dt.date(2022, 3, 1) + dt.timedelta(days=(n * 7) % 200)
        late = n >= 37  # three in the newest weeks
        bunched.append(
            Item.objects.create(
                agency=prefecture if n % 2 else finance,
                status=ItemStatus.PUBLISHED,
                title=f"关于疫情防控工作的通知（{n}）" if n % 4 == 0 else f"工作通知（{n}）",
                body_text="做好疫情防控常态化工作。" if n % 5 else "疫情防控",
                index_number=f"bunch-{n}",
                published_at=timezone.make_aware(
                    dt.datetime.combine(dt.date(2024, 12, 20) - dt.timedelta(days=n - 37) if late else day, dt.time(9))
                ),
            )
        )
    search.index_write(searchable_rows([i.pk for i in bunched]), replace=False)
    everything = items + bunched
    for query, kwargs, keep in [
        ("疫情防控", {}, lambda i: True),
        ("疫情防控常态化", {"agencies": [prefecture]}, lambda i: i.agency_id == prefecture.pk),
        ("疫情防控", {"year": 2022}, lambda i: i.published_at.year == 2022),
    ]:
        expected = _expected(everything, query, keep)
        assert expected, query
        shown, offset = [], 0
        first = catalogue_search_ids(query=query, limit=6, offset=0, **kwargs)
        assert (first.total, first.more) == (min(len(expected), 25), len(expected) > 25), (query, kwargs)
        while offset < first.total:
            shown += catalogue_search_ids(query=query, limit=6, offset=offset, **kwargs).ids
            offset += 6
        assert shown == expected[:25], (query, kwargs)


def test_a_changed_validity_moves_the_item_between_validity_filters(prefecture, alice, reviewers, ann):
    import datetime as dt

    from gongkai.catalogue.models import Validity
    from gongkai.catalogue.services import item_set_validity

    item = publish(alice, prefecture, reviewers, title="关于河长制管理的办法")
    assert catalogue_search(query="河长制", validity=Validity.IN_FORCE).total == 1
    item_set_validity(actor=ann, item=item, validity=Validity.REPEALED, day=dt.date(2024, 6, 1), reason="已被取代")
    assert catalogue_search(query="河长制", validity=Validity.IN_FORCE).total == 0
    assert [h.item.pk for h in catalogue_search(query="河长制", validity=Validity.REPEALED).hits] == [item.pk]


def test_inactive_agencies_are_left_out(prefecture, finance):
    items = _spread_catalogue([prefecture, finance], 20, seed=5)
    finance.is_active = False
    finance.save(update_fields=["is_active"])
    found = set(catalogue_search_queryset(query="通知").values_list("pk", flat=True))
    assert found == {i.pk for i in items if i.agency_id == prefecture.pk}
    assert catalogue_search(query="通知").total == len(found)


def test_the_search_page_says_when_there_are_more_results_than_it_lists(client, prefecture, monkeypatch):
    monkeypatch.setattr(search.results, "COUNT_CAP", 10)
    _spread_catalogue([prefecture], 25, seed=9)
    response = client.get("/catalogue/search/", {"q": "通知"})
    text = response.content.decode()
    assert "找到 25 条与“通知”相关的信息，以下列出最相关的 10 条" in text
    assert "第 1 / 1 页" not in text and "/ 1 页" not in text


def test_the_search_page_shows_an_estimate_with_yue_above_the_exact_limit(client, prefecture, monkeypatch):
    """Exact totals up to COUNT_EXACT; above it the page says 约 and that it is an estimate."""
    monkeypatch.setattr(search.results, "COUNT_CAP", 5)
    monkeypatch.setattr(search.results, "COUNT_EXACT", 12)
    _spread_catalogue([prefecture], 40, seed=9)
    text = client.get("/catalogue/search/", {"q": "通知"}).content.decode()
    counted = search.search_page(search.parse("通知"), search.SearchFilters(), limit=5, offset=0, count=True)
    assert not counted.count_exact and counted.count > 12
    assert f"找到约 {counted.count:,} 条与“通知”相关的信息（估计数），以下列出最相关的 5 条" in text
    monkeypatch.setattr(search.results, "COUNT_EXACT", 100)
    text = client.get("/catalogue/search/", {"q": "通知", "sort": "date"}).content.decode()  # another cached page
    assert "找到 40 条与“通知”相关的信息，以下列出最相关的 5 条" in text and "找到约" not in text


def test_items_with_every_bigram_but_not_the_phrase_are_not_found(prefecture, monkeypatch):
    """On PostgreSQL the index gives candidates by bigrams alone; a hundred newer look-alikes that have every
    bigram of the query, but never adjacent, must not crowd out or pad the ten real hits."""
    import datetime as dt

    from django.utils import timezone

    from gongkai.catalogue.search import searchable_rows

    monkeypatch.setattr(search.results, "COUNT_CAP", 12)
    made = []
    for n in range(110):
        real = n < 10
        made.append(
            Item.objects.create(
                agency=prefecture,
                status=ItemStatus.PUBLISHED,
                title=f"通知{n}",
                body_text="加强森林防火工作" if real else "森林防火。火工。工作",
                index_number=f"fp-{n}",
                published_at=timezone.make_aware(dt.datetime(2024, 1, 1, 9) + dt.timedelta(hours=n)),  # one month
            )
        )
    search.index_write(searchable_rows([i.pk for i in made]), replace=False)
    real = [i.pk for i in reversed(made[:10])]
    page = catalogue_search(query="防火工作")
    assert (page.total, page.more) == (10, False)
    assert [h.item.pk for h in page.hits] == real
    assert sorted(catalogue_search_queryset(query="防火工作").values_list("pk", flat=True)) == sorted(real)


def test_numbers_are_found_exactly(prefecture, alice, reviewers):
    """Digits make few distinct bigrams, so "2021" shares 20, 02 and 21 with "2020年第21期"; only the item
    holding the number itself is found (on PostgreSQL its trigrams narrow the candidates before verification)."""
    wanted = publish(
        alice, prefecture, reviewers, title="关于印发实施方案的通知", document_number="黔东南府发〔2021〕3号"
    )
    publish(
        alice,
        prefecture,
        reviewers,
        title="2020年第21期工作简报",
        document_type=DocumentType.INFORMATION,
        document_number="",
    )
    publish(
        alice,
        prefecture,
        reviewers,
        title="编号A2021B的项目公示",
        document_type=DocumentType.INFORMATION,
        document_number="",
    )
    found = sorted(catalogue_search_queryset(query="2021").values_list("title", flat=True))
    assert found == sorted([wanted.title, "编号A2021B的项目公示"])
    assert catalogue_search(query="021b").total == 1


def test_runs_of_ascii_letters_and_digits_are_looked_up_by_trigrams_and_four_grams():
    grams, implied = search.ascii_query_grams("2021", "abc", "黔府发2021年3号", "20210315")
    assert grams >= {"~2021", "~abc", "~0210", "~2103", "~1031", "~0315"}
    assert "~202" not in grams  # implied by the four-gram
    assert {"20", "02", "21", "ab", "bc"} <= implied
    assert search.ascii_grams("文号2021，abc") == {"~202", "~021", "~2021", "~abc"}


def test_numbers_of_three_four_and_more_digits_match_a_plain_scan(prefecture):
    """A year is one exact four-gram on PostgreSQL; longer numbers are four-grams checked against the text."""
    import datetime as dt

    from django.utils import timezone

    from gongkai.catalogue.search import searchable_rows

    texts = ["2021年工作总结", "12021号", "20210315会议", "2012年", "202号文件", "电话0855-8227803", "第2021号"]
    made = [
        Item.objects.create(
            agency=prefecture,
            status=ItemStatus.PUBLISHED,
            title=f"通知{n}",
            body_text=text,
            index_number=f"num-{n}",
            published_at=timezone.make_aware(dt.datetime(2024, 3, 1 + n, 9)),
        )
        for n, text in enumerate(texts)
    ]
    search.index_write(searchable_rows([i.pk for i in made]), replace=False)
    for query in ["2021", "202", "20210315", "8227803", "0855", "021"]:
        expected = _expected(made, query, lambda i: True)
        assert catalogue_search(query=query).total == len(expected), query
        assert [h.item.pk for h in catalogue_search(query=query).hits] == expected, query


def test_sqlite_merges_the_index_eight_segments_at_a_time(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("an FTS5 setting")
    with connection.cursor() as cursor:
        for table in search.SQLITE_TABLES:
            cursor.execute(f"SELECT v FROM {table}_config WHERE k = 'automerge'")  # noqa: S608 - fixed names
            assert cursor.fetchone() == (search.SQLITE_AUTOMERGE,)


def _sqlite_index_is_whole() -> list:
    """SQLite: FTS5's own check of each contentless table, and the (term, row) pairs it indexes."""
    from django.db import connection

    with connection.cursor() as cursor:
        pairs = []
        for table in search.SQLITE_TABLES:
            cursor.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 0)")  # noqa: S608
            cursor.execute(f"CREATE VIRTUAL TABLE temp.{table}_v USING fts5vocab(main, {table}, 'instance')")
            cursor.execute(f"SELECT DISTINCT term, doc FROM temp.{table}_v")  # noqa: S608 - fixed names
            pairs += cursor.fetchall()
            cursor.execute(f"DROP TABLE temp.{table}_v")  # noqa: S608 - fixed names
        return pairs


def test_an_item_changed_behind_the_index_leaves_nothing_behind_when_removed(prefecture, alice, reviewers, ann):
    """SQLite's tables are contentless: a row is deleted by the values it was written with, which come from the
    index's own compressed copy, not from the item, whose text may have been changed straight in the database
    (as the monitoring test does): the words it had are no longer found, and none of its tokens stay behind."""
    from django.db import connection

    from gongkai.catalogue.models import Validity

    kept = publish(alice, prefecture, reviewers, title="关于森林防火的通知", body="<p>护林员巡山。</p>")
    item = publish(alice, prefecture, reviewers, title="关于征收补偿的公告", body="<p>补偿标准见附件。</p>")
    search.index_set_validity([item.pk], Validity.EXPIRED)
    Item.objects.filter(pk=item.pk).update(title="改过的标题", body_text="改过的正文")
    item_withdraw(actor=ann, item=Item.objects.get(pk=item.pk), reason="内容需要重新审核")
    for query in ("征收补偿", "补偿标准", "改过"):
        assert catalogue_search(query=query).total == 0, query
    assert catalogue_search(query="森林防火").total == 1
    if connection.vendor == "sqlite":
        pairs = _sqlite_index_is_whole()
        assert pairs and {doc & search.ID_MASK for _term, doc in pairs} == {kept.pk}


def test_every_character_of_a_run_starts_a_token_of_the_index_string():
    """`index_string`: the bigrams of each run, then the run's last character alone, whatever the breaks."""
    assert search.index_string("\n政府，信息\n\n").split() == ["政府", "府", "信", "信息", "息"]
    assert search.index_string("政府，信息") == search.index_string("  政府\n信息")
    assert search.index_string("，。") == ""
    rng = random.Random(5)
    for _ in range(200):
        text = "".join(rng.choice("政府信息公开，。２０ab ") for _ in range(rng.randrange(0, 20)))
        tokens = search.index_string(text).split()
        assert {t[0] for t in tokens} == set("".join(search.runs(text))), text
