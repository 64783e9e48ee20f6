"""Table-driven tests of the working-day calendar across Spring Festival, National Day and year ends."""

import datetime as dt

import pytest

from gongkai.workdays.calendar import DayOverride, WorkdayCalendar

D = dt.date
calendar = WorkdayCalendar()


@pytest.mark.parametrize(
    "start,days,expected",
    [
        # The package's own documented examples (spec §5).
        (D(2025, 9, 26), 20, D(2025, 10, 30)),  # across National Day and Mid-autumn 2025 (10/1-10/8)
        (D(2026, 2, 13), 20, D(2026, 3, 19)),  # across Spring Festival 2026 (2/15-2/23)
        # Make-up Saturday 2026-02-14 counts: the Friday before it plus one day is that Saturday.
        (D(2026, 2, 13), 1, D(2026, 2, 14)),
        # Make-up Sunday 2026-01-04 after New Year's Day (1/1-1/3).
        (D(2025, 12, 31), 1, D(2026, 1, 4)),
        # A start on a holiday: the count begins with the next working day.
        (D(2026, 2, 16), 1, D(2026, 2, 24)),
        # Year end without holidays in the way: 2024-12-31 (Tue) + 1 skips New Year's Day 2025.
        (D(2024, 12, 31), 1, D(2025, 1, 2)),
        # Spring Festival 2024: 2/10-2/17 off, 2/4 (Sun) and 2/18 (Sun) worked.
        (D(2024, 2, 8), 1, D(2024, 2, 9)),
        (D(2024, 2, 9), 1, D(2024, 2, 18)),
        (D(2024, 2, 2), 1, D(2024, 2, 4)),
        # National Day 2024: 10/1-10/7 off, 9/29 (Sun) and 10/12 (Sat) worked.
        (D(2024, 9, 27), 1, D(2024, 9, 29)),
        (D(2024, 9, 30), 1, D(2024, 10, 8)),
        (D(2024, 10, 11), 1, D(2024, 10, 12)),
        # Zero days is the start itself.
        (D(2026, 2, 16), 0, D(2026, 2, 16)),
    ],
)
def test_add_working_days(start, days, expected):
    result = calendar.add_working_days(start, days)
    assert result.date == expected
    assert result.verified


@pytest.mark.parametrize(
    "date,is_workday",
    [
        (D(2026, 2, 14), True),  # Saturday, make-up working day
        (D(2026, 2, 28), True),  # Saturday, make-up working day
        (D(2026, 2, 16), False),  # Spring Festival
        (D(2026, 2, 23), False),  # last day of the Spring Festival break
        (D(2026, 2, 24), True),
        (D(2026, 10, 10), True),  # Saturday, make-up working day after National Day
        (D(2026, 10, 1), False),
        (D(2026, 1, 4), True),  # Sunday, make-up working day
        (D(2026, 3, 7), False),  # an ordinary Saturday
    ],
)
def test_days_of_2026(date, is_workday):
    assert calendar.is_workday(date) is is_workday


def test_the_explanation_lists_holidays_and_make_up_days_crossed():
    result = calendar.add_working_days(D(2026, 2, 13), 20)
    text = result.explain()
    assert "2026年3月19日" in text
    assert "春节" in text
    assert "2月14日" not in [d.date.strftime("%m月%d日") for d in result.holidays]
    assert D(2026, 2, 28) in [d.date for d in result.makeup_days]
    assert len([d for d in result.holidays if d.date.month == 2 and 15 <= d.date.day <= 23]) == 9


def test_a_year_without_official_data_is_marked_unverified_not_guessed_silently():
    result = calendar.add_working_days(D(2026, 12, 24), 10)
    assert not result.verified
    assert result.unverified_years == (2027,)
    assert "未核实" in result.explain()
    # Weekends are still skipped in the provisional count.
    assert result.date.weekday() < 5


def test_an_administrators_notice_and_overrides_make_a_new_year_verified():
    overrides = {D(2027, 1, 1): DayOverride(False, "元旦", "国办发明电〔2026〕X号")}
    cal = WorkdayCalendar(overrides, noticed_years=[2027])
    result = cal.add_working_days(D(2026, 12, 31), 1)
    assert result.verified
    assert result.date == D(2027, 1, 4)  # 1/1 holiday, 1/2-1/3 weekend
    assert result.holidays[0].name == "元旦"


def test_an_override_beats_the_library():
    cal = WorkdayCalendar({D(2026, 3, 2): DayOverride(False, "停工", "更正")})
    assert not cal.is_workday(D(2026, 3, 2))
    assert cal.add_working_days(D(2026, 2, 27), 1).date == D(2026, 2, 28)
    assert cal.add_working_days(D(2026, 2, 28), 1).date == D(2026, 3, 3)


@pytest.mark.parametrize(
    "start,end,expected",
    [
        (D(2026, 2, 13), D(2026, 3, 19), 20),
        (D(2026, 2, 13), D(2026, 2, 13), 0),
        (D(2026, 3, 19), D(2026, 2, 13), -20),
        (D(2025, 12, 31), D(2026, 1, 4), 1),
    ],
)
def test_working_days_between(start, end, expected):
    assert calendar.working_days_between(start, end) == expected


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        calendar.add_working_days(D(2026, 1, 5), -1)
