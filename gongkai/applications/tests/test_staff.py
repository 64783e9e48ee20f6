"""The back office: registration, the work queue, access, every path of the clock, fees, replies and letters."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from docx import Document

from gongkai.applications.models import Application, ClockPause, Extension, Fee, Letter, LetterTemplate
from gongkai.applications.services import application_deadline
from gongkai.applications.tests.factories import make_application, person, resident_id
from gongkai.audit.models import AuditEvent
from gongkai.notices.services import notices_deliver
from gongkai.workdays.selectors import workday_calendar

TODAY = timezone.localdate()


def days_ago(n: int) -> dt.date:
    """The n-th working day before today (so dates stay in the past whatever day the suite runs)."""
    calendar, day = workday_calendar(), TODAY
    while n > 0:
        day -= dt.timedelta(days=1)
        if calendar.is_workday(day):
            n -= 1
    return day


def act(client, application, name, **fields):
    data = {f"{name}-{key}": value for key, value in fields.items()}
    data.setdefault(f"{name}-on", TODAY.isoformat())
    return client.post(f"/staff/applications/{application.pk}/do/{name}/", data)


def reply_in_steps(client, application, **fields):
    """拟办, then 出具 (an outcome that needs no sign-off): the answer of the last step."""
    drafted = act(client, application, "draft", **fields)
    return drafted if drafted.status_code != 302 else act(client, application, "reply")


@pytest.fixture
def login(login, client):
    """Log in as another user, leaving the previous session first."""

    def _switch(user):
        client.logout()
        return login(user)

    return _switch


@pytest.fixture
def case(tree, alice):
    return make_application(alice, tree["prefecture"], days_ago(3), topics=["征地拆迁"])


def test_a_clerk_registers_a_posted_application_with_its_article_31_date(login, alice, prefecture):
    client = login(alice)
    received = days_ago(2)
    response = client.post(
        "/staff/applications/register/",
        {
            **person(name="龙秀英", id_number=resident_id(77), phone="13708550000"),
            "channel": "post",
            "received_on": received.isoformat(),
            "title": "2024年棚户区改造计划",
            "form_wanted": "paper",
            "delivery_method": "post",
            "topics": "征地拆迁，项目建设",
        },
    )
    application = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/staff/applications/{application.pk}/"
    assert application.channel == "post" and application.received_on == received
    assert application.due_on == workday_calendar().add_working_days(received, 20).date
    assert sorted(application.topics.values_list("name", flat=True)) == ["征地拆迁", "项目建设"]
    assert AuditEvent.objects.filter(verb="application.register", object_id=str(application.pk)).exists()
    page = client.get(response["Location"]).content.decode()
    assert "期限是怎样算出来的" in page and resident_id(77) in page  # the full number stays inside the back office


def test_registration_errors_are_named_and_nothing_is_saved(login, alice, prefecture):
    client = login(alice)
    page = client.post(
        "/staff/applications/register/",
        {**person(id_number="522601"), "channel": "post", "received_on": "", "title": "某文件", "form_wanted": "paper",
         "delivery_method": "post"},
    ).content.decode()  # fmt: skip
    assert "收到申请日期" in page and "居民身份证号码无效" in page and "某文件" in page
    assert not Application.objects.exists()


def test_the_queue_is_sorted_by_deadline_and_masks_identity_numbers_and_phones(login, alice, prefecture):
    late = make_application(alice, prefecture, days_ago(25), person(phone="13912345678", id_number=resident_id(5)))
    fresh = make_application(alice, prefecture, days_ago(1))
    call_command("applications_alerts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    page = login(alice).get("/staff/applications/").content.decode()
    assert page.index(late.number) < page.index(fresh.number)
    assert "139****5678" in page and "13912345678" not in page
    assert resident_id(5) not in page and resident_id(5)[-4:] in page
    assert "已超期" in page
    overdue = login(alice).get("/staff/applications/?state=overdue").content.decode()
    assert late.number in overdue and fresh.number not in overdue


def test_a_clerk_of_another_agency_sees_nothing(login, kim, case):
    client = login(kim)
    assert case.number not in client.get("/staff/applications/").content.decode()
    assert client.get(f"/staff/applications/{case.pk}/").status_code == 404
    assert act(client, case, "withdraw", reason="x").status_code == 404


def test_a_supervisor_sees_the_case_but_changes_nothing(login, sue, case):
    client = login(sue)
    page = client.get(f"/staff/applications/{case.pk}/").content.decode()
    assert case.number in page and "action-reply" not in page
    assert reply_in_steps(client, case, outcome="disclosed", detail="").status_code == 403
    assert Application.objects.get(pk=case.pk).status == "in_progress"


def test_correction_stops_the_clock_and_the_corrected_application_restarts_it(login, alice, case):
    client = login(alice)
    asked = days_ago(2)
    assert (
        act(client, case, "correction_request", on=asked.isoformat(), period_days=10, text="请写明文号").status_code
        == 302
    )
    case.refresh_from_db()
    assert case.status == "awaiting_correction" and case.due_on is None
    assert case.letters.filter(kind="correction").exists()
    # Only once (条例 第三十条).
    assert act(client, case, "correction_request", period_days=10, text="again").status_code == 400
    assert act(client, case, "correction_receive", on=days_ago(1).isoformat(), text="补充了文号").status_code == 302
    case.refresh_from_db()
    assert case.status == "in_progress"
    assert case.due_on == workday_calendar().add_working_days(days_ago(1), 20).date
    assert ClockPause.objects.get(application=case).ended_on == days_ago(1)


def test_a_correction_after_seven_working_days_is_refused_with_the_last_day(login, alice, prefecture):
    late = make_application(alice, prefecture, days_ago(10))
    response = act(login(alice), late, "correction_request", period_days=10, text="请写明文号")
    assert response.status_code == 400 and "7个工作日内" in response.content.decode()
    assert not ClockPause.objects.exists()


def test_no_correction_in_time_ends_the_case_as_other_handling(tree, alice, login):
    case = make_application(alice, tree["prefecture"], days_ago(30))
    client = login(alice)
    act(client, case, "correction_request", on=days_ago(28).isoformat(), period_days=5, text="请写明文号")
    response = act(client, case, "correction_lapse")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.outcome == "other_no_correction" and case.report_row == "R3.6.1" and case.closed_on == TODAY
    assert "第三十条" in case.letters.get(kind="reply").body


def test_the_correction_period_must_run_out_before_the_case_is_closed(login, alice, case):
    client = login(alice)
    act(client, case, "correction_request", period_days=15, text="请写明文号")
    response = act(client, case, "correction_lapse")
    assert response.status_code == 400 and "期限届满后才能终止办理" in response.content.decode()


def test_consultation_time_is_not_counted(login, alice, case):
    client = login(alice)
    start, end = days_ago(2), days_ago(0)
    act(
        client,
        case,
        "consultation_start",
        on=start.isoformat(),
        kind="third_party",
        party="某公司",
        text="是否同意公开",
    )
    case.refresh_from_db()
    assert case.status == "consulting" and case.due_on is None
    pause = ClockPause.objects.get(application=case)
    assert pause.respond_by == workday_calendar().add_working_days(start, 15).date
    act(client, case, "consultation_end", on=end.isoformat(), result="不同意公开")
    case.refresh_from_db()
    not_counted = workday_calendar().working_days_between(start, end)
    assert case.due_on == workday_calendar().add_working_days(case.received_on, 20 + not_counted).date


def test_an_extension_needs_the_approver_and_sends_a_notice(login, alice, ann, case):
    before = case.due_on
    assert act(login(alice), case, "extension_request", days=25, reason="量大").status_code == 400
    assert act(login(alice), case, "extension_request", days=15, reason="涉及多个部门").status_code == 302
    assert act(login(alice), case, "extension_approve").status_code == 403
    assert Extension.objects.get().approved_on is None
    assert act(login(ann), case, "extension_approve").status_code == 302
    case.refresh_from_db()
    assert case.due_on == workday_calendar().add_working_days(before, 15).date
    notice = case.letters.get(kind="extension")
    assert "15个工作日" in notice.body and "第三十三条第二款" in notice.body
    # At most 20 in all.
    assert act(login(alice), case, "extension_request", days=6, reason="再延").status_code == 400


def test_fees_are_computed_with_their_working_paid_and_the_wait_not_counted(login, alice, case):
    client = login(alice)
    act(client, case, "fee_notify", on=days_ago(2).isoformat(), method="per_page", quantity=45)
    fee = Fee.objects.get()
    assert fee.amount == 150 and "第31至45页" in fee.working
    case.refresh_from_db()
    assert case.status == "awaiting_fee" and case.due_on is None
    page = client.get(f"/staff/applications/{case.pk}/").content.decode()
    assert "150" in page and "第31至45页" in page
    assert act(client, case, "fee_paid", receipt_number="").status_code == 400
    assert act(client, case, "fee_paid", receipt_number="黔财0001").status_code == 302
    case.refresh_from_db()
    not_counted = workday_calendar().working_days_between(days_ago(2), TODAY)
    assert case.due_on == workday_calendar().add_working_days(case.received_on, 20 + not_counted).date
    assert application_deadline(case).counted_days == 20 + not_counted


def test_per_item_fees_count_the_items_of_the_applicants_earlier_applications_this_month(login, alice, prefecture):
    same = person(id_number=resident_id(31))
    first = make_application(alice, prefecture, days_ago(6), same)
    second = make_application(alice, prefecture, days_ago(5), same)
    other = make_application(alice, prefecture, days_ago(4), person(id_number=resident_id(32)))
    if first.received_on.month != second.received_on.month:  # the count restarts each calendar month
        Application.objects.filter(pk=first.pk).update(received_on=second.received_on)
    client = login(alice)
    assert act(client, first, "fee_notify", method="per_item", quantity=15).status_code == 302
    assert Fee.objects.get(application=first).amount == 500  # items 11-15
    first.refresh_from_db()
    assert first.items == 15
    assert act(client, second, "fee_notify", method="per_item", quantity=5).status_code == 302
    fee = Fee.objects.get(application=second)
    assert fee.prior_items == 15 and fee.amount == 500  # items 16-20, not 2-6
    assert "第16至20件" in fee.working and f"{first.number}（15件）" in fee.working
    letter = second.letters.get(kind="fee").body
    assert "第16至20件，共5件 × 100元 = 500元" in letter
    assert act(client, other, "fee_notify", method="per_item", quantity=5).status_code == 400  # its own month: free


def test_items_of_an_application_under_the_free_allowance_count_towards_the_next_one(login, alice, prefecture):
    same = person(id_number=resident_id(33))
    first = make_application(alice, prefecture, days_ago(6), same)
    second = make_application(alice, prefecture, days_ago(5), same)
    if first.received_on.month != second.received_on.month:
        Application.objects.filter(pk=first.pk).update(received_on=second.received_on)
    client = login(alice)
    assert "登记申请件数" in client.get(f"/staff/applications/{first.pk}/").content.decode()
    assert act(client, first, "count_items", items=0).status_code == 400
    assert act(client, first, "count_items", items=8).status_code == 302
    first.refresh_from_db()
    assert first.items == 8
    assert AuditEvent.objects.filter(verb="application.count_items", object_id=str(first.pk)).exists()
    assert act(client, second, "fee_notify", method="per_item", quantity=5).status_code == 302
    fee = Fee.objects.get(application=second)
    assert fee.prior_items == 8 and fee.amount == 300  # items 9-13: 9 and 10 free, 11-13 at 100
    # Once a per-item notice has counted them, the items are fixed.
    assert act(client, second, "count_items", items=2).status_code == 400
    second.refresh_from_db()
    assert second.items == 5


def test_a_fee_under_the_free_allowance_is_refused(login, alice, case):
    response = act(login(alice), case, "fee_notify", method="per_page", quantity=30)
    assert response.status_code == 400 and "不需要收费" in response.content.decode()


def test_an_unpaid_fee_ends_the_case_after_twenty_working_days(tree, alice, login):
    case = make_application(alice, tree["prefecture"], days_ago(40))
    client = login(alice)
    act(client, case, "fee_notify", on=days_ago(38).isoformat(), method="per_page", quantity=300)
    assert act(client, case, "fee_lapse").status_code == 302
    case.refresh_from_db()
    assert case.outcome == "other_fee_unpaid" and case.report_row == "R3.6.2"


def test_the_reply_records_one_outcome_its_basis_and_the_remedies(login, alice, ann, case):
    client = login(alice)
    assert act(client, case, "draft", outcome="withheld_third_party", detail="").status_code == 400  # reason needed
    response = act(client, case, "draft", outcome="withheld_third_party", detail="涉及个人隐私", topics="征地拆迁")
    assert response.status_code == 302
    # 不予公开 needs the approver's sign-off by default: the reply cannot go out yet.
    assert act(client, case, "reply").status_code == 400
    assert act(login(ann), case, "sign_off").status_code == 302
    assert act(login(alice), case, "reply").status_code == 302
    case.refresh_from_db()
    assert case.status == "closed" and case.report_row == "R3.3.4"
    assert list(case.topics.values_list("name", flat=True)) == ["征地拆迁"]
    letter = case.letters.get(kind="reply")
    assert "第十五条" in letter.body and "六十日内" in letter.body and "六个月内" in letter.body
    assert "涉及个人隐私" in letter.body
    # Closed is final: a second reply is an illegal move, explained.
    again = act(login(alice), case, "draft", outcome="disclosed", detail="")
    assert again.status_code == 400 and "已办结" in again.content.decode()
    assert Application.objects.get(pk=case.pk).outcome == "withheld_third_party"


def test_cannot_reply_while_waiting_for_a_correction(login, alice, case):
    client = login(alice)
    act(client, case, "correction_request", period_days=15, text="请写明文号")
    from gongkai.applications import services
    from gongkai.core.errors import IllegalTransition

    with pytest.raises(IllegalTransition, match="待申请人补正"):
        services.application_reply(actor=alice, application=case, outcome="disclosed", detail="", on=TODAY)


def test_withdrawal_is_other_handling_other(login, alice, case):
    act(login(alice), case, "withdraw", reason="申请人来电撤回")
    case.refresh_from_db()
    assert case.outcome == "other" and case.report_row == "R3.6.3"


def test_letters_download_as_docx_and_pdf_and_delivery_is_recorded(login, alice, case):
    client = login(alice)
    reply_in_steps(client, case, outcome="disclosed", detail="")
    letter = Letter.objects.get(kind="reply")
    docx = client.get(f"/staff/applications/{case.pk}/letters/{letter.pk}.docx")
    pdf = client.get(f"/staff/applications/{case.pk}/letters/{letter.pk}.pdf")
    assert (
        docx.content.startswith(b"PK") and pdf.content.startswith(b"%PDF") and b"/FontFile2" in pdf.content
    )  # fonts embedded (TrueType outlines)
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert text.startswith("政府信息公开申请答复告知书") and case.title in text and "行政复议" in text
    assert act(client, case, "deliver", letter=letter.pk, method="email").status_code == 302
    letter.refresh_from_db()
    assert letter.delivery_method == "email" and letter.delivered_on == TODAY


def test_an_edited_template_is_used_for_later_letters(login, adam, alice, case):
    client = login(adam)
    url = "/staff/applications/templates/reply/disclosed/"
    listed = client.get("/staff/applications/templates/").content.decode()
    assert "<td>部分公开</td>" in listed and "<td>其他处理</td>" in listed and "partly_disclosed</td>" not in listed
    assert "政府信息公开申请答复告知书（予以公开）" in client.get(url).content.decode()
    assert client.post(url, {"body": "{applicant}：本机关同意公开{title}。{remedies} {unclosed"}).status_code == 200
    assert client.post(url, {"body": "{applicant}：本机关同意公开“{title}”。{remedies}"}).status_code == 302
    assert LetterTemplate.objects.get().agency == case.agency
    reply_in_steps(login(alice), case, outcome="disclosed", detail="")
    body = case.letters.get(kind="reply").body
    assert body.startswith(f"{case.applicant.name}：本机关同意公开“{case.title}”") and "行政复议" in body
    assert login(alice).get(url).status_code == 403


def test_the_alert_command_notifies_once(login, alice, ann, prefecture, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    alice.email, ann.email = "alice@example.cn", "ann@example.cn"
    alice.save(), ann.save()
    late = make_application(alice, prefecture, days_ago(25))
    soon = make_application(alice, prefecture, days_ago(17))
    make_application(alice, prefecture, days_ago(1))
    from gongkai.applications import services

    services.application_assign(actor=alice, application=late, handler=alice)
    call_command("applications_alerts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    # The alerts are notices in the outbox, one per person, delivered by the worker.
    assert notices_deliver() == {"sent": 3, "failed": 0}
    assert sorted((m.subject, m.to[0]) for m in mail.outbox) == sorted(
        [
            (f"【政府信息公开申请已超过答复期限】{late.number}", "alice@example.cn"),
            (f"【政府信息公开申请已超过答复期限】{late.number}", "ann@example.cn"),
            (f"【政府信息公开申请即将到期】{soon.number}", "ann@example.cn"),
        ]
    )
    call_command("applications_alerts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert notices_deliver() == {"sent": 0, "failed": 0}
    assert len(mail.outbox) == 3
    assert set(Application.objects.values_list("alert_state", flat=True)) == {"overdue", "due_soon", ""}


def test_the_dashboard_shows_the_work_queue_panel(login, alice, case):
    page = login(alice).get("/staff/").content.decode()
    assert "依申请公开" in page and "件办理中" in page


def test_the_export_masks_identity_numbers_and_phones(login, alice, prefecture):
    make_application(alice, prefecture, days_ago(2), person(phone="13912345678", id_number=resident_id(9)))
    response = login(alice).get("/staff/applications/export.csv")
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv") and "申请编号" in text
    assert "139****5678" in text and "13912345678" not in text and resident_id(9) not in text


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_the_queue_exports_quote_titles_that_would_run_as_formulas(login, alice, prefecture, start):
    from openpyxl import load_workbook

    title = f'{start}HYPERLINK("http://evil.example","点我")'
    case = make_application(alice, prefecture, days_ago(2))
    Application.objects.filter(pk=case.pk).update(title=title)
    client = login(alice)
    text = client.get("/staff/applications/export.csv").content.decode("utf-8-sig")
    assert f"'{start}HYPERLINK" in text and f",{start}HYPERLINK" not in text
    response = client.get("/staff/applications/export.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="applications.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:2] == ["申请编号", "申请人"]
    assert sheet.cell(row=2, column=5).value == "'" + title and sheet.cell(row=2, column=5).data_type == "s"
    assert sheet.cell(row=2, column=1).value == case.number


def test_a_closed_case_cannot_move_again():
    from gongkai.applications.models import TRANSITIONS, Status

    assert TRANSITIONS[Status.CLOSED] == frozenset()
    assert all(Status.CLOSED in targets for status, targets in TRANSITIONS.items() if status != Status.CLOSED)


def test_an_article_35_delay_is_approved_and_notified_beyond_the_20_day_extension(login, alice, ann, case):
    before = case.due_on
    client = login(alice)
    assert act(client, case, "extension_request", kind="delay", days=61, reason="数量巨大").status_code == 400
    assert (
        act(client, case, "extension_request", kind="delay", days=30, reason="申请公开近五年全部批复文件").status_code
        == 302
    )
    assert act(login(ann), case, "extension_approve").status_code == 302
    case.refresh_from_db()
    assert case.due_on == workday_calendar().add_working_days(before, 30).date
    assert "第三十五条" in case.letters.get(kind="delay").body
    assert "第三十五条" in application_deadline(case).explain()


@pytest.mark.parametrize(
    "placeholder", ["{title:>50000000}", "{applicant.__class__}", "{title[0]}", "{title!r}", "{}", "{0}"]
)
def test_a_template_with_a_format_spec_or_attribute_access_is_refused_with_the_field_named(login, adam, placeholder):
    client = login(adam)
    url = "/staff/applications/templates/reply/disclosed/"
    response = client.post(url, {"body": f"{{applicant}}：本机关同意公开{placeholder}。"})
    assert response.status_code == 200
    errors = response.context["form"].errors["body"]
    assert errors[0].startswith("正文模板中的占位符") and placeholder in errors[0] and "不允许" in errors[0]
    assert response.context["form"]["body"].value() == f"{{applicant}}：本机关同意公开{placeholder}。"
    assert not LetterTemplate.objects.exists()


def test_a_template_saved_before_the_rule_renders_its_format_spec_as_plain_text(login, alice, case):
    LetterTemplate.objects.create(
        agency=case.agency, kind="reply", outcome_group="disclosed", body="{applicant}：{title:>50000000}{x.y}"
    )
    assert reply_in_steps(login(alice), case, outcome="disclosed", detail="").status_code == 302
    assert case.letters.get(kind="reply").body == f"{case.applicant.name}：{{title:>50000000}}{{x.y}}"


def test_a_letter_longer_than_the_limit_is_not_issued_and_the_clerk_is_told(login, alice, case, monkeypatch):
    from gongkai.applications import letters

    monkeypatch.setattr(letters, "MAX_LETTER_CHARS", 400)
    response = reply_in_steps(login(alice), case, outcome="disclosed", detail="很长的说明" * 200)
    assert response.status_code == 400
    assert "上限" in response.content.decode()
    assert not case.letters.filter(kind="reply").exists()
    case.refresh_from_db()
    assert case.status != "replied"


def test_reply_letters_name_the_agencys_reconsideration_body_and_court(login, adam, alice, case):
    client = login(adam)
    url = "/staff/applications/remedies/"
    assert "通用表述" in client.get("/staff/applications/templates/").content.decode()
    response = client.post(url, {"reconsideration_body": "黔东南州人民政府", "competent_court": ""})
    assert response.status_code == 200
    assert "一并填写" in response.context["form"].errors["competent_court"][0]
    assert response.context["form"]["reconsideration_body"].value() == "黔东南州人民政府"
    data = {"reconsideration_body": "黔东南州人民政府", "competent_court": "凯里市人民法院"}
    assert client.post(url, data).status_code == 302
    case.agency.refresh_from_db()
    assert case.agency.competent_court == "凯里市人民法院"
    assert AuditEvent.objects.filter(verb="agency.update", object_id=str(case.agency.pk)).exists()
    reply_in_steps(login(alice), case, outcome="disclosed", detail="")
    body = case.letters.get(kind="reply").body
    assert "六十日内向黔东南州人民政府申请行政复议" in body and "六个月内向凯里市人民法院提起行政诉讼" in body
    assert "依法申请行政复议" not in body
    assert login(alice).get(url).status_code == 403


def test_without_configured_remedy_bodies_the_reply_keeps_the_generic_sentence(login, alice, case):
    reply_in_steps(login(alice), case, outcome="disclosed", detail="")
    assert "六十日内依法申请行政复议" in case.letters.get(kind="reply").body
