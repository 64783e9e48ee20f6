"""The portal's 政府信息公开年报 page: the agency's own reports, then those of the agencies directly under it."""

import datetime as dt

import pytest
from django.utils import timezone

from gongkai.annual_reports import services
from gongkai.annual_reports.models import AnnualReport

pytestmark = pytest.mark.django_db

INDEX = "/agencies/qdn/annual-reports/"


def _publish(agency, year: int, on: dt.date) -> AnnualReport:
    """A report published by the system (actor None), backdated as the demo's history is."""
    report = services.annual_report_create(actor=None, agency=agency, year=year)
    services.annual_report_update_text(
        actor=None, report=report, problems="栏目更新不及时。", improvements="加强巡查。"
    )
    services.annual_report_review(actor=None, report=report)
    services.annual_report_approve(actor=None, report=report)
    at = timezone.make_aware(dt.datetime.combine(on, dt.time(10, 0)))
    return services.annual_report_publish(actor=None, report=report, at=at)


def test_each_subordinate_is_listed_with_its_report_of_the_newest_year_or_as_not_published(client, tree):
    report = _publish(tree["finance"], 2024, dt.date(2025, 1, 22))
    page = client.get(INDEX).content.decode()
    assert "本机关尚未发布政府信息公开工作年度报告。" in page
    assert f'<a href="/agencies/qdn-czj/annual-reports/2024/">{report.title}</a>' in page
    assert "2025-01-22" in page
    assert '<a href="/agencies/kaili/">凯里市人民政府</a>' in page and "未在本平台发布" in page
    assert "2024年度：下级机关 2 个，已在本平台发布 1 个。" in page
    # The general office reports jointly with the prefecture: its report is the prefecture's, not listed apart.
    assert "黔东南州人民政府办公室" not in page
    # A county's own department is under the county, not listed here.
    assert "凯里市教育局" not in page


def test_each_year_a_subordinate_published_is_a_tab_and_another_year_is_chosen_by_the_address(client, tree):
    _publish(tree["finance"], 2024, dt.date(2025, 1, 22))
    _publish(tree["county"], 2023, dt.date(2024, 3, 20))
    page = client.get(INDEX).content.decode()
    assert '<a href="?year=2024#subordinates" aria-current="page">2024年度</a>' in page
    assert '<a href="?year=2023#subordinates">2023年度</a>' in page
    earlier = client.get(INDEX, {"year": 2023}).content.decode()
    assert "/agencies/kaili/annual-reports/2023/" in earlier and "/agencies/qdn-czj/annual-reports/2024/" not in earlier
    assert "2023年度：下级机关 2 个，已在本平台发布 1 个。" in earlier


def test_a_year_out_of_range_is_refused_with_the_field_named(client, tree):
    response = client.get(INDEX, {"year": 99999})
    assert response.status_code == 400 and "年度" in response.content.decode()


def test_an_agency_without_subordinates_shows_only_its_own_reports(client, tree):
    page = client.get("/agencies/qdn-czj/annual-reports/").content.decode()
    assert "下级机关年度报告" not in page and "本机关年度报告" not in page


def test_a_general_office_reporting_with_its_government_is_no_subordinate_to_list(client, tree):
    from gongkai.agencies.models import Agency

    Agency.objects.filter(parent=tree["prefecture"]).exclude(pk=tree["office"].pk).update(is_active=False)
    assert "下级机关年度报告" not in client.get(INDEX).content.decode()


def test_without_any_published_subordinate_report_the_page_says_so(client, tree):
    assert "下级机关尚未在本平台发布年度报告。" in client.get(INDEX).content.decode()


def test_a_subordinates_publication_shows_on_the_kept_page_at_once(client, tree):
    assert "下级机关尚未在本平台发布年度报告。" in client.get(INDEX).content.decode()  # kept in the page cache now
    report = _publish(tree["finance"], 2024, dt.date(2025, 1, 22))
    assert report.title in client.get(INDEX).content.decode()


@pytest.mark.parametrize("page", ["/staff/annual-reports/audit/", "/staff/annual-reports/subordinates/"])
def test_staff_lists_link_a_subordinates_report_only_where_the_user_may_open_it(client, login, tree, alice, sue, page):
    """A clerk of the prefecture reads its subtree's overview but not a department's back-office report: its
    published report links to the portal page. The supervisor, who reads the whole subtree, gets the report."""
    report = _publish(tree["finance"], 2024, dt.date(2025, 1, 22))
    draft = services.annual_report_create(actor=None, agency=tree["county"], year=2024)
    for user, href in ((alice, "/agencies/qdn-czj/annual-reports/2024/"), (sue, f"/staff/annual-reports/{report.pk}/")):
        client.logout()
        body = login(user).get(page, {"year": 2024}).content.decode()
        assert f'<a href="{href}">' in body
        assert (f'href="/staff/annual-reports/{draft.pk}/"' in body) == (user == sue)
        assert client.get(href).status_code == 200


def test_the_report_page_opens_each_part_with_its_heading_and_the_seeds_mark(client, tree):
    report = services.annual_report_create(actor=None, agency=tree["finance"], year=2024)
    services.annual_report_update_text(
        actor=None, report=report, proactive="按照《条例》规定，全面梳理主动公开内容。", problems="栏目更新不及时。",
        improvements="加强巡查。",
    )  # fmt: skip
    services.annual_report_review(actor=None, report=report)
    services.annual_report_approve(actor=None, report=report)
    services.annual_report_publish(actor=None, report=report)
    page = client.get("/agencies/qdn-czj/annual-reports/2024/").content.decode()
    assert "<strong>（一）主动公开。</strong>按照《条例》规定" in page
    assert "<strong>存在的主要问题：</strong>栏目更新不及时。" in page
    # The trail names the agency, as its other pages do.
    assert (
        '<a href="/agencies/qdn-czj/">州财政局</a> › <a href="/agencies/qdn-czj/annual-reports/">政府信息公开年报</a> › 2024年度'
        in page
    )
