"""A clerk drafts an item, three different reviewers pass it, and a citizen finds it by browsing and by search."""

import datetime as dt

import pytest
from django.utils import timezone

from conftest import PASSWORD
from gongkai.catalogue import search
from gongkai.catalogue.models import Item, ItemStatus
from gongkai.catalogue.services import category_tree_ensure_default
from gongkai.catalogue.tests.factories import second_reviewer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, username):
    page.goto(live_server.url + "/staff/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()


def _logout(page):
    page.get_by_role("button", name="退出").click()


def test_draft_three_reviews_published_and_found(prefecture, alice, rob, ann, page, live_server):
    search.index_clear()  # transactional tests flush the models' tables, not the search index
    category_tree_ensure_default(actor=None, agency=prefecture)
    second_reviewer(prefecture)
    title = "关于做好2024年茶产业春茶采摘加工工作的通知"

    _login(page, live_server, "alice")
    page.get_by_role("link", name="主动公开目录").click()
    page.get_by_role("link", name="起草条目").click()
    page.fill("#id_title", title)
    page.fill("#id_summary", "部署全州春茶采摘加工。")
    page.fill("#id_body", "<p>各县（市）要做好春茶采摘加工工作，确保茶叶质量安全。</p>")
    page.select_option("#id_category", label="其他文件")
    page.select_option("#id_document_type", value="other")
    page.fill("#id_document_number", "黔东南府办函(2024)18号")
    page.fill("#id_date_written", (timezone.localdate() - dt.timedelta(days=2)).isoformat())
    page.get_by_role("button", name="保存").click()
    assert "未发现问题" in page.locator("#checks").inner_text()
    page.get_by_role("button", name="提交审核").click()
    assert "已提交审核" in page.locator("main").inner_text()
    _logout(page)

    for username, step in (("rob", "初审"), ("rita", "复审"), ("ann", "终审")):
        _login(page, live_server, username)
        page.get_by_role("link", name="主动公开目录").click()
        page.locator(".card", has_text="待我审核").get_by_role("link", name=title).click()
        assert f"{step}：通过" in page.locator("main").inner_text()
        page.get_by_label("我已完成校对（三校），确认文字无误").check()
        page.get_by_role("button", name="通过", exact=True).click()
        assert "审核通过" in page.locator("main").inner_text()
        _logout(page)

    item = Item.objects.get(title=title)
    assert item.status == ItemStatus.PUBLISHED and item.document_number == "黔东南府办函〔2024〕18号"
    assert list(item.reviews.filter(decision="approve").values_list("reviewer__username", flat=True)) == [
        "rob",
        "rita",
        "ann",
    ]

    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="信息公开目录").click()
    page.get_by_role("link", name="其他文件").click()
    page.get_by_role("link", name=title).click()
    assert item.index_number in page.locator(".index-box").inner_text()

    page.get_by_role("link", name="信息检索").click()
    page.fill("#id_q", "春茶采摘")
    page.get_by_role("button", name="检索").click()
    assert "找到 1 条" in page.locator("main").inner_text()
    assert page.locator(".search-results mark").first.inner_text() == "春茶采摘"
    page.locator(".search-results").get_by_role("link").first.click()
    assert page.locator("h1").inner_text() == title
