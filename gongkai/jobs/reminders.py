"""Reminders to agencies that the worker sends on its own: the Article 49 annual report and overdue rectification.

Each writes notices into the outbox with a key naming the agency, year or problem and the person, so a daily
job that runs again (or is retried) reminds each person once per occasion.
"""

import datetime as dt

from django.db import transaction

from gongkai.accounts.models import Role, User
from gongkai.agencies.models import Agency
from gongkai.annual_reports.models import AnnualReport, ReportScope, ReportStatus
from gongkai.core.dates import chinese_date
from gongkai.notices.services import notice_queue
from gongkai.supervision.annual_reports import report_deadline
from gongkai.supervision.models import InspectionProblem
from gongkai.supervision.selectors import problems_overdue

# 条例 第四十九条: the warning goes out this long before the deadline.
ANNUAL_REPORT_WARNING = dt.timedelta(days=14)


def _people(agency: Agency, *roles: str) -> list[User]:
    return list(
        User.objects.filter(is_active=True, roles__agency=agency, roles__role__in=roles)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def annual_report_reminders_send(*, today: dt.date) -> int:
    """条例 第四十九条: warn agencies two weeks before their deadline, and tell those past it that they are late.

    Departments publish last year's report by 31 January, governments by 31 March (supervision.report_deadline).
    An agency whose report is joined to another's (reports_with) is reminded through that one.
    """
    year = today.year - 1
    published = set(
        AnnualReport.objects.filter(year=year, scope=ReportScope.AGENCY, status=ReportStatus.PUBLISHED).values_list(
            "agency_id", flat=True
        )
    )
    queued = 0
    for agency in Agency.objects.filter(is_active=True, reports_with__isnull=True).order_by("path"):
        if agency.pk in published:
            continue
        deadline = report_deadline(agency, year)
        if deadline - ANNUAL_REPORT_WARNING <= today <= deadline:
            event = "annual_report.due_soon"
        elif today > deadline:
            event = "annual_report.overdue"
        else:
            continue
        with transaction.atomic():
            for person in _people(agency, Role.AGENCY_ADMIN, Role.APPROVER):
                notice = notice_queue(
                    event=event, channel="email", recipient=person.email, user=person, agency=agency,
                    values={"year": year, "deadline": chinese_date(deadline)},
                    object_label=f"{year}年度报告", key=f"{event}:{agency.pk}:{year}:{person.pk}",
                )  # fmt: skip
                queued += notice is not None
    return queued


def inspection_reminders_send(*, today: dt.date) -> int:
    """条例 第四十七条: a problem not rectified by its deadline; the responsible agency's administrators hear of it."""
    problems = problems_overdue(InspectionProblem.objects.all(), today).select_related(
        "inspection", "inspection__agency", "responsible_agency"
    )
    queued = 0
    for problem in problems:
        with transaction.atomic():
            for person in _people(problem.responsible_agency, Role.AGENCY_ADMIN):
                notice = notice_queue(
                    event="inspection.overdue", channel="email", recipient=person.email, user=person,
                    agency=problem.responsible_agency, obj=problem, object_label=str(problem)[:200],
                    values={"inspected": problem.responsible_agency.name, "title": problem.inspection.title,
                            "due": chinese_date(problem.deadline)},
                    key=f"inspection.overdue:{problem.pk}:{problem.deadline}:{person.pk}",
                )  # fmt: skip
                queued += notice is not None
    return queued
