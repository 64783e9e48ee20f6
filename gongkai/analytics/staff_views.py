"""Back office: the visit statistics of the agencies the user may see."""

import datetime as dt

from django.shortcuts import render
from django.utils import timezone

from gongkai.accounts.access import agencies_visible_to
from gongkai.accounts.staff import staff_view
from gongkai.agencies.selectors import agency_subtree
from gongkai.analytics.forms import AnalyticsFilterForm
from gongkai.analytics.pages import pages_named
from gongkai.analytics.selectors import (
    analytics_daily,
    analytics_monthly,
    analytics_top_pages,
    analytics_top_searches,
    analytics_totals,
    days_counted,
)


def column_chart(days: list[dict], key: str) -> list[dict]:
    """Days with `height` (share of the busiest day, 0-100) and `y` for a server-rendered SVG column chart."""
    top = max((d[key] for d in days), default=0) or 1
    return [{**d, "height": round(100 * d[key] / top, 1), "y": round(100 - 100 * d[key] / top, 1)} for d in days]


def bar_rows(rows: list[dict], key: str) -> list[dict]:
    """Rows with `pct`, their value as a share of the largest, for the server-rendered bars."""
    top = max((r[key] for r in rows), default=0) or 1
    return [{**r, "pct": round(100 * r[key] / top, 1)} for r in rows]


@staff_view
def overview(request):
    visible = agencies_visible_to(request.user).filter(is_active=True).order_by("path")
    data = request.GET.copy()
    data.setdefault("agency", str(request.agency.pk) if request.agency else "")
    data.setdefault("year", str(timezone.localdate().year))
    form = AnalyticsFilterForm(data, agencies=visible)
    context = {"form": form}
    if form.is_valid():
        agency, year = form.cleaned_data["agency"], form.cleaned_data["year"]
        # Only what the user may see: the subtree is cut to the visible agencies.
        agencies = (
            list(agency_subtree(agency).filter(pk__in=visible)) if form.cleaned_data["include_subtree"] else [agency]
        )
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        totals = analytics_totals(agencies=agencies, start=start, end=end)
        daily = analytics_daily(agencies=agencies, start=start, end=end)
        days = days_counted(year)
        context.update(
            agency=agency,
            year=year,
            agencies=agencies,
            totals=totals,
            daily_visitors=round(totals["visitors"] / days) if days else 0,
            daily=column_chart(daily, "visitors"),
            recent_days=list(reversed(daily[-14:])),
            months=bar_rows(analytics_monthly(agencies=agencies, start=start, end=end), "visits"),
            pages=bar_rows(
                pages_named(analytics_top_pages(agencies=agencies, start=start, end=end), agency=agency), "page_views"
            ),
            searches=bar_rows(analytics_top_searches(agencies=agencies, start=start, end=end), "searches"),
        )
    return render(request, "analytics/overview.html", context)
