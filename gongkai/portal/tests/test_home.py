"""The home page as a visitor meets it: search, quick entries, latest items, open participation, one phone number."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from gongkai.catalogue.tests.factories import publish, second_reviewer
from gongkai.participation.tests.factories import make_consultation, make_survey

QUICK_ENTRIES = ("依申请公开", "信息公开指南", "信息公开目录", "政府信息公开年报", "政府公报", "政策解读", "公众参与")


@pytest.fixture
def published(tree, alice, rob, ann):
    return publish(alice, tree["prefecture"], [rob, second_reviewer(tree["prefecture"]), ann])


def test_the_home_page_has_a_search_box_for_the_agencys_information(tree, client):
    page = client.get("/").content.decode()
    assert 'role="search"' in page and 'action="/catalogue/search/"' in page
    assert 'name="agency" value="qdn"' in page and 'name="q"' in page


def test_the_home_page_offers_the_seven_quick_entries_each_leading_to_a_page(tree, client):
    page = client.get("/").content.decode()
    nav = page.split('class="quick-entries"')[1].split("</nav>")[0]
    links = re.findall(r'href="([^"]+)"[^>]*><span class="quick-label">([^<]+)</span>', nav)
    assert [label for _url, label in links] == list(QUICK_ENTRIES)
    for url, label in links:
        assert client.get(url).status_code == 200, (label, url)


def test_the_home_page_lists_the_latest_items_with_their_column_and_number(published, client):
    page = client.get("/").content.decode()
    latest = page.split('id="latest-heading"')[1].split("</section>")[0]
    assert published.title in latest
    assert published.category.name in latest
    assert "黔东南府办发〔2024〕12号" in latest


def test_the_home_page_shows_consultations_and_surveys_open_today(tree, alice, rob, client):
    today = timezone.localdate()
    make_consultation(
        tree["prefecture"], alice, rob, opens=today - dt.timedelta(days=3), closes=today + dt.timedelta(days=10)
    )
    make_survey(tree["prefecture"], alice, rob, opens=today - dt.timedelta(days=1), closes=today + dt.timedelta(days=5))
    page = client.get("/").content.decode()
    box = page.split('id="participation-heading"')[1].split("</section>")[0]
    assert "正在征集和调查" in box
    assert "《城市管理条例（草案）》征求意见" in box and "政务服务满意度调查" in box
    assert f"{today + dt.timedelta(days=10):%Y-%m-%d} 截止" in box


def test_without_open_consultations_the_home_page_says_so_rather_than_showing_an_empty_box(tree, client):
    page = client.get("/").content.decode()
    assert "目前没有意见征集或网上调查。" in page


def test_the_page_and_the_footer_give_the_same_phone_number(tree, client):
    prefecture = tree["prefecture"]
    prefecture.site_phone = ""
    prefecture.save()
    page = client.get("/").content.decode()
    assert set(re.findall(r"0855-\d{7}", page)) == {prefecture.office_phone}


def test_an_agency_page_is_that_agencys_home(tree, client):
    page = client.get("/agencies/kaili-edu/").content.decode()
    assert "<h1>凯里市教育局</h1>" in page
    assert 'name="agency" value="kaili-edu"' in page
    assert 'href="/catalogue/kaili-edu/"' in page and "基本信息" in page


def test_every_page_has_a_favicon_and_the_site_answers_favicon_ico(tree, client):
    assert 'rel="icon"' in client.get("/").content.decode()
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content
