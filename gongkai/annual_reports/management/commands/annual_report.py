"""`manage.py annual_report compile|check|export --agency SLUG --year YYYY`: the report from the command line.

When the agency has a saved report for the year, its text (and frozen figures, once approved) are used;
otherwise the figures are compiled from the records and the narrative drafted from them.

`manage.py annual_report audit PATH... [--agency SLUG] [--year N] [--json]` reads report files made anywhere
(text, HTML, DOCX, PDF, our JSON export, or a zip of them) and checks them without storing anything; `--json`
prints one audit record per file and line (the stable interface in docs/annual-report.md).
"""

import json
import sys
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
        parser.add_argument("action", choices=["compile", "check", "export", "audit"])
        parser.add_argument("paths", nargs="*", help="audit: report files or zips ('-' reads standard input)")
        parser.add_argument("--agency", help="the agency's URL code (slug), e.g. qdn")
        parser.add_argument("--year", type=int)
        parser.add_argument("--json", action="store_true", help="audit: one JSON record per file and line")
        parser.add_argument("--scope", choices=ReportScope.values, default=ReportScope.AGENCY)
        parser.add_argument("--format", choices=sorted(EXPORTERS), default="pdf", help="export format")
        parser.add_argument("--out", help="export file (default: annual-report-SLUG-YEAR.FORMAT)")

    def handle(self, *args, action, agency, year, scope, **options):
        if action == "audit":
            self._audit(options["paths"], agency, year, as_json=options["json"])
            return
        if not agency or not year:
            raise CommandError("compile、check、export 需要 --agency 和 --year")
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

    def _audit(self, paths: list[str], agency_slug: str | None, year: int | None, *, as_json: bool) -> None:
        from gongkai.annual_reports.intake import read_upload
        from gongkai.annual_reports.intake.audit import audit_parsed, audit_record
        from gongkai.annual_reports.selectors import previous_year_figures

        if not paths:
            raise CommandError("audit 需要至少一个文件路径")
        agency_obj = None
        if agency_slug:
            agency_obj = Agency.objects.filter(slug=agency_slug).first()
            if agency_obj is None:
                raise CommandError(f"没有网址代码为“{agency_slug}”的机关")
        for path in paths:
            if path == "-":
                data = sys.stdin.buffer.read()
            else:
                file = Path(path)
                if not file.is_file():
                    raise CommandError(f"找不到文件：{path}")
                data = file.read_bytes()
            for name, parsed in read_upload(path, data):
                report_year = year or parsed.year
                previous = (
                    previous_year_figures(agency_obj, report_year) if agency_obj is not None and report_year else None
                )
                findings = audit_parsed(parsed, year=report_year, previous=previous)
                record = audit_record(
                    name, parsed, findings, agency=agency_obj.name if agency_obj else "", year=report_year
                )
                if as_json:
                    self.stdout.write(json.dumps(record, ensure_ascii=False, sort_keys=False))
                    continue
                self._print_audit(record)

    def _print_audit(self, record: dict) -> None:
        write = self.stdout.write
        if record["status"] == "unreadable":
            write(f"{record['path']}: 无法读取 unreadable — {record['reason']}")
            return
        write(
            f"{record['path']}: {record['agency'] or '?'} {record['year'] or '?'}年 "
            f"格式 {record['format'] or '?'} ({record['kind']})"
        )
        for finding in record["findings"]:
            write(f"  [{finding['severity']}] {finding['rule']}: {finding['message']}")
        counts = {s: sum(1 for f in record["findings"] if f["severity"] == s) for s in ("error", "warning", "info")}
        write(f"  {counts['error']} errors, {counts['warning']} warnings, {counts['info']} info")
