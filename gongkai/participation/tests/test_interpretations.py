import datetime as dt

import pytest
from django.utils import timezone

from gongkai.catalogue.models import Category, DocumentType, Item, ItemStatus
from gongkai.catalogue.services import item_withdraw
from gongkai.catalogue.tests.factories import category, publish, second_reviewer
from gongkai.participation.selectors import interpretation_count, interpretations_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewers(tree, rob, ann):
    return [rob, second_reviewer(tree["prefecture"]), ann]


@pytest.fixture
def policy(tree, alice, reviewers):
    return publish(
        alice, tree["prefecture"], reviewers, title="关于促进就业的若干措施", document_number="黔东南府发〔2024〕7号"
    )


def form_data(policy, **extra):
    return {
        "title": "《关于促进就业的若干措施》政策解读",
        "interpretation_form": "text",
        "interprets": policy.pk,
        "category": Category.objects.get(agency=policy.agency, code="interpretation").pk,
        "date_written": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "summary": "解读就业补贴的对象和标准。",
        "text": "一、出台背景\n二、主要内容",
        **extra,
    }


def test_an_interpretation_goes_through_the_catalogues_review_chain_and_links_both_ways(
    tree, alice, rob, ann, reviewers, policy, login, client
):
    login(alice)
    response = client.post("/staff/participation/interpretations/new/", form_data(policy))
    item = Item.objects.get(interprets=policy)
    assert response.status_code == 302 and item.document_type == DocumentType.INTERPRETATION
    assert item.interpretation_form == "text" and item.status == ItemStatus.DRAFT
    client.post(f"/staff/participation/interpretations/{item.pk}/submit/")
    client.post("/staff/logout/")
    for reviewer in reviewers:
        login(reviewer)
        client.post(f"/staff/participation/interpretations/{item.pk}/approve/", {"proofread": "on"})
        client.post("/staff/logout/")
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED and item.index_number
    page = client.get(f"/participation/qdn/interpretations/{item.pk}/").content.decode()
    assert "关于促进就业的若干措施" in page and "黔东南府发〔2024〕7号" in page and "出台背景" in page
    assert list(interpretations_of(policy)) == [item]
    assert "《关于促进就业的若干措施》政策解读" in client.get("/participation/qdn/interpretations/").content.decode()


def test_a_reviewer_must_confirm_the_proofreading(tree, alice, rob, policy, login, client):
    login(alice)
    client.post("/staff/participation/interpretations/new/", form_data(policy))
    item = Item.objects.get(interprets=policy)
    client.post(f"/staff/participation/interpretations/{item.pk}/submit/")
    client.post("/staff/logout/")
    login(rob)
    response = client.post(f"/staff/participation/interpretations/{item.pk}/approve/", follow=True)
    assert "请确认已完成校对" in response.content.decode()
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_REVIEW and item.review_position == 0


def test_a_video_interpretation_needs_its_link_and_keeps_what_was_typed(tree, alice, policy, login, client):
    login(alice)
    response = client.post(
        "/staff/participation/interpretations/new/", form_data(policy, interpretation_form="video", text="")
    )
    page = response.content.decode()
    assert response.status_code == 200 and "图解和视频解读需要填写图片或视频的链接" in page
    assert "解读就业补贴的对象和标准。" in page
    assert not Item.objects.filter(interprets=policy).exists()


def test_an_interpretation_cannot_explain_another_interpretation(tree, alice, reviewers, policy, login, client):
    first = publish(
        alice, tree["prefecture"], reviewers, title="图解：就业措施", document_type=DocumentType.INTERPRETATION,
        interprets=policy, interpretation_form="graphic", category=category(tree["prefecture"], "interpretation"),
        document_number="",
    )  # fmt: skip
    login(alice)
    response = client.post("/staff/participation/interpretations/new/", form_data(policy, interprets=first.pk))
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()


def test_the_count_takes_published_interpretations_of_the_year_and_agencies(tree, alice, kim, reviewers, policy):
    interp = publish(
        alice, tree["prefecture"], reviewers, title="问答：就业措施", document_type=DocumentType.INTERPRETATION,
        interprets=policy, interpretation_form="qa", category=category(tree["prefecture"], "interpretation"),
        document_number="",
    )  # fmt: skip
    year = timezone.localtime(interp.published_at).year
    cell = interpretation_count(agencies=[tree["prefecture"]], year=year)
    assert cell.value == 1 and cell.ids == (interp.pk,)
    assert interpretation_count(agencies=[tree["county"]], year=year).value == 0
    assert interpretation_count(agencies=[tree["prefecture"]], year=year - 1).value == 0
    item_withdraw(actor=reviewers[2], item=interp, reason="政策调整")
    assert interpretation_count(agencies=[tree["prefecture"]], year=year).value == 0


def test_another_agencys_clerk_cannot_open_the_interpretation(tree, alice, kim, policy, login, client):
    login(alice)
    client.post("/staff/participation/interpretations/new/", form_data(policy))
    item = Item.objects.get(interprets=policy)
    client.post("/staff/logout/")
    login(kim)
    assert client.get(f"/staff/participation/interpretations/{item.pk}/").status_code == 404
    assert client.get(f"/participation/qdn/interpretations/{item.pk}/").status_code == 404  # not published


def test_a_returned_interpretation_is_edited_and_becomes_a_new_version(tree, alice, rob, policy, login, client):
    login(alice)
    client.post(
        "/staff/participation/interpretations/new/",
        form_data(policy, interpretation_form="video", media_url="https://v.example.cn/1.mp4"),
    )
    item = Item.objects.get(interprets=policy)
    client.post(f"/staff/participation/interpretations/{item.pk}/submit/")
    client.post("/staff/logout/")
    login(rob)
    client.post(f"/staff/participation/interpretations/{item.pk}/reject/", {"comment": "视频链接有误"})
    item.refresh_from_db()
    assert item.status == ItemStatus.DRAFT
    client.post("/staff/logout/")
    login(alice)
    page = client.get(f"/staff/participation/interpretations/{item.pk}/edit/").content.decode()
    assert "https://v.example.cn/1.mp4" in page and "解读就业补贴的对象和标准。" in page
    response = client.post(
        f"/staff/participation/interpretations/{item.pk}/edit/",
        form_data(policy, interpretation_form="video", media_url="https://v.example.cn/2.mp4"),
    )
    item.refresh_from_db()
    assert response.status_code == 302 and item.version == 2 and "https://v.example.cn/2.mp4" in item.body
