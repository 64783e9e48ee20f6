"""The dashboard's applications figures (due soon, overdue), read through the applications app's queue."""

import datetime as dt

import pytest
from django.utils import timezone

from gongkai.applications.services import application_alerts_scan
from gongkai.applications.tests.factories import make_application
from gongkai.workdays.selectors import add_working_days

TODAY = timezone.localdate()


def _received_working_days_ago(n: int) -> dt.date:
    day = TODAY
    while True:
        day -= dt.timedelta(days=1)
        if add_working_days(day, n).date <= TODAY:
            return day


@pytest.fixture
def cases(tree, alice, kim):
    overdue = make_application(alice, tree["prefecture"], TODAY - dt.timedelta(days=60), title="超期的申请")
    county_overdue = make_application(kim, tree["county"], TODAY - dt.timedelta(days=60), title="凯里超期申请")
    fresh = make_application(alice, tree["prefecture"], TODAY, title="刚收到的申请")
    soon = make_application(alice, tree["prefecture"], _received_working_days_ago(18), title="快到期的申请")
    application_alerts_scan(today=TODAY)
    return {"overdue": overdue, "county_overdue": county_overdue, "fresh": fresh, "soon": soon}


def test_the_dashboard_counts_the_subtrees_applications_due_soon_and_overdue(login, sue, cases):
    ctx = login(sue).get("/staff/supervision/").context
    assert (ctx["applications_overdue"], ctx["applications_due_soon"]) == (2, 1)
    assert [(r["name"], r["overdue"], r["due_soon"]) for r in ctx["application_rows"]] == [
        ("黔东南州人民政府", 1, 1),
        ("凯里市人民政府", 1, 0),
    ]


def test_the_application_figures_drill_down_to_the_cases(login, sue, kim, cases, client):
    page = login(sue).get("/staff/supervision/applications/overdue/").content.decode()
    assert "超期的申请" in page and "凯里超期申请" in page and "快到期的申请" not in page
    assert f"/staff/applications/{cases['overdue'].pk}/" in page
    page = client.get("/staff/supervision/applications/due_soon/").content.decode()
    assert "快到期的申请" in page and "超期的申请" not in page and "刚收到的申请" not in page
    assert client.get("/staff/supervision/applications/closed/").status_code == 404
    client.logout()
    page = login(kim).get("/staff/supervision/applications/overdue/").content.decode()
    assert "凯里超期申请" in page and "超期的申请</td>" not in page
