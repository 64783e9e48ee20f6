"""The seed, regenerated: the demo's records give the 2024 report of 黔东南州人民政府(州政府办公室) cell for cell."""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction

from gongkai.agencies.models import Agency
from gongkai.annual_reports.models import AnnualReport, ReportStatus
from gongkai.annual_reports.selectors import report_check, report_figures, report_figures_compile
from gongkai.annual_reports.structure import SECTION2_CODES, TABLE2_COLUMN_CODES, TABLE3_CODES
from gongkai.annual_reports.tests.seed import seed_json


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for the module, inside a transaction rolled back at the end (nothing leaks)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo_load", "--quiet-logins")
        yield
        transaction.set_rollback(True)


@pytest.fixture
def figures(demo, db):
    return report_figures_compile(agency=Agency.objects.get(slug="qdn"), year=2024)


def test_section_three_all_175_cells(figures):
    seed = seed_json()["section3"]
    for row, values in seed.items():
        assert [figures.t2(row, col).value for col in TABLE2_COLUMN_CODES] == values, row


def test_section_two_all_9_cells(figures):
    seed = seed_json()["section2"]
    for code in SECTION2_CODES:
        expected = Decimal(seed[code]) if code == "fees_10k_yuan" else seed[code]
        assert figures.s2(code).value == expected, code


def test_section_four_all_15_cells(figures):
    assert [figures.t3(code).value for code in TABLE3_CODES] == seed_json()["section4"]


def test_section_one_numbers(figures):
    s1 = seed_json()["section1"]
    exact = [
        "concern_responses", "online_consultations", "online_surveys", "policy_interpretations", "gazette_issues",
        "gazette_copies", "gazette_documents", "daily_visitors", "training_sessions",
    ]  # fmt: skip
    for code in exact:
        assert figures.s1(code).value == s1[code], code
    # "12500余条", "602万余次", "820万余次", "596万余人": at least the number written, below the next unit.
    assert 12500 <= figures.s1("items_published").value < 12600
    assert 6_020_000 <= figures.s1("site_visits").value < 6_030_000
    assert 8_200_000 <= figures.s1("site_page_views").value < 8_210_000
    assert 5_960_000 <= figures.s1("new_visitors").value < 5_970_000
    # "约7.7万余个", "约3.8万个"
    assert 73_000 <= figures.s1("wechat_subscribers").value <= 85_000
    assert 36_000 <= figures.s1("weibo_followers").value <= 42_000
    assert figures.fees_charged.value == 0


def test_every_count_traces_back_to_records(figures):
    for row in seed_json()["section3"]:
        for col in TABLE2_COLUMN_CODES:
            cell = figures.t2(row, col)
            assert cell.value == len(cell.ids) and (cell.model == "applications.application" or not cell.ids)
    assert figures.t3("C15").model == "appeals.lawsuit" and len(figures.t3("C15").ids) == 1


def test_the_demo_report_is_published_with_the_seeds_text_and_only_the_known_finding(demo, db):
    report = AnnualReport.objects.get(agency__slug="qdn", year=2024)
    assert report.status == ReportStatus.PUBLISHED
    assert report.title == "黔东南州人民政府(州政府办公室)2024年政府信息公开工作年度报告"
    findings = [f for f in report_check(report) if f.severity != "info"]
    assert [(f.rule, f.severity) for f in findings] == [("narrative.received", "warning")]
    assert "42" in findings[0].message
    frozen = report_figures(report)
    assert frozen.t2("R4", "total").value == 7


def test_the_portal_page_reads_like_the_seed(demo, db, client):
    page = client.get("/agencies/qdn/annual-reports/2024/").content.decode()
    text = re.sub(r"<[^>]+>", " ", page)
    for heading in [
        "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项",
        "第二十条第（一）项", "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        "三、本年度办理结果", "未经复议直接起诉", "复议后起诉", "2024年本单位在办理依申请公开件中未收取信息处理费。",
        "黔ICP备16003716号", "5226000038",
    ]:  # fmt: skip
        assert heading in text, heading
    assert "2025-01-23" in text


def test_a_cell_drills_down_to_the_applications_it_counts(demo, db, client):
    from gongkai.accounts.models import User

    report = AnnualReport.objects.get(agency__slug="qdn", year=2024)
    client.force_login(User.objects.get(username="clerk"))
    page = client.get(f"/staff/annual-reports/{report.pk}/cells/3.R3.4.1.natural/").content.decode()
    assert "本机关不掌握相关政府信息" in page and "：12" in page
    assert page.count("/staff/history/applications.application/") == 12
    client.force_login(User.objects.get(username="kaili-clerk"))
    assert client.get(f"/staff/annual-reports/{report.pk}/cells/3.R3.4.1.natural/").status_code == 404


def test_the_published_report_is_listed_in_the_catalogue_where_supervision_finds_it(demo, db):
    import datetime as dt

    from gongkai.catalogue.models import Item
    from gongkai.supervision.annual_reports import annual_reports_not_published_in_time

    report = AnnualReport.objects.get(agency__slug="qdn", year=2024)
    item = Item.objects.get(agency=report.agency, category__code="reports", title=report.title)
    assert item.status == "published" and item.published_at.date() == dt.date(2025, 1, 23)
    late = annual_reports_not_published_in_time(agencies=[report.agency], today=dt.date(2025, 6, 1))
    assert [c for c in late if c.agency == report.agency] == []


def test_the_portal_page_and_every_export_of_the_demo_report_read_back_cell_for_cell(demo, db, client):
    """Report intake reads the platform's own published page and exports exactly (issue 18)."""
    from gongkai.annual_reports.exports import export_docx, export_json, export_pdf
    from gongkai.annual_reports.intake import read_report
    from gongkai.annual_reports.selectors import report_document

    report = AnnualReport.objects.get(agency__slug="qdn", year=2024)
    page = client.get("/agencies/qdn/annual-reports/2024/")
    assert page.status_code == 200
    sources = [("page.html", page.content)]
    doc = report_document(report)
    sources += [
        (f"r.{fmt}", fn(doc)) for fmt, fn in (("docx", export_docx), ("pdf", export_pdf), ("json", export_json))
    ]
    seed = seed_json()
    for name, data in sources:
        parsed = read_report(name, data)
        assert parsed.readable, name
        for row, values in seed["section3"].items():
            assert [parsed.cells[f"3.{row}.{c}"].value for c in TABLE2_COLUMN_CODES] == values, (name, row)
        assert [parsed.cells[f"4.{c}"].value for c in TABLE3_CODES] == seed["section4"], name
        assert parsed.year == 2024 and parsed.format == "2021", name
