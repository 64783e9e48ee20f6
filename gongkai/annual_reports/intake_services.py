"""Writing imported reports (年报审查): upload files or a zip or pasted text, confirm agency and year, re-check.

A report made elsewhere is read (intake/), checked with every rule of checks.py and stored with its text and
each cell's state and span. The same content uploaded twice (by SHA-256 of the file) is one version; another
file for a confirmed (agency, year) is a new version of that report. Confirming re-checks the report against
the year before (continuity, spec §2.5 (d)) and the year after against it.
"""

import hashlib
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from gongkai.accounts.access import agencies_visible_to
from gongkai.agencies.models import Agency
from gongkai.annual_reports.intake import Limits, read_upload_files
from gongkai.annual_reports.intake.audit import audit_parsed
from gongkai.annual_reports.intake.result import ParsedReport, parsed_to_json
from gongkai.annual_reports.intake_selectors import version_parsed
from gongkai.annual_reports.models import ImportedReport, ImportedReportVersion
from gongkai.audit.services import audit_record
from gongkai.core.errors import AccessDenied

YEAR_RANGE = (2008, 2100)  # the first reports were for 2008, the regulation's first year in force


@dataclass
class UploadResult:
    version: ImportedReportVersion
    duplicate: bool  # the same content was already imported: nothing new was stored


def guess_agency(parsed: ParsedReport, candidates) -> Agency | None:
    """The agency whose name the report's title or text uses, the longest name winning (县发改局 over 县)."""
    haystack = " ".join(part for part in (parsed.agency, parsed.title, parsed.preamble[:600]) if part)
    haystack = re.sub(r"\s+", "", haystack)
    best = None
    for agency in candidates:
        names = [agency.name, *(getattr(agency, "short_name", "") or "").split()]
        for name in names:
            if name and name in haystack and (best is None or len(name) > len(best[1])):
                best = (agency, name)
    return best[0] if best else None


def _counts(findings) -> dict[str, int]:
    return {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}


def _findings_json(findings) -> list[dict]:
    return [{"rule": f.rule, "severity": f.severity, "cells": list(f.cells), "message": f.message} for f in findings]


def _check(version: ImportedReportVersion, parsed: ParsedReport) -> None:
    from gongkai.annual_reports.selectors import previous_year_figures

    report = version.report
    previous = previous_year_figures(report.agency, report.year) if report.confirmed and report.year else None
    findings = audit_parsed(parsed, year=report.year or parsed.year, previous=previous)
    counts = _counts(findings)
    version.findings = _findings_json(findings)
    version.errors, version.warnings, version.infos = counts["error"], counts["warning"], counts["info"]


@transaction.atomic
def imported_report_upload(
    *,
    actor,
    name: str,
    data: bytes,
    agency: Agency | None = None,
    year: int | None = None,
    limits: Limits | None = None,
) -> list[UploadResult]:
    """Read a file (or every file of a zip) and store each as an unconfirmed report with its guessed agency/year."""
    visible = agencies_visible_to(actor)
    if agency is not None and not visible.filter(pk=agency.pk).exists():
        raise AccessDenied(_("您不能为该机关导入年度报告。"))
    if year is not None and not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise ValidationError({"year": _("报告年度应在%(a)s至%(b)s之间。") % {"a": YEAR_RANGE[0], "b": YEAR_RANGE[1]}})
    candidates = list(visible.only("pk", "name", "short_name", "path")) if agency is None else []
    results = []
    for member_name, content, parsed in read_upload_files(name, data, limits):
        digest = hashlib.sha256(content).hexdigest()
        existing = ImportedReportVersion.objects.filter(sha256=digest).select_related("report").first()
        if existing is not None:
            results.append(UploadResult(existing, duplicate=True))
            continue
        guessed_year = year or parsed.year
        if guessed_year is not None and not YEAR_RANGE[0] <= guessed_year <= YEAR_RANGE[1]:
            guessed_year = None
        report = ImportedReport.objects.create(
            agency=agency or guess_agency(parsed, candidates), year=guessed_year, created_by=actor
        )
        version = ImportedReportVersion(
            report=report,
            number=1,
            sha256=digest,
            file_name=member_name[:255],
            kind=parsed.kind[:10],
            text=parsed.text,
            title=parsed.title[:300],
            agency_guess=parsed.agency[:200],
            year_guess=parsed.year,
            layout=parsed.format or "",
            unreadable=parsed.unreadable,
            parsed=parsed_to_json(parsed),
            uploaded_by=actor,
        )
        _check(version, parsed)
        version.save()
        audit_record(
            actor=actor,
            verb="annual_report.import",
            obj=report,
            agency=report.agency,
            after={"file": version.file_name, "sha256": digest, "status": version.status},
        )
        results.append(UploadResult(version, duplicate=False))
    return results


def imported_report_paste(*, actor, text: str, agency: Agency | None = None, year: int | None = None):
    if not text.strip():
        raise ValidationError({"text": _("请粘贴报告的文字。")})
    return imported_report_upload(
        actor=actor, name="粘贴的文本.txt", data=text.encode("utf-8"), agency=agency, year=year
    )


@transaction.atomic
def imported_report_confirm(*, actor, report: ImportedReport, agency: Agency, year: int) -> ImportedReport:
    """Bind an uploaded report to its agency and year. Into a year that already has a report, it is a new version."""
    if not agencies_visible_to(actor).filter(pk=agency.pk).exists():
        raise AccessDenied(_("您不能为该机关确认年度报告。"))
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise ValidationError({"year": _("报告年度应在%(a)s至%(b)s之间。") % {"a": YEAR_RANGE[0], "b": YEAR_RANGE[1]}})
    if report.confirmed and (report.agency_id, report.year) == (agency.pk, year):
        return report
    target = (
        ImportedReport.objects.select_for_update()
        .filter(agency=agency, year=year, confirmed=True)
        .exclude(pk=report.pk)
        .first()
    )
    moved = list(report.versions.order_by("number"))
    if target is not None:
        number = (target.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        for version in moved:
            version.report = target
            version.number = number
            number += 1
            version.save(update_fields=["report", "number"])
        report.delete()
        result = target
    else:
        report.agency, report.year, report.confirmed = agency, year, True
        report.save(update_fields=["agency", "year", "confirmed"])
        result = report
    for version in moved:
        version.refresh_from_db()
        _check(version, version_parsed(version))
        version.save(update_fields=["findings", "errors", "warnings", "infos"])
    # The year after is checked against this one (its 上年结转 against this year's 结转下年度).
    following = ImportedReportVersion.objects.filter(
        report__agency=agency, report__year=year + 1, report__confirmed=True
    )
    for version in following.select_related("report"):
        _check(version, version_parsed(version))
        version.save(update_fields=["findings", "errors", "warnings", "infos"])
    audit_record(actor=actor, verb="annual_report.import_confirm", obj=result, agency=agency, after={"year": year})
    return result
