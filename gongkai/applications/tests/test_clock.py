"""The answer clock on the worked examples of docs/deadlines.md (each row there is checked here)."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings

from gongkai.applications.clock import Pause, alert_state, correction_notice_deadline, reply_deadline
from gongkai.workdays.calendar import DayOverride, WorkdayCalendar

D = dt.date
CALENDAR = WorkdayCalendar()

# (example id in docs/deadlines.md, arguments, expected reply deadline)
EXAMPLES = [
    ("A1", {"received_on": D(2025, 9, 26)}, D(2025, 10, 30)),
    ("A2", {"received_on": D(2026, 2, 13)}, D(2026, 3, 19)),
    ("A3", {"received_on": D(2025, 12, 31)}, D(2026, 1, 29)),
    ("A4", {"received_on": D(2025, 4, 30)}, D(2025, 6, 3)),
    ("B1", {"received_on": D(2025, 3, 3), "pauses": [Pause("correction", D(2025, 3, 5), D(2025, 3, 20))]}, D(2025, 4, 18)),
    ("B2", {"received_on": D(2025, 3, 3), "pauses": [Pause("correction", D(2025, 3, 5), None)]}, None),
    ("C1", {"received_on": D(2025, 4, 1), "pauses": [Pause("third_party", D(2025, 4, 8), D(2025, 4, 22))]}, D(2025, 5, 16)),
    ("C2", {"received_on": D(2025, 9, 15), "pauses": [Pause("other_agency", D(2025, 9, 22), D(2025, 10, 14))]}, D(2025, 11, 4)),
    ("C3", {"received_on": D(2025, 4, 1), "pauses": [Pause("third_party", D(2025, 4, 8), None)]}, None),
    ("D1", {"received_on": D(2025, 4, 1), "extension_days": [20]}, D(2025, 5, 30)),
    (
        "D2",
        {"received_on": D(2025, 4, 1), "pauses": [Pause("third_party", D(2025, 4, 8), D(2025, 4, 22))], "extension_days": [10]},
        D(2025, 5, 30),
    ),
    ("D3", {"received_on": D(2025, 4, 1), "extension_days": [20], "delay_days": [15]}, D(2025, 6, 23)),
    ("E1", {"received_on": D(2025, 6, 3), "pauses": [Pause("fee", D(2025, 6, 10), D(2025, 6, 20))]}, D(2025, 7, 11)),
    (
        "E2",
        {"received_on": D(2025, 6, 3), "pauses": [Pause("fee", D(2025, 6, 10), D(2025, 6, 20))], "fee_wait_excluded": False},
        D(2025, 7, 1),
    ),
    (
        "F1",
        {
            "received_on": D(2025, 3, 3),
            "pauses": [Pause("correction", D(2025, 3, 5), D(2025, 3, 20)), Pause("third_party", D(2025, 3, 24), D(2025, 4, 3))],
            "extension_days": [20],
        },
        D(2025, 5, 30),
    ),
]  # fmt: skip


@pytest.mark.parametrize(("example", "arguments", "expected"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_the_reply_deadline_matches_the_worked_example(example, arguments, expected):
    deadline = reply_deadline(CALENDAR, **arguments)
    assert deadline.date == expected
    assert deadline.verified
    assert "收到申请日期" in deadline.explain()


def test_every_worked_example_is_written_in_docs_deadlines_with_its_date():
    docs = (Path(settings.BASE_DIR) / "docs" / "deadlines.md").read_text()
    rows = {line.split("|")[1].strip(): line for line in docs.splitlines() if line.startswith("| ") and "|" in line[2:]}
    for example, _arguments, expected in EXAMPLES:
        assert example in rows, example
        assert (expected.isoformat() if expected else "计时中止") in rows[example], example


@pytest.mark.parametrize(
    ("received", "last_day"),
    [(D(2025, 9, 26), D(2025, 10, 13)), (D(2025, 4, 30), D(2025, 5, 14)), (D(2025, 3, 3), D(2025, 3, 12))],
)
def test_the_correction_request_must_go_out_within_seven_working_days(received, last_day):
    latest = correction_notice_deadline(CALENDAR, received)
    assert latest.date == last_day and latest.verified


def test_the_correction_notice_deadline_keeps_its_unverified_flag():
    # 2099's holidays are known to nobody: the seven working days are counted over plain weekends, and say so.
    latest = correction_notice_deadline(CALENDAR, D(2099, 3, 2))
    assert latest.date == D(2099, 3, 11) and not latest.verified and latest.unverified_years == (2099,)


def test_the_explanation_names_the_holidays_and_the_make_up_days_it_crossed():
    text = reply_deadline(CALENDAR, received_on=D(2025, 9, 26)).explain()
    assert "国庆节" in text and "：9月28日、10月11日" in text


def test_the_explanation_says_how_many_consultation_days_were_not_counted():
    text = reply_deadline(
        CALENDAR,
        received_on=D(2025, 4, 1),
        pauses=[Pause("third_party", D(2025, 4, 8), D(2025, 4, 22), "征求第三方意见")],
    ).explain()
    assert "10个工作日不计入答复期限" in text and "条例第三十三条第三款" in text


def test_an_administrators_override_moves_the_deadline():
    # 2025-10-30 declared a rest day (as an administrator would after a late notice): the deadline moves on.
    calendar = WorkdayCalendar({D(2025, 10, 30): DayOverride(False, "临时调整")})
    assert reply_deadline(calendar, received_on=D(2025, 9, 26)).date == D(2025, 10, 31)


def test_a_year_without_official_holidays_is_flagged_unverified():
    deadline = reply_deadline(CALENDAR, received_on=D(2027, 3, 1))
    assert deadline.date is not None and not deadline.verified
    assert "尚未核实" in deadline.explain()


@pytest.mark.parametrize(
    ("due", "today", "state"),
    [
        (D(2025, 10, 30), D(2025, 10, 31), "overdue"),
        (D(2025, 10, 30), D(2025, 10, 30), "due_soon"),
        (D(2025, 10, 30), D(2025, 10, 23), "due_soon"),
        (D(2025, 10, 30), D(2025, 10, 22), ""),
        (None, D(2025, 10, 22), ""),
    ],
)
def test_alert_states_follow_the_working_days_left(due, today, state):
    assert alert_state(CALENDAR, due, today) == state
