"""The back office through HTTP: draft, see the checks, three reviewers, publish; errors keep what was typed."""

import datetime as dt

import pytest
from django.utils import timezone

from gongkai.audit.models import AuditEvent
from gongkai.catalogue.models import Category, Finding, Item, ItemStatus, ItemVersion, ReviewStep
from gongkai.catalogue.services import category_tree_ensure_default
from gongkai.catalogue.tests.factories import draft, publish, second_reviewer

pytestmark = pytest.mark.django_db


def _form(category, **overrides):
    data = {
        "title": "关于开展2024年政务公开培训的通知",
        "summary": "举办全州政务公开业务培训。",
        "body": "<p>定于2024年6月举办培训。<script>alert(1)</script></p>",
        "category": category.pk,
        "genre": "notice",
        "document_type": "other",
        "document_number": "黔东南府办函[2024]45号",
        "date_written": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
    }
    data.update(overrides)
    return data


@pytest.fixture
def category(prefecture):
    category_tree_ensure_default(actor=None, agency=prefecture)
    return Category.objects.get(agency=prefecture, code="other-documents")


def test_a_clerk_drafts_an_item_and_sees_the_checks(login, prefecture, alice, category):
    client = login(alice)
    response = client.post("/staff/catalogue/new/", _form(category, body="<p>联系人手机13812345678</p>"))
    item = Item.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/staff/catalogue/{item.pk}/"
    assert item.document_number == "黔东南府办函〔2024〕45号"
    assert item.created_by == alice and item.status == ItemStatus.DRAFT
    page = client.get(response["Location"]).content.decode()
    assert "手机号码" in page and "138****5678" in page
    response = client.post(f"/staff/catalogue/{item.pk}/submit/", follow=True)
    assert "自动检查发现 1 个问题" in response.content.decode()
    assert Item.objects.get().status == ItemStatus.DRAFT


def test_script_tags_are_removed_from_the_body(login, alice, category):
    login(alice).post("/staff/catalogue/new/", _form(category))
    assert "<script>" not in Item.objects.get().body
    assert "定于2024年6月举办培训" in Item.objects.get().body


def test_bad_input_is_named_and_kept_and_nothing_is_saved(login, alice, category):
    data = _form(category, document_number="府办函2024第45", date_written="2999-01-01", title="我的标题")
    response = login(alice).post("/staff/catalogue/new/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "文号格式应为" in page and "成文日期不能晚于今天" in page
    assert 'value="我的标题"' in page and "府办函2024第45" in page
    assert Item.objects.count() == 0


def test_draft_to_published_through_three_different_reviewers(client, login, prefecture, alice, rob, ann, category):
    rita = second_reviewer(prefecture)
    login(alice).post("/staff/catalogue/new/", _form(category))
    item = Item.objects.get()
    client.post(f"/staff/catalogue/{item.pk}/submit/")
    client.post("/staff/logout/")
    for reviewer in (rob, rita, ann):
        login(reviewer)
        page = client.get(f"/staff/catalogue/{item.pk}/").content.decode()
        assert "我已完成校对" in page
        # Without the proofreading sign-off the step does not pass.
        client.post(f"/staff/catalogue/{item.pk}/approve/", {"comment": "同意"})
        client.post(f"/staff/catalogue/{item.pk}/approve/", {"proofread": "on", "comment": "同意"})
        client.post("/staff/logout/")
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED and item.index_number
    assert item.reviews.filter(decision="approve").count() == 3
    assert AuditEvent.objects.filter(verb="catalogue.item_publish", object_id=str(item.pk)).exists()
    assert client.get(f"/catalogue/items/{item.pk}/").status_code == 200


def test_a_reviewer_rejects_with_comments_and_the_author_sees_them(client, login, prefecture, alice, rob, category):
    item = draft(alice, prefecture)
    login(alice).post(f"/staff/catalogue/{item.pk}/submit/")
    client.post("/staff/logout/")
    login(rob)
    response = client.post(f"/staff/catalogue/{item.pk}/reject/", {"comment": ""}, follow=True)
    assert "退回时必须填写审核意见" in response.content.decode()
    client.post(f"/staff/catalogue/{item.pk}/reject/", {"comment": "请核对文号"})
    client.post("/staff/logout/")
    page = login(alice).get(f"/staff/catalogue/{item.pk}/").content.decode()
    assert "请核对文号" in page
    assert Item.objects.get(pk=item.pk).status == ItemStatus.DRAFT


def test_a_published_item_is_corrected_with_a_visible_note_and_a_diff(client, login, prefecture, alice, rob, ann):
    item = publish(alice, prefecture, [rob, second_reviewer(prefecture), ann])
    login(ann)
    data = _form(item.category, title="关于做好2024年春季森林防火工作的通知（更正）", correction_note="更正标题")
    data["document_type"] = "normative"
    data["document_number"] = item.document_number
    response = client.post(f"/staff/catalogue/{item.pk}/edit/", data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.version == 2 and item.status == ItemStatus.PUBLISHED
    assert ItemVersion.objects.get(item=item, number=2).correction_note == "更正标题"
    public = client.get(f"/catalogue/items/{item.pk}/").content.decode()
    assert "更正说明" in public and "更正标题" in public
    diff = client.get(f"/staff/catalogue/{item.pk}/versions/2/").content.decode()
    assert "<ins>+ 标题：关于做好2024年春季森林防火工作的通知（更正）</ins>" in diff


def test_a_correction_needs_a_note(login, prefecture, alice, rob, ann):
    item = publish(alice, prefecture, [rob, second_reviewer(prefecture), ann])
    data = _form(item.category, title="新标题", correction_note="")
    response = login(ann).post(f"/staff/catalogue/{item.pk}/edit/", data)
    assert response.status_code == 200 and "更正说明" in response.content.decode()
    assert Item.objects.get(pk=item.pk).title != "新标题"


def test_withdrawal_takes_the_item_off_the_portal(client, login, prefecture, alice, rob, ann):
    item = publish(alice, prefecture, [rob, second_reviewer(prefecture), ann])
    login(ann).post(f"/staff/catalogue/{item.pk}/withdraw/", {"reason": "内容已过时"})
    item.refresh_from_db()
    assert item.status == ItemStatus.WITHDRAWN and item.withdrawn_reason == "内容已过时"
    assert client.get(f"/catalogue/items/{item.pk}/").status_code == 404


def test_a_reviewer_overrides_a_finding_with_a_reason(client, login, prefecture, alice, rob):
    item = draft(alice, prefecture, body="<p>值班电话13812345678</p>")
    finding = Finding.objects.get(item=item)
    login(rob).post(f"/staff/catalogue/{item.pk}/findings/{finding.pk}/override/", {"reason": "公开的值班电话"})
    finding.refresh_from_db()
    assert finding.override_reason == "公开的值班电话" and finding.overridden_by == rob


def test_a_clerk_cannot_override_findings(login, prefecture, alice):
    item = draft(alice, prefecture, body="<p>值班电话13812345678</p>")
    finding = Finding.objects.get(item=item)
    login(alice).post(f"/staff/catalogue/{item.pk}/findings/{finding.pk}/override/", {"reason": "x"})
    assert Finding.objects.get(pk=finding.pk).is_open


def test_a_clerk_of_another_agency_sees_nothing(login, prefecture, county, alice, kim):
    item = draft(alice, prefecture)
    client = login(kim)
    assert client.get(f"/staff/catalogue/{item.pk}/").status_code == 404
    assert item.title not in client.get("/staff/catalogue/").content.decode()


def test_a_supervisor_sees_the_subtree_but_changes_nothing(client, login, prefecture, county, alice, kim, sue):
    item = draft(kim, county, title="凯里市的草稿")
    login(sue)
    assert client.get(f"/staff/catalogue/{item.pk}/").status_code == 200
    client.post(f"/staff/catalogue/{item.pk}/submit/")
    assert Item.objects.get(pk=item.pk).status == ItemStatus.DRAFT
    assert client.get(f"/staff/catalogue/{item.pk}/edit/").status_code == 403


def test_the_at_risk_list_shows_items_near_the_article_26_limit(login, prefecture, alice):
    old = draft(alice, prefecture, title="拖延了很久的通知", date_written=timezone.localdate() - dt.timedelta(days=40))
    draft(alice, prefecture, title="刚写好的通知", date_written=timezone.localdate())
    page = login(alice).get("/staff/catalogue/").content.decode()
    assert "即将超过公开时限" in page and old.title in page and "已超期" in page
    assert page.count("刚写好的通知") == 1  # in the list of items, not in the at-risk table


def test_the_agency_admin_configures_categories_words_chain_and_template(client, login, prefecture, adam):
    login(adam)
    client.post("/staff/catalogue/settings/", {"action": "default_tree"})
    assert Category.objects.filter(agency=prefecture, code="normative").exists()
    response = client.post(
        "/staff/catalogue/settings/", {"action": "category", "name": "", "code": "x y", "sort_order": 5}
    )
    assert "分类名称" in response.content.decode()
    client.post(
        "/staff/catalogue/settings/", {"action": "category", "name": "民族宗教", "code": "ethnic", "sort_order": 5}
    )
    assert Category.objects.filter(agency=prefecture, name="民族宗教").exists()
    client.post("/staff/catalogue/settings/", {"action": "chain", "steps": "初审 reviewer\n终审 approver"})
    assert list(ReviewStep.objects.filter(agency=prefecture).values_list("name", flat=True)) == ["初审", "终审"]
    response = client.post("/staff/catalogue/settings/", {"action": "settings", "index_template": "{credit_code}"})
    assert "必须包含序号" in response.content.decode()
    client.post("/staff/catalogue/settings/", {"action": "settings", "index_template": "QDN-{year}-{seq:04d}"})
    client.post("/staff/catalogue/settings/", {"action": "word", "kind": "sensitive", "word": "机密"})
    assert prefecture.catalogue_words.filter(word="机密").exists()


def test_a_two_step_chain_publishes_after_two_reviewers(prefecture, alice, rob, ann, adam):
    from gongkai.catalogue.services import catalogue_settings_update, review_chain_set

    review_chain_set(actor=adam, agency=prefecture, steps=[("初审", "reviewer"), ("终审", "approver")])
    catalogue_settings_update(actor=adam, agency=prefecture, index_template="QDN-{year}-{seq:04d}")
    item = publish(alice, prefecture, [rob, ann])
    assert item.status == ItemStatus.PUBLISHED
    assert item.index_number == f"QDN-{item.published_at.year}-0001"


def test_only_the_agency_admin_opens_the_settings(login, alice):
    assert login(alice).get("/staff/catalogue/settings/").status_code == 403


def test_the_agency_admin_renames_deactivates_and_deletes_categories(client, login, prefecture, adam, alice):
    category_tree_ensure_default(actor=None, agency=prefecture)
    plans = Category.objects.get(agency=prefecture, code="plans")
    login(adam)
    response = client.post(
        f"/staff/catalogue/settings/categories/{plans.pk}/",
        {"name": "发展规划", "code": "plans", "sort_order": 1, "is_active": ""},
    )
    assert response.status_code == 302
    plans.refresh_from_db()
    assert (plans.name, plans.is_active) == ("发展规划", False)
    assert "发展规划" not in client.get(f"/catalogue/{prefecture.slug}/").content.decode()
    policy = Category.objects.get(agency=prefecture, code="policy")
    response = client.post(f"/staff/catalogue/settings/categories/{policy.pk}/", {"action": "delete"})
    assert "不能删除" in response.content.decode() and Category.objects.filter(pk=policy.pk).exists()
    client.post(f"/staff/catalogue/settings/categories/{plans.pk}/", {"action": "delete"})
    assert not Category.objects.filter(pk=plans.pk).exists()


def test_an_approver_marks_a_normative_document_repealed(client, login, prefecture, alice, rob, ann):
    item = publish(alice, prefecture, [rob, second_reviewer(prefecture), ann])
    login(ann)
    response = client.post(f"/staff/catalogue/{item.pk}/validity/", {"validity": "repealed", "day": ""}, follow=True)
    assert "请填写失效或废止的日期" in response.content.decode()
    client.post(
        f"/staff/catalogue/{item.pk}/validity/",
        {"validity": "repealed", "day": "2024-06-30", "reason": "已被新办法取代"},
    )
    item.refresh_from_db()
    assert item.validity == "repealed" and item.repealed_on == dt.date(2024, 6, 30)
    page = client.get(f"/catalogue/items/{item.pk}/").content.decode()
    assert "2024-06-30" in page
    from gongkai.catalogue.selectors import catalogue_search

    assert catalogue_search(query="森林防火", validity="repealed").total == 1


def test_a_site_admin_edits_the_site_wide_typo_list(client, login, prefecture, sam, adam):
    from gongkai.catalogue.models import WordListEntry

    login(adam).post(
        "/staff/catalogue/settings/",
        {"action": "global_word", "global-kind": "typo", "global-word": "帐号", "global-suggestion": "账号"},
    )
    assert not WordListEntry.objects.filter(word="帐号").exists()
    client.post("/staff/logout/")
    login(sam)
    client.post(
        "/staff/catalogue/settings/",
        {"action": "global_word", "global-kind": "typo", "global-word": "帐号", "global-suggestion": "账号"},
    )
    entry = WordListEntry.objects.get(word="帐号")
    assert entry.agency is None
    client.post("/staff/catalogue/settings/", {"action": "global_word_delete", "entry": entry.pk})
    assert not WordListEntry.objects.filter(word="帐号").exists()
