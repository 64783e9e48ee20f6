"""A supervising agency's roll-up of its subtree, and the view of who has published by the Article 49 deadline."""

import datetime as dt

from django.utils import timezone

from gongkai.annual_reports.models import AnnualReport, ReportScope, ReportStatus
from gongkai.annual_reports.selectors import report_figures_compile, rollup_status
from gongkai.applications.tests.factories import make_application, organisation, reply

D = dt.date


def test_the_rollup_adds_up_the_whole_subtree_and_still_balances(tree, alice, kim, sam):
    make_application(alice, tree["prefecture"], D(2024, 3, 4))
    county_case = make_application(kim, tree["county"], D(2024, 4, 8), applicant=organisation("research"))
    reply(kim, county_case, on=D(2024, 4, 20))
    make_application(sam, tree["county_department"], D(2024, 12, 30))
    own = report_figures_compile(agency=tree["prefecture"], year=2024)
    rollup = report_figures_compile(agency=tree["prefecture"], year=2024, scope=ReportScope.ROLLUP)
    assert own.t2("R1", "total").value == 1
    assert rollup.t2("R1", "total").value == 3
    assert rollup.t2("R1", "research").value == 1 and rollup.t2("R3.1", "research").value == 1
    assert rollup.t2("R4", "total").value == 2
    for col in ("natural", "research", "total"):
        assert rollup.t2("R1", col).value + rollup.t2("R2", col).value == (
            rollup.t2("R3.7", col).value + rollup.t2("R4", col).value
        )


def test_a_supervisor_sees_who_published_by_the_deadline(tree, sue, login, client):
    finance = tree["finance"]  # a department: 31 January
    county = tree["county"]  # a government: 31 March
    on_time = AnnualReport.objects.create(
        agency=finance, year=2024, title="州财政局2024年报", status=ReportStatus.PUBLISHED,
        published_at=timezone.make_aware(dt.datetime(2025, 1, 20, 10)),
    )  # fmt: skip
    rows = {r.agency.pk: r for r in rollup_status(agency=tree["prefecture"], year=2024, today=D(2025, 4, 1))}
    assert rows[finance.pk].published_on_time and rows[finance.pk].deadline == D(2025, 1, 31)
    assert rows[county.pk].overdue and rows[county.pk].deadline == D(2025, 3, 31)
    assert tree["office"].pk not in rows  # it reports with the government, not on its own
    assert on_time.publication_deadline() == D(2025, 1, 31)
    page = login(sue).get("/staff/annual-reports/subordinates/", {"year": 2024}).content.decode()
    assert "凯里市人民政府" in page and "逾期" in page and "按期发布" in page


def test_a_clerk_creates_the_rollup_report(tree, alice, login):
    client = login(alice)
    response = client.post("/staff/annual-reports/new/", {"year": 2024, "scope": "rollup"})
    assert response.status_code == 302
    report = AnnualReport.objects.get(scope=ReportScope.ROLLUP)
    assert report.title == "黔东南州人民政府（汇总）2024年政府信息公开工作年度报告"
