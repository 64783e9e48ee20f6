"""Article 49: is each agency's annual report on the portal by its deadline?

条例 第四十九条: departments of governments at county level and above publish the previous year's report by
31 January; a government's report is published by 31 March (by its disclosure competent department).

The report counts as published when the agency has a published catalogue item in its 政府信息公开年报 column
(category `reports`) whose title names the year (“2024年”). This reads the catalogue, below this app; the
annual-report app sits at the top of the dependency order and is not read here. Only agencies that publish
on this platform (that have set up their catalogue) are checked; a general office that reports together
with its government (`reports_with`) is covered by the government's report. Townships are treated as
governments (31 March) — the Regulations name only county level and above, and provinces' practice varies.
"""

import datetime as dt
from dataclasses import dataclass

from gongkai.agencies.models import Agency, AgencyKind
from gongkai.catalogue.access import items_published
from gongkai.catalogue.models import Category, Item

REPORTS_CATEGORY = "reports"


def report_deadline(agency: Agency, year: int) -> dt.date:
    """The Article 49 deadline for `agency`'s report on `year`."""
    if agency.kind in (AgencyKind.GOVERNMENT, AgencyKind.TOWNSHIP):
        return dt.date(year + 1, 3, 31)
    return dt.date(year + 1, 1, 31)


def latest_year_due(agency: Agency, today: dt.date) -> int:
    """The latest report year whose deadline has passed on `today`."""
    year = today.year - 1
    return year if today > report_deadline(agency, year) else year - 1


@dataclass(frozen=True)
class ReportCheck:
    agency: Agency
    year: int
    deadline: dt.date
    item: Item | None  # the report as published (possibly late), or None when it is not on the portal

    @property
    def is_late(self) -> bool:
        return self.item is not None and self.item.published_at.date() > self.deadline


def annual_reports_not_published_in_time(*, agencies, today: dt.date) -> list[ReportCheck]:
    """Agencies whose report for the latest year due was missing or published after the deadline."""
    with_catalogue = set(Category.objects.filter(agency__in=list(agencies)).values_list("agency_id", flat=True))
    checks = []
    for agency in Agency.objects.filter(pk__in=with_catalogue, is_active=True, reports_with__isnull=True).order_by(
        "path"
    ):
        year = latest_year_due(agency, today)
        deadline = report_deadline(agency, year)
        item = (
            items_published()
            .filter(agency=agency, category__code=REPORTS_CATEGORY, title__contains=f"{year}年")
            .order_by("published_at")
            .first()
        )
        if item is None or item.published_at.date() > deadline:
            checks.append(ReportCheck(agency, year, deadline, item))
    return checks
