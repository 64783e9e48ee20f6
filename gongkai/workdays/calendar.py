"""The working-day calendar (工作日): pure functions over holiday data, with explanations.

Sources, in order of precedence:
1. overrides entered by administrators (date, working or not, the State Council notice it comes from);
2. the `chinese_calendar` package, which carries the official holidays and 调休 make-up days it knows;
3. for a date neither knows, weekdays work and weekends rest, and the result is marked unverified.

A year counts as verified when the package covers it or an administrator recorded that year's notice
(国务院办公厅关于{year}年部分节假日安排的通知). Nothing is guessed silently: every computed date carries a
`verified` flag, and staff pages show a warning when it is false.

Counting follows general practice in Chinese administrative law: the start day is not counted, and the
deadline is the N-th working day after it (spec §5; 行政许可法 第八十二条 by analogy).
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import chinese_calendar

from gongkai.core.dates import chinese_date

ONE_DAY = dt.timedelta(days=1)
# A calendar remembers the days it has worked out (it never changes once built: a changed calendar is a new
# instance, workdays.selectors). Past this many it starts again.
MEMO_LIMIT = 50_000


@dataclass(frozen=True)
class DayOverride:
    is_workday: bool
    name: str = ""
    source: str = ""


@dataclass(frozen=True)
class DayInfo:
    date: dt.date
    is_workday: bool
    verified: bool
    # "holiday" (a statutory holiday on a weekday), "makeup" (a weekend made a working day), "weekend",
    # "workday", or "override" when an administrator's entry decided it.
    kind: str
    name: str = ""
    source: str = ""


@dataclass(frozen=True)
class WorkdayResult:
    """A computed date and how it was reached."""

    start: dt.date
    days: int
    date: dt.date
    verified: bool
    holidays: tuple[DayInfo, ...] = field(default=())
    makeup_days: tuple[DayInfo, ...] = field(default=())
    unverified_years: tuple[int, ...] = field(default=())

    def explain(self) -> str:
        """A sentence a clerk can read out to an applicant: how this date was computed."""
        lines = [
            f"自 {chinese_date(self.start)} 起（当日不计）计算 {self.days} 个工作日，截止 {chinese_date(self.date)}。"
        ]
        if self.holidays:
            named = "、".join(
                f"{d.date.month}月{d.date.day}日{('（' + d.name + '）') if d.name else ''}" for d in self.holidays
            )
            lines.append(f"跳过法定节假日及调休休息日 {len(self.holidays)} 天：{named}。")
        if self.makeup_days:
            named = "、".join(f"{d.date.month}月{d.date.day}日" for d in self.makeup_days)
            lines.append(f"计入调休上班的周末 {len(self.makeup_days)} 天：{named}。")
        if not self.verified:
            years = "、".join(str(y) for y in self.unverified_years)
            lines.append(
                f"注意：{years}年的节假日安排尚未核实（未收录国务院办公厅通知），此日期按普通周末推算，须人工核对。"
            )
        return "\n".join(lines)


@lru_cache(maxsize=64)
def library_covers(year: int) -> bool:
    """Whether chinese_calendar carries official data for this year (it raises for years it does not know)."""
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


class WorkdayCalendar:
    """Working days from the library plus overrides; built once per request from the database."""

    def __init__(self, overrides: Mapping[dt.date, DayOverride] | None = None, noticed_years: Iterable[int] = ()):
        self.overrides = dict(overrides or {})
        self.noticed_years = frozenset(noticed_years)
        # Every deadline of a page (the receipt, the tracking page, a case) walks 20 or more days through the
        # holiday library; each day's answer is kept, with whether the library covered its year.
        self._days: dict[tuple[dt.date, bool], DayInfo] = {}

    def year_verified(self, year: int) -> bool:
        return year in self.noticed_years or library_covers(year)

    def day(self, date: dt.date) -> DayInfo:
        key = (date, library_covers(date.year))
        known = self._days.get(key)
        if known is None:
            if len(self._days) >= MEMO_LIMIT:
                self._days.clear()
            known = self._days[key] = self._work_out_day(date)
        return known

    def _work_out_day(self, date: dt.date) -> DayInfo:
        verified = self.year_verified(date.year)
        weekend = date.weekday() >= 5
        if (override := self.overrides.get(date)) is not None:
            return DayInfo(date, override.is_workday, verified, "override", override.name, override.source)
        if library_covers(date.year):
            is_workday = chinese_calendar.is_workday(date)
            if is_workday and weekend:
                return DayInfo(date, True, True, "makeup", "调休上班", "chinese_calendar")
            if not is_workday and not weekend:
                _, holiday = chinese_calendar.get_holiday_detail(date)
                return DayInfo(date, False, True, "holiday", _holiday_name(holiday), "chinese_calendar")
            if not is_workday:
                on_holiday, holiday = chinese_calendar.get_holiday_detail(date)
                name = _holiday_name(holiday) if on_holiday and holiday else ""
                return DayInfo(date, False, True, "weekend", name, "chinese_calendar")
            return DayInfo(date, True, True, "workday")
        return DayInfo(date, not weekend, verified, "weekend" if weekend else "workday")

    def is_workday(self, date: dt.date) -> bool:
        return self.day(date).is_workday

    def add_working_days(self, start: dt.date, days: int) -> WorkdayResult:
        """The date `days` working days after `start` (start not counted). days=0 means start itself."""
        if days < 0:
            raise ValueError("days must not be negative")
        current = start
        counted = 0
        holidays: list[DayInfo] = []
        makeups: list[DayInfo] = []
        unverified: set[int] = set()
        while counted < days:
            current += ONE_DAY
            info = self.day(current)
            if not info.verified:
                unverified.add(current.year)
            if info.is_workday:
                counted += 1
                if current.weekday() >= 5:
                    makeups.append(info)
            elif current.weekday() < 5 or info.name:
                holidays.append(info)
        if not self.year_verified(start.year) and days == 0:
            unverified.add(start.year)
        return WorkdayResult(
            start=start,
            days=days,
            date=current,
            verified=not unverified,
            holidays=tuple(holidays),
            makeup_days=tuple(makeups),
            unverified_years=tuple(sorted(unverified)),
        )

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]: how many of a period's days have been used by `end`.

        Negative when end is before start (the count of working days in (end, start], negated).
        """
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        current = start
        while current < end:
            current += ONE_DAY
            if self.is_workday(current):
                count += 1
        return count

    def next_working_day(self, date: dt.date) -> dt.date:
        """The first working day on or after `date`."""
        while not self.is_workday(date):
            date += ONE_DAY
        return date

    def month(self, year: int, month: int) -> list[DayInfo]:
        first = dt.date(year, month, 1)
        days = []
        current = first
        while current.month == month:
            days.append(self.day(current))
            current += ONE_DAY
        return days


_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def _holiday_name(holiday: str | None) -> str:
    return _HOLIDAY_NAMES.get(holiday, holiday) if holiday else ""
