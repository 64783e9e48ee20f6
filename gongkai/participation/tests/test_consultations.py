import datetime as dt

import pytest
from django.utils import timezone

from gongkai.core.errors import AccessDenied
from gongkai.participation.models import Comment, CommentStatus
from gongkai.participation.services import comment_moderate, consultation_publish_feedback
from gongkai.participation.tests.factories import make_consultation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]


@pytest.fixture
def open_consultation(tree, alice, rob):
    today = timezone.localdate()
    return make_consultation(
        tree["prefecture"], alice, rob, opens=today - dt.timedelta(days=3), closes=today + dt.timedelta(days=10)
    )


@pytest.fixture
def closed_consultation(tree, alice, rob):
    today = timezone.localdate()
    return make_consultation(
        tree["prefecture"],
        alice,
        rob,
        opens=today - dt.timedelta(days=30),
        closes=today - dt.timedelta(days=1),
        title="已结束的征集",
    )


def url(c):
    return f"/participation/qdn/consultations/{c.pk}/"


def test_a_citizen_comments_without_an_account_and_it_waits_for_moderation(open_consultation, client):
    response = client.post(
        url(open_consultation), {"content": "建议增加停车位。", "name": "王小明", "contact": "13812345678"}
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.status == CommentStatus.PENDING and comment.contact == "13812345678"
    page = client.get(url(open_consultation)).content.decode()
    assert "建议增加停车位。" not in page


def test_an_approved_comment_is_shown_without_the_name_or_contact(open_consultation, alice, client):
    client.post(url(open_consultation), {"content": "建议增加停车位。", "name": "王小明", "contact": "13812345678"})
    comment_moderate(actor=alice, comment=Comment.objects.get(), status=CommentStatus.APPROVED)
    page = client.get(url(open_consultation)).content.decode()
    assert "建议增加停车位。" in page
    assert "王小明" not in page and "13812345678" not in page


def test_without_shown_comments_the_page_says_so_as_a_sentence_not_as_comment_number_one(open_consultation, client):
    page = client.get(url(open_consultation)).content.decode()
    assert '<p class="empty">暂无公开的意见。</p>' in page and '<ol class="comments">' not in page


def test_staff_see_each_comments_state_as_a_badge_waiting_ones_marked(open_consultation, alice, login, client):
    client.post(url(open_consultation), {"content": "建议增加停车位。", "name": "王小明"})
    login(alice)
    page = client.get(f"/staff/participation/consultations/{open_consultation.pk}/").content.decode()
    assert '<span class="badge warn">待审核</span>' in page
    assert '<td data-label="姓名" class="nowrap">王小明</td>' in page


def test_staff_moderate_comments_through_the_back_office(open_consultation, alice, login, client):
    client.post(url(open_consultation), {"content": "广告：低价出售发票"})
    comment = Comment.objects.get()
    login(alice)
    client.post(
        f"/staff/participation/consultations/{open_consultation.pk}/comments/{comment.pk}/", {"status": "rejected"}
    )
    comment.refresh_from_db()
    assert comment.status == CommentStatus.REJECTED
    assert "低价出售发票" not in client.get(url(open_consultation)).content.decode()


def test_an_empty_comment_is_refused_with_the_field_named_and_the_rest_kept(open_consultation, client):
    response = client.post(url(open_consultation), {"content": "", "name": "王小明"})
    page = response.content.decode()
    assert response.status_code == 400 and "意见内容" in page and "王小明" in page
    assert not Comment.objects.exists()


def test_the_honeypot_stops_a_bot_and_nothing_is_saved(open_consultation, client):
    response = client.post(url(open_consultation), {"content": "spam", "website": "http://spam.example"})
    assert response.status_code == 400 and "未通过校验" in response.content.decode()
    assert not Comment.objects.exists()


def test_comments_are_rate_limited_per_address(open_consultation, client):
    for n in range(5):
        assert client.post(url(open_consultation), {"content": f"意见{n}"}).status_code == 302
    response = client.post(url(open_consultation), {"content": "第六条意见"})
    assert response.status_code == 429 and "过于频繁" in response.content.decode()
    assert Comment.objects.count() == 5


def test_a_closed_consultation_refuses_comments(closed_consultation, client):
    page = client.get(url(closed_consultation)).content.decode()
    assert "不再接收意见" in page and 'name="content"' not in page
    response = client.post(url(closed_consultation), {"content": "迟到的意见"})
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_feedback_on_adoption_is_published_only_after_the_period(
    open_consultation, closed_consultation, rob, login, client
):
    login(rob)
    response = client.post(
        f"/staff/participation/consultations/{open_consultation.pk}/feedback/", {"feedback": "采纳3条"}
    )
    assert response.status_code == 200 and "征集截止后才能发布" in response.content.decode()
    response = client.post(
        f"/staff/participation/consultations/{closed_consultation.pk}/feedback/",
        {"feedback": "共收到意见12条，采纳5条。"},
    )
    assert response.status_code == 302
    closed_consultation.refresh_from_db()
    assert closed_consultation.feedback_published_on == timezone.localdate()
    assert "共收到意见12条，采纳5条。" in client.get(url(closed_consultation)).content.decode()


def test_a_clerk_cannot_publish_feedback(closed_consultation, alice):
    with pytest.raises(AccessDenied):
        consultation_publish_feedback(actor=alice, consultation=closed_consultation, feedback="x")


def test_the_dashboard_counts_comments_waiting_for_moderation(open_consultation, alice, kim, login, client):
    client.post(url(open_consultation), {"content": "建议一"})
    client.post(url(open_consultation), {"content": "建议二"})
    login(alice)
    page = client.get("/staff/").content.decode()
    assert "待审核的公众意见" in page and '<span class="stat">2</span>' in page
    client.post("/staff/logout/")
    login(kim)
    assert '<span class="stat">2</span>' not in client.get("/staff/").content.decode()


def test_numbers_typed_into_a_comment_are_masked_on_the_portal(open_consultation, alice, client):
    text = "我的电话13812345678，身份证522601199001011234，请联系。"
    client.post(url(open_consultation), {"content": text})
    comment_moderate(actor=alice, comment=Comment.objects.get(), status=CommentStatus.APPROVED)
    page = client.get(url(open_consultation)).content.decode()
    assert "138****5678" in page and "522***********1234" in page
    assert "13812345678" not in page and "522601199001011234" not in page
    assert Comment.objects.get().content == text  # the agency still has what was written
