"""A citizen answers an online survey once and comments on a consultation; the honeypot stays out of sight."""

import datetime as dt

import pytest
from django.utils import timezone

from gongkai.participation.models import Comment, CommentStatus, SurveyResponse
from gongkai.participation.services import comment_moderate
from gongkai.participation.tests.factories import make_consultation, make_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_citizen_answers_a_survey_once(tree, alice, rob, page, live_server):
    today = timezone.localdate()
    survey = make_survey(
        tree["prefecture"], alice, rob, opens=today - dt.timedelta(days=1), closes=today + dt.timedelta(days=5)
    )
    page.goto(f"{live_server.url}/participation/qdn/surveys/{survey.pk}/")
    # The honeypot sits in the form for bots, out of the tab order and (by the stylesheet) off-screen for people.
    assert page.locator(".hp-field #id_website").get_attribute("tabindex") == "-1"
    page.get_by_label("满意", exact=True).check()
    page.get_by_label("窗口").check()
    page.get_by_label("电话").check()
    page.get_by_role("button", name="提交答卷").click()
    assert "答卷已提交" in page.locator("main").inner_text()
    assert SurveyResponse.objects.count() == 1
    page.goto(f"{live_server.url}/participation/qdn/surveys/{survey.pk}/")
    assert "您已经参加过本次调查" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="提交答卷").count() == 0


def test_a_citizen_comments_and_sees_it_only_after_moderation(tree, alice, rob, page, live_server):
    today = timezone.localdate()
    consultation = make_consultation(
        tree["prefecture"], alice, rob, opens=today - dt.timedelta(days=1), closes=today + dt.timedelta(days=5)
    )
    url = f"{live_server.url}/participation/qdn/consultations/{consultation.pk}/"
    page.goto(url)
    page.get_by_role("button", name="提交意见").click()  # empty: the field is named and nothing is saved
    assert "意见内容" in page.locator(".form-errors").inner_text()
    page.fill("#id_content", "建议在老城区增设公共停车位。")
    page.fill("#id_contact", "13812345678")
    page.get_by_role("button", name="提交意见").click()
    assert "意见经审核后公开" in page.locator("main").inner_text()
    comment = Comment.objects.get()
    assert page.locator(".comments").count() == 0 and page.locator("p.empty").inner_text() == "暂无公开的意见。"
    comment_moderate(actor=alice, comment=comment, status=CommentStatus.APPROVED)
    page.goto(url)
    assert "建议在老城区增设公共停车位" in page.locator(".comments").inner_text()
    assert "13812345678" not in page.content()


def test_on_a_phone_a_consultation_list_reads_as_a_list(tree, alice, rob, phone, live_server):
    """At 390 px the list is a title across the width, then its period and status; a date never breaks."""
    today = timezone.localdate()
    make_consultation(
        tree["prefecture"], alice, rob, opens=today - dt.timedelta(days=1), closes=today + dt.timedelta(days=30),
        title="关于公开征求《黔东南州中心城区公共停车场规划（2024—2035年）（草案）》意见的公告",
    )  # fmt: skip
    phone.goto(f"{live_server.url}/participation/qdn/consultations/")
    table = phone.locator("table.data").bounding_box()
    title = phone.get_by_role("link", name="中心城区公共停车场规划").bounding_box()
    # The title takes the list's width (in the desktop table's first column it had a sixth of it).
    assert title["width"] > 0.8 * table["width"]
    for date in phone.locator("table.data td .nowrap").all():
        assert date.bounding_box()["height"] < 2 * float(date.evaluate("el => getComputedStyle(el).lineHeight")[:-2])
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
