import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from gongkai.audit.models import AuditEvent
from gongkai.core.errors import AccessDenied, IllegalTransition
from gongkai.enforcement.models import Decision, DecisionKind, FeeRecord, SubjectKind
from gongkai.enforcement.selectors import enforcement_article20
from gongkai.enforcement.services import decision_create, decision_publish, fee_record_create

pytestmark = pytest.mark.django_db

HEADER = "类别,决定日期,决定文号,行政相对人,相对人类型,内容摘要,具有社会影响\n"


def csv_file(text: str, name="decisions.csv", encoding="utf-8-sig"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def make_decision(agency, actor, **fields):
    values = {
        "kind": DecisionKind.PENALTY, "decided_on": dt.date(2024, 4, 1), "number": "黔东南罚〔2024〕1号",
        "subject": "某某化工有限公司", "summary": "超标排放，罚款10万元。", "social_impact": True, **fields,
    }  # fmt: skip
    return decision_create(actor=actor, agency=agency, **values)


def test_a_clerk_enters_a_decision_through_the_form(tree, alice, login, client):
    login(alice)
    response = client.post(
        "/staff/enforcement/new/",
        {"kind": "licensing", "decided_on": "2024-02-03", "number": "黔东南许〔2024〕5号", "subject": "某某公司",
         "subject_kind": "organisation", "summary": "准予取水许可。"},
    )  # fmt: skip
    decision = Decision.objects.get()
    assert response.status_code == 302 and decision.kind == DecisionKind.LICENSING and not decision.social_impact
    assert AuditEvent.objects.filter(verb="decision.create", object_id=str(decision.pk)).exists()


def test_a_bad_date_is_named_and_the_rest_kept(tree, alice, login, client):
    login(alice)
    response = client.post(
        "/staff/enforcement/new/",
        {"kind": "penalty", "decided_on": "2024-13-45", "number": "罚1号", "subject": "某某公司",
         "subject_kind": "organisation", "summary": "罚款"},
    )  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200 and "决定日期" in page and "罚1号" in page
    assert not Decision.objects.exists()


def test_an_import_with_any_bad_row_saves_nothing_and_reports_each_row(tree, alice, login, client):
    login(alice)
    rows = (
        "行政处罚,2024-03-01,罚〔2024〕1号,甲公司,法人或其他组织,罚款,是\n"
        "行政批评,2024-03-02,罚〔2024〕2号,乙公司,,罚款,否\n"
        "行政强制,2024-02-30,强〔2024〕1号,丙公司,,查封,否\n"
        "行政处罚,2024-03-04,罚〔2024〕1号,丁公司,,罚款,否\n"
        "行政许可,2024-03-05,许〔2024〕1号,戊公司,,准予许可,也许\n"
    )
    response = client.post("/staff/enforcement/import/decisions/", {"file": csv_file(HEADER + rows)})
    page = response.content.decode()
    assert response.status_code == 400 and "未导入任何记录" in page
    assert "应为“行政许可”“行政处罚”或“行政强制”" in page  # row 3, 类别
    assert '<td class="num">4</td><td>决定日期</td>' in page
    assert "应为“是”或“否”" in page and "与第2行的决定文号重复" in page
    assert not Decision.objects.exists()


def test_a_clean_csv_imports_every_row_in_one_audited_step(tree, alice, login, client):
    login(alice)
    rows = "行政许可,2024-03-01,许〔2024〕1号,甲公司,,准予许可,\n行政处罚,2024/03/02,罚〔2024〕2号,李四,自然人,罚款200元,是\n"
    response = client.post("/staff/enforcement/import/decisions/", {"file": csv_file(HEADER + rows)})
    assert response.status_code == 302
    assert sorted(Decision.objects.values_list("kind", "subject_kind")) == [
        ("licensing", SubjectKind.ORGANISATION), ("penalty", SubjectKind.PERSON),
    ]  # fmt: skip
    event = AuditEvent.objects.get(verb="decision.import")
    assert event.after["count"] == 2


def test_a_gbk_csv_from_chinese_excel_is_read(tree, alice, login, client):
    login(alice)
    rows = "行政强制,2024年03月01日,强〔2024〕3号,丙公司,,查封设备,否\n"
    response = client.post(
        "/staff/enforcement/import/decisions/", {"file": csv_file(HEADER + rows, encoding="gb18030")}
    )
    assert response.status_code == 302 and Decision.objects.get().decided_on == dt.date(2024, 3, 1)


def test_an_xlsx_import_of_fees_adds_up_in_ten_thousand_yuan(tree, alice, login, client):
    book = Workbook()
    sheet = book.active
    sheet.append(["收取日期", "收费项目", "收费依据及标准", "金额（元）"])
    sheet.append([dt.datetime(2024, 5, 1), "不动产登记费", "黔发改收费〔2017〕1号", 80])
    sheet.append(["2024-06-01", "工本费", "", "1,234.50"])
    out = io.BytesIO()
    book.save(out)
    login(alice)
    upload = SimpleUploadedFile("fees.xlsx", out.getvalue())
    assert client.post("/staff/enforcement/import/fees/", {"file": upload}).status_code == 302
    cells = enforcement_article20(agencies=[tree["prefecture"]], year=2024)
    assert cells["fees_10k_yuan"].value == Decimal("0.13145")
    assert set(cells["fees_10k_yuan"].ids) == set(FeeRecord.objects.values_list("pk", flat=True))


def test_a_negative_fee_is_refused_with_its_row(tree, alice, login, client):
    login(alice)
    text = "收取日期,收费项目,收费依据及标准,金额（元）\n2024-01-02,工本费,,-5\n"
    response = client.post("/staff/enforcement/import/fees/", {"file": csv_file(text, "fees.csv")})
    page = response.content.decode()
    assert response.status_code == 400 and '<td class="num">2</td><td>金额（元）</td>' in page
    assert not FeeRecord.objects.exists()


def test_a_file_of_another_type_is_refused(tree, alice, login, client):
    login(alice)
    response = client.post("/staff/enforcement/import/fees/", {"file": SimpleUploadedFile("fees.pdf", b"%PDF")})
    assert response.status_code == 400 and "请上传CSV或XLSX" in response.content.decode()


def test_only_social_impact_penalties_are_published_and_a_persons_name_is_masked(tree, alice, rob, client):
    penalty = make_decision(tree["prefecture"], alice, subject="张三丰", subject_kind=SubjectKind.PERSON)
    quiet = make_decision(tree["prefecture"], alice, number="罚〔2024〕9号", social_impact=False)
    with pytest.raises(AccessDenied):
        decision_publish(actor=alice, decision=penalty)
    with pytest.raises(IllegalTransition):
        decision_publish(actor=rob, decision=quiet)
    assert "黔东南罚〔2024〕1号" not in client.get("/enforcement/qdn/penalties/").content.decode()
    decision_publish(actor=rob, decision=penalty)
    page = client.get("/enforcement/qdn/penalties/").content.decode()
    assert "黔东南罚〔2024〕1号" in page and "张**" in page and "张三丰" not in page
    assert client.get(f"/enforcement/qdn/penalties/{quiet.pk}/").status_code == 404


def test_the_article_20_cells_count_the_year_and_the_agencies_asked_for(tree, alice, kim):
    p = tree["prefecture"]
    make_decision(p, alice)
    make_decision(p, alice, number="许1", kind=DecisionKind.LICENSING)
    make_decision(p, alice, number="许2", kind=DecisionKind.LICENSING, decided_on=dt.date(2023, 12, 31))
    make_decision(tree["county"], kim, number="强1", kind=DecisionKind.COERCIVE)
    fee_record_create(actor=alice, agency=p, collected_on=dt.date(2024, 1, 5), item="工本费", amount=Decimal("20000"))
    fee_record_create(actor=alice, agency=p, collected_on=dt.date(2025, 1, 5), item="工本费", amount=Decimal("5"))
    cells = enforcement_article20(agencies=[p], year=2024)
    assert [cells[k].value for k in ("licensing", "penalty", "coercive")] == [1, 1, 0]
    assert cells["fees_10k_yuan"].value == Decimal("2") and len(cells["fees_10k_yuan"].ids) == 1
    assert enforcement_article20(agencies=[tree["county"]], year=2024)["coercive"].value == 1


def test_a_supervisor_sees_but_cannot_import_and_another_clerk_sees_nothing(tree, alice, sue, kim, login, client):
    decision = make_decision(tree["prefecture"], alice)
    login(sue)
    assert client.get(f"/staff/enforcement/{decision.pk}/").status_code == 200
    assert client.get("/staff/enforcement/import/decisions/").status_code == 403
    client.post("/staff/logout/")
    login(kim)
    assert client.get(f"/staff/enforcement/{decision.pk}/").status_code == 404


def test_the_dashboard_reminds_a_reviewer_of_penalties_to_publish(tree, alice, rob, login, client):
    decision = make_decision(tree["prefecture"], alice)
    login(rob)
    assert "待公开的行政处罚决定" in client.get("/staff/").content.decode()
    decision_publish(actor=rob, decision=decision)
    assert "待公开的行政处罚决定" not in client.get("/staff/").content.decode()


def test_a_decision_is_corrected_with_its_history_but_not_while_published(tree, alice, rob, login, client):
    decision = make_decision(tree["prefecture"], alice)
    login(alice)
    data = {"kind": "penalty", "decided_on": "2024-04-02", "number": "黔东南罚〔2024〕2号", "subject": "某某化工有限公司",
            "subject_kind": "organisation", "summary": "超标排放，罚款10万元。", "social_impact": "on"}  # fmt: skip
    assert client.post(f"/staff/enforcement/{decision.pk}/edit/", data).status_code == 302
    decision.refresh_from_db()
    assert decision.number == "黔东南罚〔2024〕2号"
    event = AuditEvent.objects.get(verb="decision.update")
    assert event.before == {"decided_on": "2024-04-01", "number": "黔东南罚〔2024〕1号"}
    decision_publish(actor=rob, decision=decision)
    response = client.post(f"/staff/enforcement/{decision.pk}/edit/", {**data, "number": "改"})
    assert response.status_code == 200 and "请先撤回公开再修改" in response.content.decode()
    assert Decision.objects.get().number == "黔东南罚〔2024〕2号"


def test_a_fee_amount_is_corrected(tree, alice, login, client):
    record = fee_record_create(
        actor=alice, agency=tree["prefecture"], collected_on=dt.date(2024, 1, 5), item="工本费", amount=Decimal("20")
    )
    login(alice)
    response = client.post(
        f"/staff/enforcement/fees/{record.pk}/edit/",
        {"collected_on": "2024-01-05", "item": "工本费", "basis": "", "amount": "25.50"},
    )
    record.refresh_from_db()
    assert response.status_code == 302 and record.amount == Decimal("25.50")
    response = client.post(
        f"/staff/enforcement/fees/{record.pk}/edit/",
        {"collected_on": "2024-01-05", "item": "工本费", "basis": "", "amount": "-1"},
    )
    assert response.status_code == 200 and "-1" in response.content.decode()
    record.refresh_from_db()
    assert record.amount == Decimal("25.50")


def test_licensing_results_and_fee_items_are_on_the_portal(tree, alice, client):
    make_decision(tree["prefecture"], alice, kind=DecisionKind.LICENSING, number="黔东南许〔2024〕3号", subject="李四",
                  subject_kind=SubjectKind.PERSON, summary="准予从事出租汽车经营。", social_impact=False)  # fmt: skip
    make_decision(
        tree["prefecture"], alice, kind=DecisionKind.COERCIVE, number="黔东南强〔2024〕1号", social_impact=False
    )
    page = client.get("/enforcement/qdn/licensing/").content.decode()
    assert "黔东南许〔2024〕3号" in page and "李*" in page and "李四" not in page
    assert "黔东南强〔2024〕1号" not in page  # coercive decisions are counted, not listed one by one
    for day, amount in ((dt.date(2024, 1, 5), "80"), (dt.date(2024, 2, 5), "80"), (dt.date(2023, 2, 5), "40")):
        fee_record_create(actor=alice, agency=tree["prefecture"], collected_on=day, item="不动产登记费",
                          basis="黔发改收费〔2017〕1号", amount=Decimal(amount))  # fmt: skip
    page = client.get("/enforcement/qdn/fees/?year=2024").content.decode()
    assert "不动产登记费" in page and "黔发改收费〔2017〕1号" in page and "160.00" in page
    assert "40.00" in client.get("/enforcement/qdn/fees/?year=2023").content.decode()
    assert "本机关暂无行政事业性收费项目" in client.get("/enforcement/kaili/fees/").content.decode()


def test_staff_see_which_decisions_the_portal_shows(tree, alice, login, client):
    """A licensing result is on the portal from the moment it is recorded (条例 第二十条（五））; a penalty of social
    impact waits to be published; a coercive decision is counted, not listed. The list said "—" for licensing."""
    licensing = make_decision(tree["prefecture"], alice, kind=DecisionKind.LICENSING, number="黔东南许〔2024〕3号",
                              social_impact=False)  # fmt: skip
    make_decision(tree["prefecture"], alice)
    make_decision(
        tree["prefecture"], alice, kind=DecisionKind.COERCIVE, number="黔东南强〔2024〕1号", social_impact=False
    )
    page = login(alice).get("/staff/enforcement/").content.decode()
    rows = {
        n: page[page.index(n) : page.index("</tr>", page.index(n))]
        for n in ("许〔2024〕3号", "罚〔2024〕1号", "强〔2024〕1号")
    }
    assert '<span class="badge ok">已公开</span>' in rows["许〔2024〕3号"]
    assert '<span class="badge warn">待公开</span>' in rows["罚〔2024〕1号"]
    assert "不公开" in rows["强〔2024〕1号"]
    detail = client.get(f"/staff/enforcement/{licensing.pk}/").content.decode()
    assert 'href="/enforcement/qdn/licensing/">在门户查看' in detail and "行政许可结果随录入公开" in detail
