"""The case page one step at a time, and the sign-off of reply drafts (issue #16, the staff half).

The page offers only the actions the runner would accept for this user in this state, the current step's open;
a reply whose outcome the agency's setting names waits for the approver, who signs it or returns it with a
comment; issuing it unsigned is refused by the service itself.
"""

import pytest
from django.utils import timezone

from gongkai.applications import services
from gongkai.applications.models import Application, DraftState, ReplyDraft, SignOffSetting
from gongkai.applications.tests.factories import make_application
from gongkai.applications.tests.test_staff import act, days_ago
from gongkai.audit.models import AuditEvent
from gongkai.core.errors import IllegalTransition

TODAY = timezone.localdate()


@pytest.fixture
def login(login, client):
    def _switch(user):
        client.logout()
        return login(user)

    return _switch


@pytest.fixture
def case(prefecture, alice):
    return make_application(alice, prefecture, days_ago(3))


def page_of(client, application) -> str:
    response = client.get(f"/staff/applications/{application.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def current_step(page: str) -> str:
    """The current step's card (its forms are open); the folded ones follow it."""
    start = page.index('id="current-step"')
    return page[start : page.index("</section>", start)]


def folded(page: str) -> str:
    if 'id="later-title"' not in page:
        return ""
    start = page.index('id="later-title"')
    return page[start : page.index("</section>", start)]


def draft_of(application) -> ReplyDraft:
    return ReplyDraft.objects.filter(application=application).order_by("-drafted_at", "-pk").first()


# ------------------------------------------------------------------------------------------ the page, step by step
def test_a_new_case_asks_for_a_handler_first_with_the_due_date_on_top(login, alice, case):
    page = page_of(login(alice), case)
    assert 'id="due-date"' in page and f"{case.due_on:%Y年%-m月%-d日}" in page
    assert page.index('id="due-date"') < page.index('id="current-step"')
    now = current_step(page)
    assert "当前步骤：分办" in now and 'id="action-assign"' in now and 'id="action-draft"' not in now
    # Drafting and handling are possible, folded; nothing that needs a draft or a pause is offered.
    later = folded(page)
    assert 'id="fold-draft"' in later and 'id="fold-correction_request"' in later
    for name in ("reply", "sign_off", "return_draft", "withdraw_draft", "correction_receive", "fee_paid"):
        assert f'id="action-{name}"' not in page and f'id="fold-{name}"' not in page


def test_an_assigned_case_waits_at_drafting_and_its_history_shows_what_was_done(login, alice, case):
    client = login(alice)
    assert act(client, case, "assign", handler=alice.pk).status_code == 302
    page = page_of(client, case)
    now = current_step(page)
    assert "当前步骤：拟办" in now and 'id="action-draft"' in now
    assert 'id="fold-assign"' in folded(page)
    history = page[page.index('id="case-history"') :]
    assert "登记政府信息公开申请" in history and "指定承办人" in history


def test_a_paused_case_offers_only_the_steps_that_end_the_pause(login, alice, case):
    client = login(alice)
    assert act(client, case, "correction_request", period_days=15, text="请写明文号").status_code == 302
    case.refresh_from_db()
    page = page_of(client, case)
    now = current_step(page)
    assert 'id="action-correction_receive"' in now and 'id="action-correction_lapse"' in now
    assert 'id="action-count_items"' not in now and 'id="fold-count_items"' in folded(page)
    for name in ("draft", "reply", "correction_request", "consultation_start", "fee_notify"):
        assert f'id="action-{name}"' not in page and f'id="fold-{name}"' not in page
    # The runner still answers a stale POST the same way: the service refuses, nothing is drafted.
    assert act(client, case, "draft", outcome="disclosed", detail="").status_code == 400
    assert not ReplyDraft.objects.exists()


def test_a_supervisor_sees_the_steps_but_is_offered_nothing(login, sue, case):
    page = page_of(login(sue), case)
    assert "当前步骤" in page and "action-" not in page
    assert act(login(sue), case, "draft", outcome="disclosed", detail="").status_code == 403


# ------------------------------------------------------------------------------------------ sign-off
def test_a_disclosure_needs_no_sign_off_by_default_and_is_issued_from_the_draft(login, alice, ann, case):
    client = login(alice)
    assert act(client, case, "draft", outcome="disclosed", detail="", topics="征地拆迁").status_code == 302
    draft = draft_of(case)
    assert draft.state == DraftState.READY and not draft.needs_sign_off and draft.drafted_by == alice
    now = current_step(page_of(client, case))
    assert "当前步骤：出具答复" in now and 'id="action-reply"' in now and "按本机关设置无须签发" in now
    assert 'id="action-sign_off"' not in page_of(login(ann), case)
    assert act(login(alice), case, "reply").status_code == 302
    case.refresh_from_db()
    draft.refresh_from_db()
    assert case.status == "closed" and case.outcome == "disclosed" and draft.state == DraftState.ISSUED
    assert list(case.topics.values_list("name", flat=True)) == ["征地拆迁"]
    delivery = current_step(page_of(login(alice), case))
    letter = case.letters.get(kind="reply")
    assert "当前步骤：送达" in delivery and f'<option value="{letter.pk}" selected>' in delivery
    assert act(login(alice), case, "deliver", letter=letter.pk, method="email").status_code == 302
    assert "当前步骤：已办结" in current_step(page_of(login(alice), case))


def test_a_partial_disclosure_waits_for_the_approver_who_signs_it(login, alice, ann, case):
    client = login(alice)
    assert (
        act(client, case, "draft", outcome="partly_disclosed", detail="第三方个人信息已作区分处理").status_code == 302
    )
    draft = draft_of(case)
    assert draft.state == DraftState.AWAITING_SIGN_OFF and draft.needs_sign_off
    page = page_of(client, case)
    assert "当前步骤：签发" in current_step(page) and "等待本机关审批人签发" in page
    assert 'id="action-reply"' not in page and 'id="action-sign_off"' not in page
    # Issuing it unsigned is refused and nothing is written.
    refused = act(client, case, "reply")
    assert refused.status_code == 400 and "须经审批人签发" in refused.content.decode()
    assert Application.objects.get(pk=case.pk).status == "in_progress" and not case.letters.exists()

    approver_page = page_of(login(ann), case)
    now = current_step(approver_page)
    assert 'id="action-sign_off"' in now and 'id="action-return_draft"' in now and "第三方个人信息" in now
    assert act(login(ann), case, "sign_off", comment="同意").status_code == 302
    draft.refresh_from_db()
    assert draft.state == DraftState.SIGNED and draft.decided_by == ann and draft.comment == "同意"
    assert AuditEvent.objects.filter(verb="application.sign_off", object_id=str(case.pk), actor=ann).exists()
    # Signed is decided: a second sign-off is an illegal move.
    assert act(login(ann), case, "sign_off").status_code == 400

    client = login(alice)
    assert 'id="action-reply"' in current_step(page_of(client, case))
    assert act(client, case, "reply").status_code == 302
    case.refresh_from_db()
    assert case.outcome == "partly_disclosed" and case.letters.filter(kind="reply").exists()


def test_returning_a_draft_needs_a_comment_which_the_handler_then_reads(login, alice, ann, case):
    act(login(alice), case, "draft", outcome="withheld_process", detail="属于过程性信息")
    client = login(ann)
    response = act(client, case, "return_draft", comment="  ")
    assert response.status_code == 400
    bound = next(a for a in response.context["actions"] if a.name == "return_draft")
    assert bound.form.errors["comment"] == ["退回修改须写明意见。"]
    assert draft_of(case).state == DraftState.AWAITING_SIGN_OFF
    assert act(client, case, "return_draft", comment="请补充所依据的条款和理由").status_code == 302
    draft = draft_of(case)
    assert draft.state == DraftState.RETURNED and draft.comment == "请补充所依据的条款和理由"
    event = AuditEvent.objects.get(verb="application.draft_return", object_id=str(case.pk))
    assert event.note == "请补充所依据的条款和理由" and event.actor == ann

    page = page_of(login(alice), case)
    now = current_step(page)
    assert "请补充所依据的条款和理由" in now and "已退回修改" in now and 'id="action-draft"' in now
    # The returned text comes back into the form to be edited, not typed again.
    assert ">\n属于过程性信息</textarea>" in now and '<option value="withheld_process" selected>' in now
    # The handler drafts again; the returned draft stays as history.
    assert act(login(alice), case, "draft", outcome="withheld_process", detail="属于过程性信息（第十六条第二款）")
    assert draft_of(case).state == DraftState.AWAITING_SIGN_OFF
    assert ReplyDraft.objects.filter(application=case, state=DraftState.RETURNED).count() == 1
    assert 'id="draft-history"' in page_of(login(alice), case)


def test_nobody_signs_their_own_draft_and_a_clerk_signs_nothing(login, alice, ann, case):
    assert act(login(ann), case, "draft", outcome="unavailable_not_held", detail="本机关未制作").status_code == 302
    page = page_of(login(ann), case)
    assert 'id="action-sign_off"' not in page and 'id="action-return_draft"' not in page
    assert act(login(ann), case, "sign_off").status_code == 403
    assert act(login(alice), case, "sign_off").status_code == 403
    with pytest.raises(Exception, match="自己拟办"):
        services.application_sign_reply(actor=ann, application=case)
    assert draft_of(case).state == DraftState.AWAITING_SIGN_OFF


def test_the_service_refuses_an_unsigned_reply_whoever_calls_it(alice, case):
    with pytest.raises(IllegalTransition, match="须经审批人签发"):
        services.application_reply(
            actor=alice, application=case, outcome="withheld_third_party", detail="隐私", on=TODAY
        )
    services.application_draft_reply(actor=alice, application=case, outcome="withheld_third_party", detail="隐私")
    with pytest.raises(IllegalTransition, match="须经审批人签发"):
        services.application_issue_reply(actor=alice, application=case, on=TODAY)
    case.refresh_from_db()
    assert case.status == "in_progress" and not case.letters.exists()


def test_withdrawing_a_draft_returns_the_case_to_handling(login, alice, case):
    client = login(alice)
    act(client, case, "assign", handler=alice.pk)
    act(client, case, "draft", outcome="partly_disclosed", detail="区分处理")
    page = page_of(client, case)
    assert 'id="action-correction_request"' not in page and "correction_request" not in folded(page)
    assert 'id="fold-withdraw_draft"' in folded(page)
    assert act(client, case, "withdraw_draft").status_code == 302
    assert draft_of(case).state == DraftState.WITHDRAWN
    page = page_of(client, case)
    assert 'id="fold-correction_request"' in folded(page) and 'id="action-draft"' in current_step(page)
    assert AuditEvent.objects.filter(verb="application.draft_withdraw", object_id=str(case.pk)).exists()


def test_a_handling_step_posted_from_a_page_opened_before_the_draft_is_refused(login, alice, case):
    client = login(alice)
    act(client, case, "assign", handler=alice.pk)
    act(client, case, "draft", outcome="partly_disclosed", detail="区分处理")
    stale = act(
        client, case, "correction_request", on=timezone.localdate().isoformat(), text="请写明文号", period_days=15
    )
    assert stale.status_code == 400 and "请先撤回拟办答复" in stale.content.decode()
    fee = act(client, case, "fee_notify", on=timezone.localdate().isoformat(), method="per_page", quantity=500)
    assert fee.status_code == 400 and "请先撤回拟办答复" in fee.content.decode()
    case.refresh_from_db()
    assert case.status == "in_progress" and not case.pauses.exists() and not case.fees.exists()


# ------------------------------------------------------------------------------------------ the setting
def test_the_agency_admin_sets_which_outcomes_need_sign_off(login, adam, alice, ann, case, prefecture):
    url = "/staff/applications/sign-off/"
    client = login(adam)
    templates = client.get("/staff/applications/templates/").content.decode()
    assert "不予公开" in templates and 'href="/staff/applications/sign-off/"' in templates
    # Unset, the default shows: everything but 予以公开.
    form = client.get(url)
    assert form.context["form"].initial["outcome_groups"] == [
        "not_processed",
        "partly_disclosed",
        "unavailable",
        "withheld",
    ]
    response = client.post(url, {"outcome_groups": ["disclosed", "withheld"]})
    assert response.status_code == 302
    assert SignOffSetting.objects.get(agency=prefecture).outcome_groups == ["disclosed", "withheld"]
    event = AuditEvent.objects.get(verb="sign_off_setting.save")
    assert event.after == {"outcome_groups": ["disclosed", "withheld"]} and event.agency_id == prefecture.pk
    # An unknown value is refused by the form, naming the field; nothing changes.
    bad = client.post(url, {"outcome_groups": ["everything"]})
    assert bad.status_code == 200 and "outcome_groups" in bad.context["form"].errors
    assert SignOffSetting.objects.get(agency=prefecture).outcome_groups == ["disclosed", "withheld"]
    # Clerks and approvers do not set their own control.
    assert login(alice).get(url).status_code == 403
    assert login(ann).get(url).status_code == 403

    # Later drafts follow it: a partial disclosure now goes out without sign-off, a disclosure needs it.
    client = login(alice)
    act(client, case, "draft", outcome="partly_disclosed", detail="区分处理")
    assert draft_of(case).state == DraftState.READY
    act(client, case, "withdraw_draft")
    act(client, case, "draft", outcome="disclosed", detail="")
    assert draft_of(case).state == DraftState.AWAITING_SIGN_OFF


def test_a_setting_tightened_after_drafting_still_holds_the_reply(login, adam, alice, case):
    act(login(alice), case, "draft", outcome="disclosed", detail="")
    assert draft_of(case).state == DraftState.READY
    login(adam).post("/staff/applications/sign-off/", {"outcome_groups": ["disclosed"]})
    client = login(alice)
    assert 'id="action-reply"' not in page_of(client, case)
    assert act(client, case, "reply").status_code == 400
    assert Application.objects.get(pk=case.pk).status == "in_progress"


def test_an_extension_still_waits_for_the_approver_whatever_the_setting(login, alice, ann, adam, case):
    login(adam).post("/staff/applications/sign-off/", {})
    assert SignOffSetting.objects.get().outcome_groups == []
    client = login(alice)
    act(client, case, "extension_request", days=10, reason="涉及多个部门", kind="extension")
    assert 'id="action-extension_approve"' not in page_of(client, case)
    assert 'id="action-extension_approve"' in current_step(page_of(login(ann), case))


# ------------------------------------------------------------------------------------------ the inbox
def inbox_section(page: str, kind: str) -> str:
    if f'id="todo-{kind}"' not in page:
        return ""
    start = page.index(f'id="todo-{kind}"')
    return page[start : page.index("</section>", start)]


def test_a_draft_waits_in_the_approvers_inbox_until_signed(login, alice, ann, case):
    act(login(alice), case, "draft", outcome="not_processed_repeat", detail="重复申请")
    assert case.number in inbox_section(login(ann).get("/staff/inbox/").content.decode(), "sign_offs")
    assert 'id="todo-sign_offs"' not in login(alice).get("/staff/inbox/").content.decode()
    act(login(ann), case, "sign_off")
    assert case.number not in inbox_section(login(ann).get("/staff/inbox/").content.decode(), "sign_offs")


def test_a_returned_draft_waits_in_the_handlers_inbox_until_drafted_again(login, alice, ann, case):
    act(login(alice), case, "draft", outcome="not_processed_repeat", detail="重复申请")
    act(login(ann), case, "return_draft", comment="请写明前次申请的编号")
    assert case.number not in inbox_section(login(ann).get("/staff/inbox/").content.decode(), "sign_offs")
    returned = inbox_section(login(alice).get("/staff/inbox/").content.decode(), "returned_drafts")
    assert case.number in returned and "请写明前次申请的编号" in returned
    act(login(alice), case, "draft", outcome="not_processed_repeat", detail="重复申请（前次编号见附件）")
    page = login(alice).get("/staff/inbox/").content.decode()
    assert 'id="todo-returned_drafts"' not in page
    assert case.number in inbox_section(login(ann).get("/staff/inbox/").content.decode(), "sign_offs")


def test_a_case_withdrawn_while_its_draft_waits_leaves_no_draft_waiting(login, alice, ann, case):
    act(login(alice), case, "draft", outcome="withheld_third_party", detail="涉及个人隐私")
    assert act(login(alice), case, "withdraw", reason="申请人来电撤回").status_code == 302
    assert draft_of(case).state == DraftState.WITHDRAWN
    assert case.number not in inbox_section(login(ann).get("/staff/inbox/").content.decode(), "sign_offs")
    assert act(login(ann), case, "sign_off").status_code == 400
