"""Dates as Chinese official writing gives them."""

import datetime as dt


def chinese_date(day: dt.date) -> str:
    """年月日 as official documents write them: the year in full, the month and day without a leading zero
    (GB/T 9704-2012《党政机关公文格式》7.3.5.5: 月、日不编虚位, 1 is not written 01): 2027年1月4日."""
    return f"{day.year}年{day.month}月{day.day}日"
