"""Building the calendar from the library and the override table."""

import datetime as dt

from django.db import transaction

from gongkai.core.pagecache import ALL, bump, current_tokens, token_key
from gongkai.workdays.calendar import DayOverride, WorkdayCalendar, WorkdayResult
from gongkai.workdays.models import HolidayNotice, WorkdayOverride

# The calendar's version, among the page versions (core/pagecache.py): replaced by every change of the overrides
# or the holiday notices, so each process rebuilds its calendar on the next use and never before.
CALENDAR_KIND = "workdays"
CALENDAR_KEY = token_key(ALL, CALENDAR_KIND)
# (version, calendar) built by this process; replaced whole, so threads never see half of one.
_built: tuple[str, WorkdayCalendar] | None = None


def workday_calendar() -> WorkdayCalendar:
    """The calendar as the administrators configured it, built once per process between changes.

    Every deadline of the Regulations (条例 第三十三条 and the pauses of 第三十条, 第三十二条, 第四十二条) is counted
    on it, on the tracking page, the receipt and every staff page of a case: two queries each time, now one
    token read (none at all on one machine, core/pagecache.py)."""
    global _built
    version = current_tokens([CALENDAR_KEY])[CALENDAR_KEY]
    built = _built
    if built is not None and built[0] == version:
        return built[1]
    overrides = {
        o.date: DayOverride(o.is_workday, o.name, o.notice.title if o.notice else o.note)
        for o in WorkdayOverride.objects.select_related("notice")
    }
    calendar = WorkdayCalendar(overrides, HolidayNotice.objects.values_list("year", flat=True))
    # Kept under the version read before the rows: a change committed after that read replaces the version.
    _built = (version, calendar)
    return calendar


def calendar_changed(**_signal) -> None:
    """A row of the calendar changed: a new version now (the writer's own next read, in its transaction) and
    again once the transaction commits (a calendar another process built in between holds the old rows)."""
    bump(scopes=[ALL], kinds=[CALENDAR_KIND])
    transaction.on_commit(lambda: bump(scopes=[ALL], kinds=[CALENDAR_KIND]))


def forget_calendar() -> None:
    global _built
    _built = None


def add_working_days(start: dt.date, days: int) -> WorkdayResult:
    return workday_calendar().add_working_days(start, days)


def unverified_years_near(today: dt.date) -> list[int]:
    """This year and next if they lack official data: staff pages warn about these."""
    calendar = workday_calendar()
    return [y for y in (today.year, today.year + 1) if not calendar.year_verified(y)]
