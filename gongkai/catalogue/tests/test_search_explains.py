"""The portal's search explains itself: a hint for an empty query, the limit for a long one, what to try when
nothing is found, popular searches of the past month, and a choice of order."""

import datetime as dt

import pytest
from django.utils import timezone

from gongkai.analytics.models import DailySearchCount
from gongkai.catalogue.tests.factories import publish, second_reviewer

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_items(prefecture, alice, rob, ann):
    reviewers = [rob, second_reviewer(prefecture), ann]
    older = publish(alice, prefecture, reviewers, title="森林防火工作简报")
    # The newer one mentions 森林防火 only in its body: relevance puts the older title hit first, date does not.
    newer = publish(alice, prefecture, reviewers, title="关于安全生产大检查的通知")
    type(older).objects.filter(pk=older.pk).update(published_at=timezone.now() - dt.timedelta(days=400))
    return older, newer


@pytest.fixture
def popular(prefecture):
    today = timezone.localdate()
    DailySearchCount.objects.create(day=today - dt.timedelta(days=3), agency=prefecture, term="低保标准", searches=40)
    DailySearchCount.objects.create(day=today - dt.timedelta(days=10), agency=prefecture, term="招聘", searches=25)
    DailySearchCount.objects.create(day=today - dt.timedelta(days=90), agency=prefecture, term="去年的词", searches=99)


def test_an_empty_query_shows_a_hint_and_the_ways_to_browse(client, prefecture, popular):
    for params in ({}, {"q": "  "}, {"q": "", "agency": prefecture.slug}):
        page = client.get("/catalogue/search/", params).content.decode()
        assert "请在上方输入关键词" in page and 'href="/agencies/"' in page
        assert "低保标准" in page and "去年的词" not in page  # popular searches of the past month only


def test_a_query_over_the_limit_is_refused_with_the_limit_not_cut(client, two_items):
    long = "森林防火" * 50  # 200 characters
    response = client.get("/catalogue/search/", {"q": long})
    page = response.content.decode()
    assert response.status_code == 200
    assert "关键词最多 64 个字，您输入了 200 个字" in page
    assert f'value="{long}"' in page  # what was typed comes back whole
    assert "找到" not in page  # nothing was searched with a silently shortened query
    assert 'maxlength="64"' not in page  # and the browser does not cut a pasted query either


def test_no_results_suggest_what_to_try_and_show_popular_searches(client, prefecture, two_items, popular):
    page = client.get(
        "/catalogue/search/", {"q": "完全不存在的关键词组合", "agency": prefecture.slug, "year": "2019"}
    ).content.decode()
    assert "没有找到与“完全不存在的关键词组合”相关的信息" in page
    assert "减少关键词" in page
    assert "在全部机关中检索" in page and "不限年份检索" in page
    assert 'href="?q=%E5%AE%8C' in page  # the wider searches keep the query
    assert "近一个月的热门检索" in page and "低保标准" in page


def test_results_can_be_sorted_by_relevance_or_by_date(client, two_items):
    older, newer = two_items
    by_relevance = client.get("/catalogue/search/", {"q": "森林防火简报"}).content.decode()
    assert "按相关度" in by_relevance and "按发布日期" in by_relevance
    relevance = client.get("/catalogue/search/", {"q": "森林防火"}).content.decode()
    by_date = client.get("/catalogue/search/", {"q": "森林防火", "sort": "date"}).content.decode()
    assert "找到 2 条" in relevance and "找到 2 条" in by_date
    assert relevance.index("工作简报") < relevance.index("安全生产大检查")  # the title hit first
    assert by_date.index("安全生产大检查") < by_date.index("工作简报")  # newest first
    assert 'value="date" selected' in by_date


def test_a_bad_sort_or_page_never_errors(client, two_items):
    assert client.get("/catalogue/search/", {"q": "森林防火", "sort": "zzz"}).status_code == 200
    assert client.get("/catalogue/search/", {"q": "森林防火", "page": "abc"}).status_code == 400
    assert client.get("/catalogue/search/", {"q": "森林防火", "page": "0"}).status_code == 400
