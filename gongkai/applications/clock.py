"""The statutory answer clock (pure functions over the working-day calendar), with its explanation.

- 条例 第三十三条: answer within 20 working days of receipt; an approved extension adds at most 20 more;
  time spent consulting a third party or another agency is not counted.
- 条例 第三十条: a correction request goes out within 7 working days of receipt; the 20 days restart from the
  day the corrected application arrives.
- 条例 第三十二条: a third party has 15 working days to answer.
- 条例 第三十五条: a reasonable but very large request gets a reasonable delay, set case by case and notified.
- 国办函〔2020〕109号: the applicant has 20 working days to pay a fee; whether that wait counts is the setting
  GONGKAI_FEE_WAIT_EXCLUDED (default: not counted, see docs/deadlines.md).
"""

import datetime as dt
from dataclasses import dataclass, field

from gongkai.core.dates import chinese_date
from gongkai.workdays.calendar import WorkdayCalendar, WorkdayResult

ANSWER_DAYS = 20  # 条例 第三十三条第一款
MAX_EXTENSION_DAYS = 20  # 条例 第三十三条第二款
MAX_DELAY_DAYS = 60  # 条例 第三十五条 sets no number; a sanity bound on the "reasonable period"
CORRECTION_NOTICE_DAYS = 7  # 条例 第三十条
THIRD_PARTY_DAYS = 15  # 条例 第三十二条
CO_MAKER_DAYS = 15  # 条例 第三十四条
FEE_PAYMENT_DAYS = 20  # 国办函〔2020〕109号
DUE_SOON_DAYS = 5  # working days before the deadline at which a case shows as due soon


@dataclass(frozen=True)
class Pause:
    kind: str  # "correction", "third_party", "other_agency", "fee"
    started_on: dt.date
    ended_on: dt.date | None
    label: str = ""


@dataclass(frozen=True)
class Deadline:
    """The reply deadline (None while the clock is stopped) and, line by line, how it was reached."""

    date: dt.date | None
    verified: bool
    start: dt.date
    counted_days: int
    lines: tuple[str, ...] = field(default=())

    def explain(self) -> str:
        return "\n".join(self.lines)


def reply_deadline(
    calendar: WorkdayCalendar,
    *,
    received_on: dt.date,
    pauses: list[Pause] = (),
    extension_days: list[int] = (),
    delay_days: list[int] = (),
    fee_wait_excluded: bool = True,
) -> Deadline:
    """The date by which the agency must answer, given the receipt date, pauses and approved extensions."""
    lines = [f"收到申请日期：{chinese_date(received_on)}（条例第三十一条）。"]
    start = received_on
    stopped = ""
    for pause in sorted(pauses, key=lambda p: p.started_on):
        if pause.kind != "correction":
            continue
        if pause.ended_on is None:
            stopped = f"{chinese_date(pause.started_on)}起等待申请人补正，答复期限自收到补正后的申请之日起重新计算（条例第三十条）。"
        else:
            start = pause.ended_on
            lines.append(f"{chinese_date(pause.ended_on)}收到补正后的申请，20个工作日自该日重新起算（条例第三十条）。")
    excluded = 0
    for pause in sorted(pauses, key=lambda p: p.started_on):
        if pause.kind == "correction" or pause.started_on < start:
            continue
        if pause.kind == "fee" and not fee_wait_excluded:
            lines.append(f"{chinese_date(pause.started_on)}起等待缴费的时间按设置计入答复期限。")
            continue
        basis = "国办函〔2020〕109号" if pause.kind == "fee" else "条例第三十三条第三款"
        if pause.ended_on is None:
            stopped = (
                stopped
                or f"{chinese_date(pause.started_on)}起{pause.label}，该期间不计入答复期限（{basis}），计时中止。"
            )
            continue
        used = calendar.working_days_between(pause.started_on, pause.ended_on)
        excluded += used
        lines.append(
            f"{pause.label}：{chinese_date(pause.started_on)}至{chinese_date(pause.ended_on)}，{used}个工作日不计入答复期限（{basis}）。"
        )
    extra = sum(extension_days) + sum(delay_days)
    for days in extension_days:
        lines.append(f"经批准延长答复期限{days}个工作日（条例第三十三条第二款）。")
    for days in delay_days:
        lines.append(f"申请数量明显超过合理范围，确定延迟答复{days}个工作日并告知申请人（条例第三十五条）。")
    counted = ANSWER_DAYS + extra + excluded
    if stopped:
        lines.append(stopped)
        return Deadline(None, True, start, counted, tuple(lines))
    result = calendar.add_working_days(start, counted)
    lines.append(f"答复期限 = 20个工作日 + 延长{extra}个 + 不计入{excluded}个 = {counted}个工作日。")
    lines.extend(result.explain().splitlines())
    return Deadline(result.date, result.verified, start, counted, tuple(lines))


def correction_notice_deadline(calendar: WorkdayCalendar, received_on: dt.date) -> WorkdayResult:
    """条例 第三十条: the last day to send a correction request, with its `verified` flag (a year whose
    holidays are not yet verified may hold holidays that push the real date later)."""
    return calendar.add_working_days(received_on, CORRECTION_NOTICE_DAYS)


# What a date computed over a year whose holidays are not yet verified says wherever it is shown or sent;
# a text message, where every character counts (70 make one message), marks the date provisional instead.
UNVERIFIED_NOTE = "（该年度法定节假日安排尚未核实，日期可能调整）"
UNVERIFIED_SMS_NOTE = "（暂定）"


def span_verified(calendar: WorkdayCalendar, start: dt.date, end: dt.date) -> bool:
    """Whether every year from `start` to `end` has verified holidays, i.e. whether a working-day count between
    them (a stored `respond_by` or `pay_by`) can be relied on (the same rule as `add_working_days`)."""
    return all(calendar.year_verified(year) for year in range(start.year, end.year + 1))


def dated(day: dt.date | None, verified: bool = True, *, missing: str = "") -> str:
    """A date as letters and notices write it (2025年3月31日), followed by UNVERIFIED_NOTE when the working-day
    count behind it crosses a year whose holidays are not yet verified."""
    if day is None:
        return missing
    return chinese_date(day) + ("" if verified else UNVERIFIED_NOTE)


def alert_state(calendar: WorkdayCalendar, due_on: dt.date | None, today: dt.date) -> str:
    """ "overdue" after the deadline, "due_soon" within DUE_SOON_DAYS working days of it, "" otherwise."""
    if due_on is None:
        return ""
    if due_on < today:
        return "overdue"
    if calendar.working_days_between(today, due_on) <= DUE_SOON_DAYS:
        return "due_soon"
    return ""
