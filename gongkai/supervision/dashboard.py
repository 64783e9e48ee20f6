"""The supervisor's dashboard: the state of a supervising agency's whole subtree at a glance.

Reads only selectors and access functions; each figure links to the records behind it.
"""

import datetime as dt

from django.db.models import Count

from gongkai.analytics.selectors import analytics_visits_by_agency
from gongkai.supervision.access import (
    inspection_problems_visible_to,
    new_media_accounts_visible_to,
    training_sessions_visible_to,
)
from gongkai.supervision.selectors import (
    problems_by_status,
    problems_open,
    problems_overdue,
    site_check_findings,
    site_check_latest_run,
    stale_new_media_accounts,
)


def with_pct(rows: list[dict], key: str) -> list[dict]:
    """Each row's value as a share of the largest, for the bar charts."""
    top = max((r[key] for r in rows), default=0) or 1
    return [{**r, "pct": round(100 * r[key] / top, 1)} for r in rows]


def supervision_overview(*, agencies, user, today: dt.date) -> dict:
    agencies = list(agencies)
    problems = inspection_problems_visible_to(user).filter(responsible_agency__in=agencies)
    accounts = new_media_accounts_visible_to(user).filter(agency__in=agencies)
    stale = stale_new_media_accounts(accounts, today).select_related("agency").order_by("last_updated_on", "pk")
    run = site_check_latest_run()
    by_agency = (
        problems_open(problems)
        .values("responsible_agency", "responsible_agency__name")
        .annotate(count=Count("id"))
        .order_by("-count", "responsible_agency__name")[:10]
    )
    start = dt.date(today.year, 1, 1)
    return {
        "today": today,
        "agency_count": len(agencies),
        "open_problems": problems_open(problems).count(),
        "overdue_problems": problems_overdue(problems, today).count(),
        "status_rows": with_pct(
            [{"status": s, "label": label, "count": n} for s, label, n in problems_by_status(problems)], "count"
        ),
        "agency_rows": with_pct(list(by_agency), "count"),
        "stale_accounts": stale[:10],
        "stale_count": stale.count(),
        "account_count": accounts.filter(is_active=True).count(),
        "training_this_year": training_sessions_visible_to(user)
        .filter(agency__in=agencies, held_on__gte=start)
        .count(),
        "site_run": run,
        "site_findings": site_check_findings(run, agencies).count(),
        "visit_rows": with_pct(analytics_visits_by_agency(agencies=agencies, start=start, end=today)[:10], "visits"),
    }
