"""`manage.py annual_report compile|check|export --agency SLUG --year YYYY`: the report from the command line.

When the agency has a saved report for the year, its text (and frozen figures, once approved) are used;
otherwise the figures are compiled from the records and the narrative drafted from them.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongkai.agencies.models import Agency
from gongkai.agencies.selectors import agency_report_name
from gongkai.annual_reports.exports import export_docx, export_json, export_pdf, export_xlsx
from gongkai.annual_reports.layout import format_value
from gongkai.annual_reports.models import AnnualReport, ReportScope
from gongkai.annual_reports.narrative import draft_section1, draft_section6
from gongkai.annual_reports.selectors import report_check, report_document, report_figures
from gongkai.annual_reports.services import default_preamble
from gongkai.annual_reports.structure import (
    SECTION1_FIGURES,
    SECTION2_CODES,
    TABLE2_COLUMN_CODES,
    TABLE2_ROWS,
    TABLE3_LABELS,
)

EXPORTERS = {"docx": export_docx, "pdf": export_pdf, "xlsx": export_xlsx, "json": export_json}


class Command(BaseCommand):
    help = "Compile, check or export an agency's annual report for a year (国办公开办函〔2021〕30号 format)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["compile", "check", "export"])
        parser.add_argument("--agency", required=True, help="the agency's URL code (slug), e.g. qdn")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--scope", choices=ReportScope.values, default=ReportScope.AGENCY)
        parser.add_argument("--format", choices=sorted(EXPORTERS), default="pdf", help="export format")
        parser.add_argument("--out", help="export file (default: annual-report-SLUG-YEAR.FORMAT)")

    def handle(self, *args, action, agency, year, scope, **options):
        try:
            agency_obj = Agency.objects.get(slug=agency)
        except Agency.DoesNotExist as exc:
            raise CommandError(f"没有网址代码为“{agency}”的机关") from exc
        report = AnnualReport.objects.filter(agency=agency_obj, year=year, scope=scope).first()
        if report is None:
            report = self._transient_report(agency_obj, year, scope)
        figures = report_figures(report)
        if action == "compile":
            self._print_figures(report, figures)
        elif action == "check":
            findings = report_check(report, figures)
            for finding in findings:
                self.stdout.write(f"[{finding.severity_label}] {finding.message}  {' '.join(finding.cells)}")
            errors = sum(1 for f in findings if f.severity == "error")
            self.stdout.write(f"{len(findings)} findings, {errors} errors")
            if errors:
                raise CommandError(f"{errors} 个错误 errors")
        else:
            fmt = options["format"]
            out = Path(options["out"] or f"annual-report-{agency}-{year}.{fmt}")
            out.write_bytes(EXPORTERS[fmt](report_document(report, figures)))
            self.stdout.write(self.style.SUCCESS(f"wrote {out}"))

    def _transient_report(self, agency: Agency, year: int, scope: str) -> AnnualReport:
        """An unsaved report with drafted text, so a command works before anyone has created the report."""
        report = AnnualReport(
            agency=agency, year=year, scope=scope, title=f"{agency_report_name(agency)}{year}年政府信息公开工作年度报告"
        )
        report.preamble = default_preamble(agency, year)
        figures = report_figures(report)
        for key, text in draft_section1(figures, agency_name=agency.name, year=year).items():
            setattr(report, key, text)
        report.other = draft_section6(figures, year=year)
        return report

    def _print_figures(self, report: AnnualReport, figures) -> None:
        write = self.stdout.write
        write(report.title)
        write("一、总体情况")
        for code, label in SECTION1_FIGURES:
            write(f"  {label}: {format_value(figures.s1(code).value)}")
        write("二、主动公开政府信息情况")
        for code in SECTION2_CODES:
            write(f"  {code}: {format_value(figures.s2(code).value)}")
        write("三、收到和处理政府信息公开申请情况  (" + " ".join(TABLE2_COLUMN_CODES) + ")")
        for row in TABLE2_ROWS:
            values = " ".join(str(figures.t2(row.code, col).value) for col in TABLE2_COLUMN_CODES)
            write(f"  {row.code:<7} {values}  {row.label}")
        write("四、政府信息公开行政复议、行政诉讼情况")
        write("  " + " ".join(str(figures.t3(code).value) for code in TABLE3_LABELS))
        write(f"六、信息处理费: {format_value(figures.fees_charged.value)} 元")
