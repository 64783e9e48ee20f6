"""Checking a report read from a file, and the audit record `manage.py annual_report audit --json` prints.

The record is a stable interface (docs/annual-report.md, "Auditing report files"): keys are only ever added.
"""

import json

from gongkai.annual_reports.checks import WARNING, CheckContext, Finding, ReportText, run_checks
from gongkai.annual_reports.exports import ReportDocument, export_json
from gongkai.annual_reports.figures import ReportFigures
from gongkai.annual_reports.intake.parse import SECTION2_2019_CODES
from gongkai.annual_reports.intake.result import FORMAT_2019, ParsedReport
from gongkai.annual_reports.structure import TABLE2_COLUMN_CODES

AUDIT_SCHEMA = "gongkai.annual-report-audit/1"


def parsed_context(parsed: ParsedReport, *, year: int | None = None, previous: ReportFigures | None = None):
    return CheckContext(
        figures=parsed.figures(),
        text=ReportText(section1=parsed.section1, problems=parsed.problems, other=parsed.other),
        previous=previous,
        imported=True,
        states=parsed.states(),
        layout=parsed.format,
        year=year or parsed.year,
        sections_found={number: section.found for number, section in parsed.sections.items()},
    )


def audit_parsed(
    parsed: ParsedReport, *, year: int | None = None, previous: ReportFigures | None = None
) -> list[Finding]:
    """Every rule of checks.py on the report; a file that could not be read has the one finding saying why."""
    if parsed.unreadable:
        return [Finding("intake.unreadable", WARNING, parsed.unreadable)]
    return run_checks(parsed_context(parsed, year=year, previous=previous))


def export_schema(parsed: ParsedReport, *, agency: str = "", year: int | None = None) -> dict:
    """The report in the export's JSON schema (gongkai.annual-report/1), null for every blank or unreadable cell."""
    doc = ReportDocument(
        title=parsed.title,
        agency=agency or parsed.agency,
        year=year or parsed.year or 0,
        preamble=parsed.preamble,
        section1=parsed.section1,
        figures=parsed.figures(),
        problems=parsed.problems,
        improvements="",
        other=parsed.other,
    )
    data = json.loads(export_json(doc))
    data["year"] = year or parsed.year
    data["format"] = parsed.format
    if parsed.format == FORMAT_2019:
        rows = data["section3"]["rows"]
        for code in ("R3.6.1", "R3.6.2", "R3.6.3"):
            rows.pop(code, None)
        ordered = {}
        for code, row in rows.items():
            if code == "R3.7":
                ordered["R3.6"] = {
                    "label": "（六）其他处理",
                    "values": [parsed.value(f"3.R3.6.{c}") for c in TABLE2_COLUMN_CODES],
                }
            ordered[code] = row
        data["section3"]["rows"] = ordered
        data["section2_2019"] = {code: _plain(parsed.value(f"2.2019.{code}")) for code in SECTION2_2019_CODES}
    return data


def _plain(value):
    from decimal import Decimal

    return str(value) if isinstance(value, Decimal) else value


def audit_record(
    path: str, parsed: ParsedReport, findings: list[Finding], *, agency: str = "", year: int | None = None
) -> dict:
    record = {
        "schema": AUDIT_SCHEMA,
        "path": path,
        "status": "unreadable" if parsed.unreadable else "read",
        "reason": parsed.unreadable,
        "kind": parsed.kind,
        "format": parsed.format,
        "year": year or parsed.year,
        "year_detected": parsed.year,
        "agency": agency or parsed.agency,
        "agency_detected": parsed.agency,
        "title": parsed.title,
        "sections": {number: section.found for number, section in parsed.sections.items()},
        "report": None if parsed.unreadable else export_schema(parsed, agency=agency, year=year),
        "cells": {address: cell.to_json() for address, cell in parsed.cells.items()},
        "findings": [
            {"rule": f.rule, "severity": f.severity, "cells": list(f.cells), "message": f.message} for f in findings
        ],
    }
    return record
