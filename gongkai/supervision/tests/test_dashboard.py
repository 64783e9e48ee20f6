"""The supervisor's dashboard shows the subtree's state and drills down to the records."""

import datetime as dt

import pytest
from django.utils import timezone

from gongkai.analytics.models import DailyCount
from gongkai.supervision.services import (
    follower_count_record,
    inspection_create,
    inspection_problem_move,
    inspection_problem_record,
    new_media_account_create,
)

TODAY = timezone.localdate()


@pytest.fixture
def state(tree):
    inspection = inspection_create(
        actor=None, agency=tree["prefecture"], title="检查", inspected_on=TODAY - dt.timedelta(30)
    )
    problems = {}
    for key, agency, deadline, steps in [
        ("overdue", "county", TODAY - dt.timedelta(days=3), ["verified", "fed_back"]),
        ("open", "county_department", TODAY + dt.timedelta(days=3), ["verified"]),
        ("closed", "finance", TODAY - dt.timedelta(days=3), ["verified", "fed_back", "rectified", "closed"]),
    ]:
        problem = inspection_problem_record(
            actor=None, inspection=inspection, responsible_agency=tree[agency], target_kind="site",
            target=f"{key}网站", category="typo", description="错别字", deadline=deadline,
        )  # fmt: skip
        for status in steps:
            problem = inspection_problem_move(actor=None, problem=problem, status=status, note="说明")
        problems[key] = problem
    stale = new_media_account_create(actor=None, agency=tree["county"], platform="wechat", name="凯里发布")
    follower_count_record(
        actor=None, account=stale, recorded_on=TODAY, followers=10, last_post_on=TODAY - dt.timedelta(30)
    )
    fresh = new_media_account_create(actor=None, agency=tree["prefecture"], platform="weibo", name="州政府发布")
    follower_count_record(actor=None, account=fresh, recorded_on=TODAY, followers=10, last_post_on=TODAY)
    DailyCount.objects.create(day=TODAY, agency=tree["prefecture"], visits=900, page_views=1200, visitors=700)
    DailyCount.objects.create(day=TODAY, agency=tree["county"], visits=300, page_views=400, visitors=250)
    return problems


def test_the_supervisor_sees_open_overdue_and_stale_at_a_glance(login, sue, state):
    response = login(sue).get("/staff/supervision/")
    ctx = response.context
    assert response.status_code == 200
    assert (ctx["open_problems"], ctx["overdue_problems"], ctx["stale_count"], ctx["account_count"]) == (2, 1, 1, 2)
    assert [(r["status"], r["count"]) for r in ctx["status_rows"]] == [
        ("found", 0), ("verified", 1), ("dismissed", 0), ("fed_back", 1), ("rectified", 0), ("closed", 1),
    ]  # fmt: skip
    assert [(r["agency__name"], r["visits"], r["pct"]) for r in ctx["visit_rows"]] == [
        ("黔东南州人民政府", 900, 100.0),
        ("凯里市人民政府", 300, 33.3),
    ]
    page = response.content.decode()
    assert '<rect width="33.3"' in page and "凯里发布" in page and "style=" not in page


def test_the_figures_drill_down_to_the_records(login, sue, state):
    client = login(sue)
    overdue = client.get("/staff/supervision/problems/?overdue=1").content.decode()
    assert "overdue网站" in overdue and "open网站" not in overdue and "已逾期" in overdue
    by_status = client.get("/staff/supervision/problems/?status=closed").content.decode()
    assert "closed网站" in by_status and "overdue网站" not in by_status
    county = state["overdue"].responsible_agency_id
    by_agency = client.get(f"/staff/supervision/problems/?agency={county}").content.decode()
    assert "overdue网站" in by_agency and "open网站" not in by_agency


def test_a_county_clerk_sees_only_the_countys_part(login, kim, state):
    ctx = login(kim).get("/staff/supervision/").context
    assert (ctx["open_problems"], ctx["overdue_problems"], ctx["stale_count"]) == (1, 1, 1)
    assert [r["agency__name"] for r in ctx["visit_rows"]] == ["凯里市人民政府"]


def test_the_home_dashboard_has_a_supervision_card_for_the_supervisor(login, sue, state):
    page = login(sue).get("/staff/").content.decode()
    assert "监督保障" in page and "/staff/supervision/problems/?overdue=1" in page
