"""Reading the visit statistics: the annual report's figures, the series and the top pages and searches."""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from gongkai.analytics.models import DailyCount, DailyPageCount, DailySearchCount
from gongkai.core.stats import Cell


def _ids(agencies: Iterable) -> list[int]:
    return [getattr(a, "pk", a) for a in agencies]


def days_counted(year: int, today: dt.date | None = None) -> int:
    """Days of `year` that have passed (the whole year once it is over): the divisor of a daily average."""
    today = today or timezone.localdate()
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if today < start:
        return 0
    return (min(end, today) - start).days + 1


def analytics_site_totals(*, agencies, year: int) -> dict[str, Cell]:
    """Section 一(四) of the annual report: visits, page views, average daily visitors, new visitors.

    Counted over the portal sections of `agencies` from the daily roll-ups. A visitor is unique per day and
    per agency section; daily_visitors is the sum of the days' unique visitors divided by the days of the
    year (so far, for the current year).
    """
    ids = _ids(agencies)
    rows = DailyCount.objects.filter(agency_id__in=ids, day__year=year)
    sums = rows.aggregate(
        visits=Sum("visits"), page_views=Sum("page_views"), visitors=Sum("visitors"), new=Sum("new_visitors")
    )
    days = days_counted(year)
    source = f"analytics.DailyCount, agencies {ids}, {year}"
    model = "analytics.dailycount"
    return {
        "site_visits": Cell(sums["visits"] or 0, model, (), f"{source}: sum of visits"),
        "site_page_views": Cell(sums["page_views"] or 0, model, (), f"{source}: sum of page views"),
        "daily_visitors": Cell(
            round((sums["visitors"] or 0) / days) if days else 0,
            model,
            (),
            f"{source}: sum of daily unique visitors / {days} days",
        ),
        "new_visitors": Cell(sums["new"] or 0, model, (), f"{source}: sum of new visitors"),
    }


def analytics_totals(*, agencies, start: dt.date, end: dt.date) -> dict[str, int]:
    sums = DailyCount.objects.filter(agency_id__in=_ids(agencies), day__range=(start, end)).aggregate(
        visits=Sum("visits"), page_views=Sum("page_views"), visitors=Sum("visitors"), new_visitors=Sum("new_visitors")
    )
    return {key: value or 0 for key, value in sums.items()}


def analytics_monthly(*, agencies, start: dt.date, end: dt.date) -> list[Mapping[str, Any]]:
    """Visits and page views per month, for the bar chart."""
    rows = (
        DailyCount.objects.filter(agency_id__in=_ids(agencies), day__range=(start, end))
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(visits=Sum("visits"), page_views=Sum("page_views"), visitors=Sum("visitors"))
        .order_by("month")
    )
    return list(rows)


def analytics_top_pages(*, agencies, start: dt.date, end: dt.date, limit: int = 10) -> list[Mapping[str, Any]]:
    return list(
        DailyPageCount.objects.filter(agency_id__in=_ids(agencies), day__range=(start, end))
        .values("path")
        .annotate(page_views=Sum("page_views"))
        .order_by("-page_views", "path")[:limit]
    )


def analytics_top_searches(*, agencies, start: dt.date, end: dt.date, limit: int = 10) -> list[Mapping[str, Any]]:
    return list(
        DailySearchCount.objects.filter(agency_id__in=_ids(agencies), day__range=(start, end))
        .values("term")
        .annotate(searches=Sum("searches"))
        .order_by("-searches", "term")[:limit]
    )


def analytics_visits_by_agency(*, agencies, start: dt.date, end: dt.date) -> list[Mapping[str, Any]]:
    """Visits and page views per agency section, most visited first."""
    return list(
        DailyCount.objects.filter(agency_id__in=_ids(agencies), day__range=(start, end))
        .values("agency", "agency__name")
        .annotate(visits=Sum("visits"), page_views=Sum("page_views"))
        .order_by("-visits", "agency__name")
    )


def analytics_daily(*, agencies, start: dt.date, end: dt.date) -> list[Mapping[str, Any]]:
    """Per day: visits, page views, unique visitors and new visitors of the sections, oldest first."""
    return list(
        DailyCount.objects.filter(agency_id__in=_ids(agencies), day__range=(start, end))
        .values("day")
        .annotate(
            visits=Sum("visits"),
            page_views=Sum("page_views"),
            visitors=Sum("visitors"),
            new_visitors=Sum("new_visitors"),
        )
        .order_by("day")
    )
