"""Creating, editing, checking, approving (freezing), publishing and correcting a report, through HTTP.

The figures come from the domain apps; here `compile_figures` is replaced by the seed's figures so that the
workflow is tested on its own (tests/test_seed_report.py compiles the demo's real records).
"""

import copy
import io
import json

import pytest

from gongkai.annual_reports import selectors
from gongkai.annual_reports.figures import ReportFigures
from gongkai.annual_reports.models import AnnualReport, ReportCorrection, ReportStatus
from gongkai.annual_reports.tests.seed import seed_figures, seed_text
from gongkai.audit.models import AuditEvent
from gongkai.core.stats import Cell


@pytest.fixture
def figures(monkeypatch):
    current = {"figures": seed_figures()}
    monkeypatch.setattr(selectors, "compile_figures", lambda *, agencies, year: copy.deepcopy(current["figures"]))

    def last_year(*, agencies, year):
        # 2023 carried into 2024 exactly what the seed's 上年结转 row says.
        return ReportFigures(section3={"R4": dict(seed_figures().section3["R2"])})

    monkeypatch.setattr(selectors, "compile_applications_table", last_year)
    return current


def _create(client, year=2024, scope="agency"):
    response = client.post("/staff/annual-reports/new/", {"year": year, "scope": scope})
    assert response.status_code == 302, response
    return AnnualReport.objects.get(year=year, scope=scope)


def _seed_text_form(report):
    text = seed_text()
    return {
        "title": report.title,
        "preamble": report.preamble,
        **text.section1,
        "problems": text.problems,
        "improvements": text.improvements,
        "other": text.other,
    }


def test_a_clerk_generates_a_draft_with_every_number_from_the_records(tree, alice, login, figures):
    client = login(alice)
    report = _create(client)
    assert report.title == "黔东南州人民政府(州政府办公室)2024年政府信息公开工作年度报告"
    assert report.status == ReportStatus.DRAFT and report.snapshot is None
    assert "新收政府信息公开申请41件" in report.on_application and "上年结转1件" in report.on_application
    assert "未收取信息处理费" in report.other
    page = client.get(f"/staff/annual-reports/{report.pk}/").content.decode()
    assert "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）" in page
    assert 'rowspan="22"' in page  # 三、本年度办理结果 spans the 22 result rows
    assert f"/staff/annual-reports/{report.pk}/cells/3.R1.natural/" in page  # drill-down links
    assert AuditEvent.objects.filter(verb="annual_report.create", object_id=str(report.pk)).exists()


def test_the_drafted_narrative_agrees_with_the_tables(tree, alice, login, figures):
    report = _create(login(alice))
    findings = selectors.report_check(report)
    assert [f for f in findings if f.rule.startswith("narrative")] == []
    assert [f.rule for f in findings if f.severity == "error"] == ["completeness"]  # 五 is for people to write


def test_the_seeds_own_text_gives_one_warning_about_42_received(tree, alice, rob, login, client, figures):
    report = _create(login(alice))
    response = client.post(f"/staff/annual-reports/{report.pk}/edit/", _seed_text_form(report))
    assert response.status_code == 302
    page = client.get(f"/staff/annual-reports/{report.pk}/").content.decode()
    assert "警告" in page and "42" in page and "错误" not in page.split("检查结果")[1].split("</section>")[0]


def test_review_approve_freezes_publish_shows_on_the_portal(tree, alice, rob, ann, login, client, figures):
    report = _create(login(alice))
    client.post(f"/staff/annual-reports/{report.pk}/edit/", _seed_text_form(report))
    client.logout()
    login(rob).post(f"/staff/annual-reports/{report.pk}/review/")
    client.logout()
    login(ann).post(f"/staff/annual-reports/{report.pk}/approve/")
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED and report.snapshot is not None
    assert report.snapshot["section3"]["R1"]["total"]["value"] == 41

    # Records change after approval: the frozen report does not move, and the difference is listed.
    figures["figures"].section3["R1"]["natural"] = Cell(45)
    page = client.get(f"/staff/annual-reports/{report.pk}/").content.decode()
    assert "冻结后记录发生的变化" in page
    assert [d.address for d in selectors.report_differences(report)] == ["3.R1.natural"]

    client.post(f"/staff/annual-reports/{report.pk}/publish/")
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED and report.published_at
    client.logout()
    portal = client.get("/agencies/qdn/annual-reports/2024/").content.decode()
    assert report.title in portal and ">40<" in portal and "政府信息公开年报" in portal
    assert client.get("/agencies/qdn/annual-reports/").status_code == 200


def test_a_correction_refreezes_and_shows_its_note(tree, alice, rob, ann, login, client, figures):
    report = _create(login(alice))
    client.post(f"/staff/annual-reports/{report.pk}/edit/", _seed_text_form(report))
    client.logout()
    login(rob).post(f"/staff/annual-reports/{report.pk}/review/")
    client.logout()
    client = login(ann)
    client.post(f"/staff/annual-reports/{report.pk}/approve/")
    client.post(f"/staff/annual-reports/{report.pk}/publish/")
    figures["figures"].section1["training_sessions"] = Cell(3)
    response = client.post(f"/staff/annual-reports/{report.pk}/correct/", {"note": ""})
    assert ReportCorrection.objects.count() == 0  # a correction needs its note
    response = client.post(f"/staff/annual-reports/{report.pk}/correct/", {"note": "补录培训1期"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.snapshot["section1"]["training_sessions"]["value"] == 3
    correction = ReportCorrection.objects.get()
    assert correction.snapshot_before["section1"]["training_sessions"]["value"] == 2
    client.logout()
    assert "补录培训1期" in client.get("/agencies/qdn/annual-reports/2024/").content.decode()


def test_a_report_that_does_not_add_up_cannot_be_reviewed(tree, alice, rob, login, client, figures):
    figures["figures"].section3["R1"]["natural"] = Cell(39)
    report = _create(login(alice))
    client.post(f"/staff/annual-reports/{report.pk}/edit/", _seed_text_form(report))
    client.logout()
    response = login(rob).post(f"/staff/annual-reports/{report.pk}/review/", follow=True)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert "勾稽关系" in response.content.decode()


def test_illegal_moves_are_refused(tree, alice, ann, login, client, figures):
    report = _create(login(alice))
    client.logout()
    response = login(ann).post(f"/staff/annual-reports/{report.pk}/publish/", follow=True)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert "不能从" in response.content.decode()


def test_a_clerk_cannot_approve_and_a_supervisor_changes_nothing(tree, alice, sue, login, client, figures):
    report = _create(login(alice))
    assert client.post(f"/staff/annual-reports/{report.pk}/approve/").status_code == 403
    client.logout()
    client = login(sue)
    assert client.get(f"/staff/annual-reports/{report.pk}/").status_code == 200
    assert client.post(f"/staff/annual-reports/{report.pk}/review/").status_code == 403
    assert client.get(f"/staff/annual-reports/{report.pk}/edit/").status_code == 403


def test_another_agencys_clerk_cannot_see_the_report(tree, alice, kim, login, client, figures):
    report = _create(login(alice))
    client.logout()
    assert login(kim).get(f"/staff/annual-reports/{report.pk}/").status_code == 404


def test_exports_download_in_every_format(tree, alice, login, figures):
    client = login(alice)
    report = _create(client)
    for fmt, magic in [("docx", b"PK"), ("xlsx", b"PK"), ("pdf", b"%PDF"), ("json", b"{")]:
        response = client.get(f"/staff/annual-reports/{report.pk}/export.{fmt}")
        assert response.status_code == 200 and response.content.startswith(magic), fmt
    data = json.loads(client.get(f"/staff/annual-reports/{report.pk}/export.json").content)
    assert data["section3"]["rows"]["R4"]["values"] == [6, 0, 0, 0, 0, 1, 7]
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(client.get(f"/staff/annual-reports/{report.pk}/export.xlsx").content))
    assert "表三 依申请公开" in workbook.sheetnames


def test_the_joint_office_cannot_have_its_own_agency_report(tree, login, figures):
    from conftest import make_user
    from gongkai.accounts.models import Role

    office_clerk = make_user("oc", (tree["office"], Role.CLERK))
    client = login(office_clerk)
    client.post("/staff/switch-agency/", {"agency": tree["office"].pk})
    response = client.post("/staff/annual-reports/new/", {"year": 2024, "scope": "agency"}, follow=True)
    assert "合并编制年度报告" in response.content.decode()
    assert not AnnualReport.objects.exists()
