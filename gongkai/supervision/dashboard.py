"""The supervisor's dashboard: the state of a supervising agency's whole subtree at a glance.

Reads only selectors and access functions; each figure links to the records behind it.
"""

import datetime as dt
from collections import Counter

from django.db.models import Count

from gongkai.analytics.selectors import analytics_visits_by_agency
from gongkai.applications.access import applications_visible_to
from gongkai.applications.selectors import application_queue
from gongkai.catalogue.access import items_visible_to
from gongkai.catalogue.selectors import catalogue_published_with_personal_data, catalogue_review_backlog
from gongkai.supervision.access import (
    inspection_problems_visible_to,
    new_media_accounts_visible_to,
    training_sessions_visible_to,
)
from gongkai.supervision.annual_reports import annual_reports_not_published_in_time
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


# The catalogue's dashboard cells, by the key used in the drill-down URL.
CATALOGUE_CELLS = {
    "review-backlog": catalogue_review_backlog,
    "personal-data": catalogue_published_with_personal_data,
}


def catalogue_records(*, kind: str, agencies, user) -> tuple:
    """The items behind one catalogue cell, as the user may see them, and their count per agency (for bars)."""
    cell = CATALOGUE_CELLS[kind](agencies=list(agencies))
    items = items_visible_to(user).filter(pk__in=cell.ids).select_related("agency").order_by("agency__path", "pk")
    per_agency = Counter((item.agency_id, item.agency.name) for item in items)
    rows = with_pct([{"agency": a, "name": n, "count": c} for (a, n), c in per_agency.most_common()], "count")
    return items, rows


# Application alert states of the queue (set by the applications app's clock worker), by drill-down key.
APPLICATION_STATES = ("due_soon", "overdue")


def applications_alerted(*, state: str, agencies, user):
    """Open applications of the subtree that are due soon or overdue, by deadline."""
    return application_queue(applications_visible_to(user).filter(agency__in=list(agencies)), state=state)


def applications_alert_rows(*, agencies, user) -> list[dict]:
    """Per agency: applications due soon and overdue, most overdue first, for the bar chart."""
    counts: dict[tuple[int, str], dict] = {}
    for state in APPLICATION_STATES:
        for agency_id, name in applications_alerted(state=state, agencies=agencies, user=user).values_list(
            "agency_id", "agency__name"
        ):
            row = counts.setdefault((agency_id, name), {"agency": agency_id, "name": name, "due_soon": 0, "overdue": 0})
            row[state] += 1
    rows = sorted(counts.values(), key=lambda r: (-r["overdue"], -r["due_soon"], r["name"]))
    top = max((r["overdue"] + r["due_soon"] for r in rows), default=0) or 1
    return [
        {**r, "overdue_pct": round(100 * r["overdue"] / top, 1), "due_soon_pct": round(100 * r["due_soon"] / top, 1)}
        for r in rows
    ]


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
        "applications_due_soon": applications_alerted(state="due_soon", agencies=agencies, user=user).count(),
        "applications_overdue": applications_alerted(state="overdue", agencies=agencies, user=user).count(),
        "application_rows": applications_alert_rows(agencies=agencies, user=user)[:10],
        "reports_not_in_time": len(annual_reports_not_published_in_time(agencies=agencies, today=today)),
        "review_backlog": catalogue_review_backlog(agencies=agencies).value,
        "personal_data": catalogue_published_with_personal_data(agencies=agencies).value,
        "visit_rows": with_pct(analytics_visits_by_agency(agencies=agencies, start=start, end=today)[:10], "visits"),
    }
