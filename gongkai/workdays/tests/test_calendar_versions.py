"""The calendar is built once per process between changes, and every change is seen on the next use."""

import datetime as dt

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongkai.core.pagecache import version_mark
from gongkai.workdays.selectors import CALENDAR_KEY, workday_calendar
from gongkai.workdays.services import holiday_notice_create, workday_override_delete, workday_override_set

pytestmark = pytest.mark.django_db

# A Monday of a year the library covers, and a Saturday.
MONDAY = dt.date(2024, 6, 3)
SATURDAY = dt.date(2024, 6, 8)


def calendar_queries() -> int:
    with CaptureQueriesContext(connection) as queries:
        workday_calendar()
    return sum("workdays_" in q["sql"] for q in queries.captured_queries)


def test_the_calendar_is_built_once_and_reused_while_nothing_changes():
    assert calendar_queries() == 2
    assert calendar_queries() == 0
    assert workday_calendar() is workday_calendar()


def test_an_override_is_counted_at_once_and_its_removal_too():
    assert workday_calendar().is_workday(MONDAY)
    override = workday_override_set(actor=None, date=MONDAY, is_workday=False, name="临时放假")
    assert not workday_calendar().is_workday(MONDAY)
    workday_override_set(actor=None, date=SATURDAY, is_workday=True, name="调休上班")
    assert workday_calendar().is_workday(SATURDAY)
    workday_override_delete(actor=None, override=override)
    assert workday_calendar().is_workday(MONDAY)


def test_a_holiday_notice_verifies_its_year_at_once():
    far = 2099
    assert not workday_calendar().year_verified(far)
    holiday_notice_create(actor=None, year=far, title="国务院办公厅关于2099年部分节假日安排的通知")
    assert workday_calendar().year_verified(far)


def test_a_change_made_by_another_process_is_seen_through_the_shared_version():
    workday_calendar()
    assert calendar_queries() == 0
    # Another process wrote a row and replaced the version (and the mark, where processes share one).
    caches["pages"].set(CALENDAR_KEY, "another-process", timeout=None)
    if (mark := version_mark()) is not None:
        mark.change()
    assert calendar_queries() == 2
