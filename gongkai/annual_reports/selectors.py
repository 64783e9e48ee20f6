"""Reading annual reports: who sees which, their figures (frozen or live), checks, differences, roll-up status."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from gongkai.accounts.access import agencies_visible_to
from gongkai.agencies.models import Agency
from gongkai.agencies.selectors import agency_report_members, agency_subtree
from gongkai.annual_reports.checks import CheckContext, Finding, ReportText, run_checks
from gongkai.annual_reports.figures import ReportFigures, cell_address_label
from gongkai.annual_reports.models import AnnualReport, ReportScope, ReportStatus
from gongkai.annual_reports.sources import compile_applications_table, compile_figures


def report_agencies(agency: Agency, scope: str) -> list[Agency]:
    """The agencies whose records a report counts: itself and its joint reporters, or its whole subtree."""
    if scope == ReportScope.ROLLUP:
        return list(agency_subtree(agency).filter(is_active=True))
    return agency_report_members(agency)


def report_figures_compile(*, agency: Agency, year: int, scope: str = ReportScope.AGENCY) -> ReportFigures:
    return compile_figures(agencies=report_agencies(agency, scope), year=year)


def report_figures(report: AnnualReport) -> ReportFigures:
    """The frozen figures of an approved or published report; live figures of a draft."""
    if report.snapshot is not None:
        return ReportFigures.from_json(report.snapshot)
    return report_figures_compile(agency=report.agency, year=report.year, scope=report.scope)


def report_text(report: AnnualReport) -> ReportText:
    return ReportText(
        section1=report.section1_texts(),
        problems=report.problems,
        improvements=report.improvements,
        other=report.other,
    )


def report_previous_figures(report: AnnualReport) -> ReportFigures | None:
    """Last year's figures: its saved report (frozen if approved), or else its table 三 from the records."""
    previous = AnnualReport.objects.filter(agency=report.agency, year=report.year - 1, scope=report.scope).first()
    if previous is not None:
        return report_figures(previous)
    from gongkai.annual_reports.intake_selectors import imported_figures

    imported = imported_figures(agency=report.agency, year=report.year - 1)
    if imported is not None and report.scope == ReportScope.AGENCY:
        return imported
    return compile_applications_table(agencies=report_agencies(report.agency, report.scope), year=report.year - 1)


def previous_year_figures(agency: Agency, year: int) -> ReportFigures | None:
    """The figures of the agency's report for the year before `year`: its report made here (frozen if approved),
    or else the latest version of an imported report, so an agency new to the platform is checked against its
    last published report. `None` when there is neither."""
    previous = AnnualReport.objects.filter(agency=agency, year=year - 1, scope=ReportScope.AGENCY).first()
    if previous is not None:
        return report_figures(previous)
    from gongkai.annual_reports.intake_selectors import imported_figures

    return imported_figures(agency=agency, year=year - 1)


def report_check(report: AnnualReport, figures: ReportFigures | None = None) -> list[Finding]:
    figures = figures or report_figures(report)
    return run_checks(CheckContext(figures, report_text(report), report_previous_figures(report)))


@dataclass(frozen=True)
class Difference:
    address: str
    label: str
    frozen: object
    current: object


def report_differences(report: AnnualReport) -> list[Difference]:
    """Cells whose records changed since the figures were frozen (empty for a draft)."""
    if report.snapshot is None:
        return []
    frozen = ReportFigures.from_json(report.snapshot).values()
    current = report_figures_compile(agency=report.agency, year=report.year, scope=report.scope).values()
    return [
        Difference(address, cell_address_label(address), frozen[address], current[address])
        for address in frozen
        if str(frozen[address]) != str(current[address])
    ]


# -------------------------------------------------------------------------------------------- access
def reports_visible_to(user) -> QuerySet[AnnualReport]:
    return AnnualReport.objects.filter(agency__in=agencies_visible_to(user)).select_related("agency")


def report_readable_agency_ids(user) -> set[int]:
    """The agencies whose reports' back-office pages the user may open (a list links only those)."""
    return set(agencies_visible_to(user).values_list("pk", flat=True))


def report_get_for_user(user, pk) -> AnnualReport:
    report = reports_visible_to(user).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def reports_published() -> QuerySet[AnnualReport]:
    return AnnualReport.objects.filter(status=ReportStatus.PUBLISHED).select_related("agency")


@dataclass(frozen=True)
class SubordinateReport:
    """One subordinate agency on the portal's report page, with its published report of the year or None."""

    agency: Agency
    report: AnnualReport | None


def subordinate_report_years(agency: Agency) -> list[int]:
    """The years, newest first, in which any agency directly under `agency` published its own report."""
    return list(
        reports_published()
        .filter(agency__parent=agency, scope=ReportScope.AGENCY)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


def subordinates_reporting(agency: Agency) -> QuerySet[Agency]:
    """The active agencies directly under `agency` that publish a report of their own (条例 第四十九条): one that
    reports jointly with another (the general office with its government) is not among them."""
    return agency.children.filter(is_active=True, reports_with__isnull=True).order_by("sort_order", "id")


def subordinate_reports(agency: Agency, year: int) -> list[SubordinateReport]:
    """Each of `subordinates_reporting(agency)` with its published report of `year`, or None."""
    children = list(subordinates_reporting(agency))
    published = {
        r.agency_id: r for r in reports_published().filter(agency__in=children, year=year, scope=ReportScope.AGENCY)
    }
    return [SubordinateReport(child, published.get(child.pk)) for child in children]


def report_page_name(kwargs: dict) -> str | None:
    """A published report's page in 访问统计's 热门页面: its title (gongkai/core/registry.py, register_page_names)."""
    return (
        AnnualReport.objects.filter(agency__slug=kwargs["slug"], year=kwargs["year"], scope=ReportScope.AGENCY)
        .values_list("title", flat=True)
        .first()
    )


# ------------------------------------------------------------------------------------- roll-up status
@dataclass(frozen=True)
class SubordinateStatus:
    agency: Agency
    report: AnnualReport | None
    deadline: dt.date
    published_on_time: bool
    overdue: bool
    errors: int
    warnings: int


def rollup_status(*, agency: Agency, year: int, today: dt.date) -> list[SubordinateStatus]:
    """条例 第四十九条: which agencies below `agency` published their `year` report by the deadline, and checks."""
    rows = []
    reports = {
        r.agency_id: r
        for r in AnnualReport.objects.filter(
            agency__in=agency_subtree(agency, include_self=False), year=year, scope=ReportScope.AGENCY
        ).select_related("agency")
    }
    for sub in agency_subtree(agency, include_self=False).filter(is_active=True, reports_with__isnull=True):
        report = reports.get(sub.pk)
        probe = report or AnnualReport(agency=sub, year=year)
        deadline = probe.publication_deadline()
        published = report is not None and report.status == ReportStatus.PUBLISHED
        on_time = (
            published
            and report is not None
            and report.published_at is not None
            and report.published_at.date() <= deadline
        )
        findings = report_check(report) if report is not None else []
        rows.append(
            SubordinateStatus(
                agency=sub,
                report=report,
                deadline=deadline,
                published_on_time=on_time,
                overdue=not published and today > deadline,
                errors=sum(1 for f in findings if f.severity == "error"),
                warnings=sum(1 for f in findings if f.severity == "warning"),
            )
        )
    return rows


def report_document(report: AnnualReport, figures: ReportFigures | None = None):
    """The report as the exports and the portal page render it."""
    from gongkai.annual_reports.exports import ReportDocument

    return ReportDocument(
        title=report.title,
        agency=report.agency.name,
        year=report.year,
        preamble=report.preamble,
        section1=report.section1_texts(),
        figures=figures or report_figures(report),
        problems=report.problems,
        improvements=report.improvements,
        other=report.other,
        published_at=report.published_at.date().isoformat() if report.published_at else "",
        corrections=[(c.created_at.date().isoformat(), c.note) for c in report.corrections.all()] if report.pk else [],
    )


def report_cell(report: AnnualReport, address: str):
    """The Cell behind one address of a report, for the drill-down page (None if the address is unknown)."""
    figures = report_figures(report)
    section, _, rest = address.partition(".")
    if section == "1":
        return figures.section1.get(rest)
    if section == "2":
        return figures.section2.get(rest)
    if section == "3":
        row, _, col = rest.rpartition(".")
        return figures.section3.get(row, {}).get(col)
    if section == "4":
        return figures.section4.get(rest)
    if section == "6":
        return figures.fees_charged
    return None
