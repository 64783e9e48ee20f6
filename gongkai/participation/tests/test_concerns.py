import datetime as dt

import pytest

from gongkai.audit.models import AuditEvent
from gongkai.core.errors import AccessDenied, IllegalTransition
from gongkai.participation.models import ConcernResponse, PublicationStatus
from gongkai.participation.services import publication_publish, publication_withdraw
from gongkai.participation.tests.factories import make_concern

pytestmark = pytest.mark.django_db

FORM = {
    "title": "关于公交线路调整的回应",
    "raised_where": "网民留言",
    "concern_summary": "网民反映8路公交调整后不便。",
    "response": "已恢复原站点。",
    "responded_on": "2024-05-06",
}


def test_a_clerk_drafts_a_response_and_a_reviewer_publishes_it_on_the_portal(tree, alice, rob, login, client):
    login(alice)
    response = client.post("/staff/participation/concerns/new/", FORM)
    concern = ConcernResponse.objects.get()
    assert response.status_code == 302 and concern.status == PublicationStatus.DRAFT
    assert client.get("/participation/qdn/concerns/").content.decode().count("关于公交线路调整的回应") == 0
    client.post(f"/staff/participation/concerns/{concern.pk}/submit/")
    client.post("/staff/logout/")
    login(rob)
    client.post(f"/staff/participation/concerns/{concern.pk}/publish/")
    concern.refresh_from_db()
    assert concern.status == PublicationStatus.PUBLISHED and concern.published_on is not None
    page = client.get(f"/participation/qdn/concerns/{concern.pk}/").content.decode()
    assert "已恢复原站点。" in page and "网民留言" in page
    verbs = list(
        AuditEvent.objects.filter(object_type="participation.concernresponse", object_id=str(concern.pk)).values_list(
            "verb", flat=True
        )
    )
    assert verbs == ["concern.create", "concern.submit", "concern.publish"]


def test_a_missing_topic_is_named_and_what_was_typed_is_kept(tree, alice, login, client):
    login(alice)
    response = client.post("/staff/participation/concerns/new/", {**FORM, "title": ""})
    page = response.content.decode()
    assert response.status_code == 200 and "关切话题" in page and "这个字段是必填项" in page
    assert "网民反映8路公交调整后不便。" in page
    assert not ConcernResponse.objects.exists()


def test_a_clerk_cannot_publish_and_an_illegal_move_is_refused(tree, alice, rob):
    concern = make_concern(tree["prefecture"], alice, rob, publish=False)
    with pytest.raises(AccessDenied):
        publication_publish(actor=alice, obj=concern)
    with pytest.raises(IllegalTransition, match="不能从"):
        publication_publish(actor=rob, obj=concern)  # a draft must be submitted first
    assert ConcernResponse.objects.get().status == PublicationStatus.DRAFT


def test_a_withdrawn_response_leaves_the_portal(tree, alice, rob, client):
    concern = make_concern(tree["prefecture"], alice, rob)
    assert client.get(f"/participation/qdn/concerns/{concern.pk}/").status_code == 200
    publication_withdraw(actor=rob, obj=concern, reason="内容有误")
    assert client.get(f"/participation/qdn/concerns/{concern.pk}/").status_code == 404


def test_a_clerk_of_another_agency_sees_nothing_and_a_supervisor_changes_nothing(
    tree, alice, rob, kim, sue, login, client
):
    concern = make_concern(tree["prefecture"], alice, rob, publish=False)
    login(kim)
    assert client.get(f"/staff/participation/concerns/{concern.pk}/").status_code == 404
    assert "关于城区停车难的回应" not in client.get("/staff/participation/concerns/").content.decode()
    client.post("/staff/logout/")
    login(sue)
    assert client.get(f"/staff/participation/concerns/{concern.pk}/").status_code == 200
    client.post(f"/staff/participation/concerns/{concern.pk}/submit/")
    assert ConcernResponse.objects.get().status == PublicationStatus.DRAFT
    assert client.get(f"/staff/participation/concerns/{concern.pk}/edit/").status_code == 403


def test_a_published_response_cannot_be_edited_until_withdrawn(tree, alice, rob, login, client):
    concern = make_concern(tree["prefecture"], alice, rob, on=dt.date(2024, 3, 1))
    login(alice)
    response = client.post(f"/staff/participation/concerns/{concern.pk}/edit/", {**FORM, "title": "改过的标题"})
    assert response.status_code == 200 and "请先撤回" in response.content.decode()
    assert ConcernResponse.objects.get().title == "关于城区停车难的回应"
