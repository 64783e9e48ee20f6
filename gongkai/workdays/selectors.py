"""Building the calendar from the library and the override table."""

import datetime as dt

from gongkai.workdays.calendar import DayOverride, WorkdayCalendar, WorkdayResult
from gongkai.workdays.models import HolidayNotice, WorkdayOverride


def workday_calendar() -> WorkdayCalendar:
    """The calendar as the administrators configured it; cheap enough to build once per request."""
    overrides = {
        o.date: DayOverride(o.is_workday, o.name, o.notice.title if o.notice else o.note)
        for o in WorkdayOverride.objects.select_related("notice")
    }
    return WorkdayCalendar(overrides, HolidayNotice.objects.values_list("year", flat=True))


def add_working_days(start: dt.date, days: int) -> WorkdayResult:
    return workday_calendar().add_working_days(start, days)


def unverified_years_near(today: dt.date) -> list[int]:
    """This year and next if they lack official data: staff pages warn about these."""
    calendar = workday_calendar()
    return [y for y in (today.year, today.year + 1) if not calendar.year_verified(y)]
