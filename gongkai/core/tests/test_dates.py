import datetime as dt

from gongkai.core.dates import chinese_date


def test_a_month_and_a_day_are_written_without_a_leading_zero():
    """GB/T 9704-2012 7.3.5.5: 月、日不编虚位 — as the seed report writes 2024年1月1日."""
    assert chinese_date(dt.date(2027, 1, 4)) == "2027年1月4日"
    assert chinese_date(dt.date(2024, 12, 31)) == "2024年12月31日"
