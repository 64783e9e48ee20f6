"""Reading imported reports (年报审查): who sees which, their figures for continuity, the supervisor's overview."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

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
    "missing": _("缺报告"),
    "unreadable": _("无法读取"),
    "error": _("有错误"),
    "warning": _("有警告"),
    "imported": _("已导入（无问题）"),
    "compiled": _("平台编制"),
    "merged": _("合并报告"),
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
            elif member.reports_with_id:
                # A general office reporting with its government has no report of its own to miss.
                cells.append(AuditCell(member, year, "merged"))
            else:
                cells.append(AuditCell(member, year, STATUS_MISSING))
        rows.append((member, cells))
    return rows


def audit_years(today: dt.date, count: int = 5) -> list[int]:
    """The report years a supervisor looks at: the last `count` full years, newest first."""
    return [today.year - i for i in range(1, count + 1)]


# ------------------------------------------------------------------------------------------ comparison
@dataclass
class YearSource:
    """One year's report for comparison: made here, or imported (its latest version)."""

    year: int
    figures: ReportFigures | None
    section1: str
    label: str
    url: str = ""


def year_source(*, agency: Agency, year: int) -> YearSource:
    from django.urls import reverse

    from gongkai.annual_reports.selectors import report_figures

    report = AnnualReport.objects.filter(agency=agency, year=year, scope=ReportScope.AGENCY).first()
    if report is not None:
        text = "\n".join(report.section1_texts().values())
        return YearSource(
            year, report_figures(report), text, "平台编制", reverse("annual_reports:detail", args=[report.pk])
        )
    version = (
        ImportedReportVersion.objects.filter(report__agency=agency, report__year=year, report__confirmed=True)
        .order_by("-number")
        .first()
    )
    if version is not None and not version.unreadable:
        parsed = version_parsed(version)
        return YearSource(
            year,
            parsed.figures(),
            parsed.section1_text,
            str(_("导入（第%(n)s版）") % {"n": version.number}),
            reverse("annual_reports:import_detail", args=[version.report_id]),
        )
    return YearSource(year, None, "", str(_("缺报告")))


KEY_FIGURES = [
    ("3.R1.total", _("本年新收申请")),
    ("3.R2.total", _("上年结转")),
    ("3.R3.1.total", _("予以公开")),
    ("3.R3.2.total", _("部分公开")),
    ("3.R3.3", _("不予公开")),
    ("3.R3.4", _("无法提供")),
    ("3.R3.5", _("不予处理")),
    ("3.R3.6", _("其他处理")),
    ("3.R3.7.total", _("办理结果总计")),
    ("3.R4.total", _("结转下年度")),
    ("4.C5", _("行政复议总计")),
    ("4.C10", _("直接起诉总计")),
    ("4.C15", _("复议后起诉总计")),
    ("2.normative.issued", _("本年制发行政规范性文件")),
    ("2.licensing", _("行政许可决定")),
    ("2.penalty", _("行政处罚决定")),
]


def key_figure(figures: ReportFigures | None, address: str):
    """A key figure: a cell, or a group of 表三 rows (`3.R3.3` = all （三）不予公开 rows), `None` if unknown."""
    if figures is None:
        return None
    if address.count(".") == 1 and address.startswith("3."):
        prefix = address[2:] + "."
        rows = [r for r in figures.section3 if r.startswith(prefix) or r == address[2:]]
        values = [figures.section3[r]["total"].value for r in rows if "total" in figures.section3[r]]
        return None if not values or any(v is None for v in values) else sum(values)
    section, _, rest = address.partition(".")
    if section == "3":
        row, _, col = rest.rpartition(".")
        return figures.t2(row, col).value if row in figures.section3 else None
    if section == "4":
        return figures.t3(rest).value if rest in figures.section4 else None
    return figures.s2(rest).value if rest in figures.section2 else None


def compare_years(*, agency: Agency, year_a: int, year_b: int) -> dict:
    """Key figures of two years with their change, and section 一's paragraphs added, removed and changed."""
    import difflib

    a, b = year_source(agency=agency, year=year_a), year_source(agency=agency, year=year_b)
    rows = []
    for address, label in KEY_FIGURES:
        va, vb = key_figure(a.figures, address), key_figure(b.figures, address)
        change = vb - va if va is not None and vb is not None else None
        rows.append({"label": label, "a": va, "b": vb, "change": change})
    paragraphs_a = [p.strip() for p in a.section1.split("\n") if p.strip()]
    paragraphs_b = [p.strip() for p in b.section1.split("\n") if p.strip()]
    diff = []
    matcher = difflib.SequenceMatcher(a=paragraphs_a, b=paragraphs_b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if op == "replace":
            for k in range(max(i2 - i1, j2 - j1)):
                old = paragraphs_a[i1 + k] if i1 + k < i2 else ""
                new = paragraphs_b[j1 + k] if j1 + k < j2 else ""
                diff.append({"kind": "changed" if old and new else ("removed" if old else "added"), "a": old, "b": new})
        elif op == "delete":
            diff += [{"kind": "removed", "a": p, "b": ""} for p in paragraphs_a[i1:i2]]
        else:
            diff += [{"kind": "added", "a": "", "b": p} for p in paragraphs_b[j1:j2]]
    return {"a": a, "b": b, "rows": rows, "paragraphs": diff}
