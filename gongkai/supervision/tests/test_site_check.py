"""The site check walks the portal in-process and reports broken links and columns past their period."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from gongkai.supervision.models import FindingKind, SiteCheckFinding
from gongkai.supervision.site_checks import (
    NEWS_PERIOD,
    NOTICE_PERIOD,
    ColumnSource,
    portal_walk,
    register_column_source,
    unregister_column_source,
)

TODAY = timezone.localdate()


def test_the_real_portal_has_no_broken_links(tree):
    result = portal_walk()
    assert result.pages >= 3  # home, directory, agency pages
    assert result.broken == []


def test_a_broken_link_and_a_missing_static_file_are_reported_with_the_page_they_are_on(db, settings):
    settings.ROOT_URLCONF = "gongkai.supervision.tests.broken_urls"
    result = portal_walk()
    assert sorted((url, found_on, status) for url, found_on, status in result.broken) == [
        ("/missing/", "/", 404),
        ("/static/core/no-such.png", "/", 404),
    ]


@pytest.fixture
def columns(tree):
    latest = {
        ("news", tree["prefecture"].pk): TODAY - dt.timedelta(days=3),
        ("news", tree["county"].pk): TODAY - dt.timedelta(days=20),
        ("notices", tree["prefecture"].pk): TODAY - dt.timedelta(days=200),
    }
    scope = [tree["prefecture"].pk, tree["county"].pk]
    for key, label, period in (("news", "工作动态", NEWS_PERIOD), ("notices", "通知公告", NOTICE_PERIOD)):
        register_column_source(
            ColumnSource(
                key, label, period, lambda agency, key=key: latest.get((key, agency.pk)),
                applies_to=lambda: tree["prefecture"].__class__.objects.filter(pk__in=scope),
            )
        )  # fmt: skip
    yield tree
    unregister_column_source("news")
    unregister_column_source("notices")


def test_the_command_reports_stale_and_empty_columns_by_the_inspection_periods(columns, capsys):
    call_command("site_check")
    found = set(SiteCheckFinding.objects.values_list("kind", "url", "agency__slug"))
    assert found == {
        (FindingKind.STALE_COLUMN, "news", "kaili"),  # news: 20 days > 2 weeks
        (FindingKind.STALE_COLUMN, "notices", "qdn"),  # notices: 200 days > 6 months
        (FindingKind.EMPTY_COLUMN, "notices", "kaili"),
    }
    out = capsys.readouterr().out
    assert "3 finding(s)" in out and "凯里市人民政府" in out


def test_the_supervisor_sees_the_latest_findings_in_the_subtree(columns, login, sue, kim, client):
    call_command("site_check")
    page = login(sue).get("/staff/supervision/site-check/").content.decode()
    assert page.count("<tr>") == 4  # the header and three findings
    client.logout()
    page = login(kim).get("/staff/supervision/site-check/").content.decode()
    assert "黔东南州人民政府</td>" not in page and "凯里市人民政府" in page
