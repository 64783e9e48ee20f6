"""Reading imported reports (年报审查): who sees which, their figures for continuity, the supervisor's overview."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404

from gongkai.accounts.access import agencies_visible_to
from gongkai.agencies.models import Agency
from gongkai.agencies.selectors import agency_subtree
from gongkai.annual_reports.figures import ReportFigures
from gongkai.annual_reports.intake.result import ParsedReport, parsed_from_json
from gongkai.annual_reports.models import AnnualReport, ImportedReport, ImportedReportVersion, ReportScope


def imported_reports_visible_to(user) -> QuerySet[ImportedReport]:
    """Confirmed reports of the agencies the user may see, and the user's own unconfirmed uploads."""
    from django.db.models import Q

    return ImportedReport.objects.filter(
        Q(agency__in=agencies_visible_to(user), confirmed=True) | Q(confirmed=False, created_by=user)
    ).select_related("agency")


def imported_report_get_for_user(user, pk) -> ImportedReport:
    report = imported_reports_visible_to(user).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def imported_latest_version(report: ImportedReport) -> ImportedReportVersion | None:
    return report.versions.order_by("-number").first()


def version_parsed(version: ImportedReportVersion) -> ParsedReport:
    return parsed_from_json(version.parsed, version.text)


def imported_figures(*, agency: Agency, year: int) -> ReportFigures | None:
    """The latest version's figures of the agency's confirmed imported report for the year, if there is one."""
    version = (
        ImportedReportVersion.objects.filter(report__agency=agency, report__year=year, report__confirmed=True)
        .order_by("-number")
        .first()
    )
    if version is None or version.unreadable:
        return None
    return version_parsed(version).figures()


# ------------------------------------------------------------------------------------------ overview
STATUS_MISSING = "missing"
STATUS_LABELS = {
    "missing": "缺报告",
    "unreadable": "无法读取",
    "error": "有错误",
    "warning": "有警告",
    "imported": "已导入（无问题）",
    "compiled": "平台编制",
}


@dataclass
class AuditCell:
    agency: Agency
    year: int
    status: str
    report: ImportedReport | None = None
    version: ImportedReportVersion | None = None
    compiled: AnnualReport | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


def audit_overview(*, agency: Agency, years: list[int]) -> list[tuple[Agency, list[AuditCell]]]:
    """Each agency of the subtree × each year: the imported report's status, or the report made here, or missing."""
    agencies = list(agency_subtree(agency).order_by("path"))
    versions: dict[tuple[int, int], ImportedReportVersion] = {}
    for version in (
        ImportedReportVersion.objects.filter(
            report__agency__in=agencies, report__year__in=years, report__confirmed=True
        )
        .select_related("report")
        .order_by("report_id", "number")
    ):
        versions[(version.report.agency_id, version.report.year)] = version  # the last is the newest
    compiled = {
        (r.agency_id, r.year): r
        for r in AnnualReport.objects.filter(agency__in=agencies, year__in=years, scope=ReportScope.AGENCY)
    }
    rows = []
    for member in agencies:
        cells = []
        for year in years:
            version = versions.get((member.pk, year))
            if version is not None:
                cells.append(
                    AuditCell(
                        member,
                        year,
                        version.status,
                        version.report,
                        version,
                        counts={"error": version.errors, "warning": version.warnings, "info": version.infos},
                    )
                )
            elif (member.pk, year) in compiled:
                cells.append(AuditCell(member, year, "compiled", compiled=compiled[(member.pk, year)]))
            else:
                cells.append(AuditCell(member, year, STATUS_MISSING))
        rows.append((member, cells))
    return rows


def audit_years(today: dt.date, count: int = 5) -> list[int]:
    """The report years a supervisor looks at: the last `count` full years, newest first."""
    return [today.year - i for i in range(1, count + 1)]
