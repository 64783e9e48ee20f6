"""The demo's 2024 records reproduce the seed report's sections 一(四) and 一(五), through the report selectors."""

import datetime as dt
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from gongkai.agencies.models import Agency
from gongkai.analytics.models import DailyCount, DailyPageCount, DailySearchCount, Hit
from gongkai.analytics.selectors import analytics_site_totals
from gongkai.audit.models import AuditEvent
from gongkai.supervision.models import FollowerCount, Inspection, InspectionProblem, ProblemStatus, TrainingSession
from gongkai.supervision.selectors import newmedia_followers, training_count

SEED = json.loads((Path(settings.BASE_DIR) / "tests" / "data" / "seed_2024.json").read_text())["section1"]


@pytest.fixture
def demo(db):
    call_command("demo_load", "--quiet-logins")
    return [Agency.objects.get(slug="qdn"), Agency.objects.get(slug="qdn-office")]


def test_the_demo_reproduces_the_seeds_site_statistics(demo):
    cells = analytics_site_totals(agencies=demo, year=2024)
    assert {key: cell.value for key, cell in cells.items()} == {
        "site_visits": SEED["site_visits"],  # 602万余次
        "site_page_views": SEED["site_page_views"],  # 820万余次
        "daily_visitors": SEED["daily_visitors"],  # 17150人
        "new_visitors": SEED["new_visitors"],  # 596万余人
    }
    assert "analytics.DailyCount" in cells["site_visits"].source and "366 days" in cells["daily_visitors"].source
    assert DailyCount.objects.filter(day__year=2024).count() == 2 * 366


def test_the_demo_reproduces_the_seeds_new_media_and_training_figures(demo):
    followers = newmedia_followers(agencies=demo, year=2024)
    assert followers["wechat_subscribers"].value == SEED["wechat_subscribers"] == 77_000
    assert followers["weibo_followers"].value == SEED["weibo_followers"] == 38_000
    assert len(followers["wechat_subscribers"].ids) == 1
    sessions = training_count(agencies=demo, year=2024)
    assert sessions.value == SEED["training_sessions"] == 2
    assert set(sessions.ids) == set(TrainingSession.objects.filter(held_on__year=2024).values_list("pk", flat=True))


def test_the_demo_inspections_found_fed_back_and_fixed_problems(demo):
    problems = InspectionProblem.objects.filter(inspection__agency=demo[0], inspection__inspected_on__year=2024)
    assert Inspection.objects.filter(agency=demo[0]).count() == 2
    assert problems.filter(status=ProblemStatus.CLOSED).count() >= 3
    assert {p.responsible_agency.kind for p in problems} == {"government", "department"}  # counties and departments
    closed = problems.filter(status=ProblemStatus.CLOSED).first()
    assert closed.verification_note and closed.feedback_note and closed.rectification_note and closed.closing_note
    verbs = set(AuditEvent.objects.filter(object_type="supervision.inspectionproblem").values_list("verb", flat=True))
    assert {"inspection_problem.verify", "inspection_problem.feed_back", "inspection_problem.rectify"} <= verbs


def test_loading_the_demo_again_adds_nothing(demo):
    before = (DailyCount.objects.count(), FollowerCount.objects.count(), InspectionProblem.objects.count(),
              AuditEvent.objects.count(), Hit.objects.count())  # fmt: skip
    call_command("demo_load", "--quiet-logins")
    assert (DailyCount.objects.count(), FollowerCount.objects.count(), InspectionProblem.objects.count(),
            AuditEvent.objects.count(), Hit.objects.count()) == before  # fmt: skip


def test_the_demo_has_two_weeks_of_live_counting_rolled_up(demo):
    today = timezone.localdate()
    rolled = DailyCount.objects.filter(imported=False)
    assert set(rolled.values_list("day", flat=True)) == {today - dt.timedelta(days=n) for n in range(1, 15)}
    assert DailySearchCount.objects.exists() and DailyPageCount.objects.filter(path="/agencies/qdn-czj/").exists()
    assert sum(rolled.values_list("page_views", flat=True)) == Hit.objects.count()


def test_counts_after_the_year_end_do_not_change_that_years_figure(demo):
    # The demo also records a count from this year; 2024 still reports the count of 31 December 2024.
    assert FollowerCount.objects.filter(account__agency=demo[0], recorded_on__year__gt=2024).exists()
    assert newmedia_followers(agencies=demo, year=2024)["wechat_subscribers"].value == 77_000
