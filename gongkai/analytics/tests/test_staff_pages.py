"""The back-office statistics page shows the sections a user may see, with totals, months and top lists."""

import datetime as dt

import pytest

from gongkai.analytics.models import DailyCount, DailyPageCount, DailySearchCount
from gongkai.analytics.selectors import analytics_site_totals


@pytest.fixture
def counts(tree):
    for agency, visits in (("prefecture", 500), ("county", 200)):
        for day in (dt.date(2024, 1, 10), dt.date(2024, 2, 10)):
            DailyCount.objects.create(
                day=day,
                agency=tree[agency],
                visits=visits,
                page_views=2 * visits,
                visitors=visits - 50,
                new_visitors=10,
            )
    DailyPageCount.objects.create(day=dt.date(2024, 1, 10), agency=tree["prefecture"], path="/agencies/", page_views=77)
    DailySearchCount.objects.create(day=dt.date(2024, 1, 10), agency=tree["prefecture"], term="征地拆迁", searches=9)
    return tree


def test_the_supervisor_sees_a_sections_year_with_and_without_its_subtree(login, sue, counts):
    client = login(sue)
    qdn = counts["prefecture"].pk
    own = client.get(f"/staff/analytics/?agency={qdn}&year=2024")
    assert own.context["totals"] == {"visits": 1000, "page_views": 2000, "visitors": 900, "new_visitors": 20}
    assert own.context["daily_visitors"] == round(900 / 366)
    page = own.content.decode()
    assert "/agencies/" in page and "征地拆迁" in page and "2024-02" in page and "style=" not in page
    # A popular search opens what the public found for it.
    assert '<a href="/catalogue/search/?q=%E5%BE%81%E5%9C%B0%E6%8B%86%E8%BF%81">征地拆迁</a>' in page
    # Unique visitors per day: the column chart (the busiest day full height) and the table of the last days.
    assert [(d["day"], d["visitors"], d["height"]) for d in own.context["daily"]] == [
        (dt.date(2024, 1, 10), 450, 100.0),
        (dt.date(2024, 2, 10), 450, 100.0),
    ]
    assert '<rect x="1" y="0.0" width="0.8" height="100.0"><title>2024-02-10：450</title>' in page
    subtree = client.get(f"/staff/analytics/?agency={qdn}&year=2024&include_subtree=on")
    assert subtree.context["totals"]["visits"] == 1400


def test_a_county_clerk_cannot_look_at_the_prefectures_statistics(login, kim, counts):
    response = login(kim).get(f"/staff/analytics/?agency={counts['prefecture'].pk}&year=2024")
    assert "totals" not in response.context and "机关栏目</a>" in response.content.decode()
    own = login(kim).get(f"/staff/analytics/?agency={counts['county'].pk}&year=2024&include_subtree=on")
    assert own.context["totals"]["visits"] == 400


def test_site_totals_sum_the_sections_of_the_agencies_asked_for(counts):
    cells = analytics_site_totals(agencies=[counts["prefecture"]], year=2024)
    assert (cells["site_visits"].value, cells["site_page_views"].value, cells["new_visitors"].value) == (1000, 2000, 20)
    assert cells["daily_visitors"].value == round(900 / 366) and cells["site_visits"].ids == ()
    assert analytics_site_totals(agencies=[counts["prefecture"]], year=2023)["site_visits"].value == 0


def test_the_top_pages_are_named_as_a_reader_knows_them(login, sue, alice, counts):
    """热门页面 shows each page's name (a document's title, a category's name), not only its path."""
    from gongkai.catalogue.tests.factories import category, draft

    prefecture, county = counts["prefecture"], counts["county"]
    item = draft(alice, prefecture, title="关于做好2024年春季森林防火工作的通知")
    budget = category(prefecture, "budget")
    day = dt.date(2024, 1, 10)
    for agency, path, views in (
        (prefecture, f"/catalogue/items/{item.pk}/", 60),
        (prefecture, f"/catalogue/qdn/c/{budget.code}/", 50),
        (county, "/catalogue/kaili/", 40),
        (prefecture, "/catalogue/items/999999/", 30),  # a document since deleted
        (prefecture, "/no-longer-a-page/", 20),
    ):
        DailyPageCount.objects.create(day=day, agency=agency, path=path, page_views=views)
    response = login(sue).get(f"/staff/analytics/?agency={prefecture.pk}&year=2024&include_subtree=on")
    rows = [(p["path"], p["name"], p["agency_name"]) for p in response.context["pages"]]
    assert rows == [
        ("/agencies/", "机构导航", ""),
        (f"/catalogue/items/{item.pk}/", "关于做好2024年春季森林防火工作的通知", ""),
        (f"/catalogue/qdn/c/{budget.code}/", f"政府信息公开目录 · {budget.name}", ""),
        ("/catalogue/kaili/", "政府信息公开目录", "凯里市政府"),
        ("/catalogue/items/999999/", "", ""),
        ("/no-longer-a-page/", "", ""),
    ]
    page = response.content.decode()
    assert f'<a href="/catalogue/items/{item.pk}/">关于做好2024年春季森林防火工作的通知</a>' in page
    assert '<a href="/catalogue/kaili/">政府信息公开目录</a> <span class="muted">（凯里市政府）</span>' in page
    # A path that names no page of today's portal is shown as it was counted, and not as a link.
    assert '<td class="page-name">/no-longer-a-page/</td>' in page
