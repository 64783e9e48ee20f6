"""The portal's annual-report column (政府信息公开年报): every agency's published reports, as pages like the seed's."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from gongkai.agencies.selectors import agency_by_slug, site_identity_agency
from gongkai.annual_reports.exports import attachment_header, download_formats
from gongkai.annual_reports.models import ReportScope
from gongkai.annual_reports.selectors import (
    report_document,
    reports_published,
    subordinate_report_years,
    subordinate_reports,
    subordinates_reporting,
)
from gongkai.core.params import query_year
from gongkai.core.registry import portal_nav_items


def report_index(request, slug: str):
    agency = agency_by_slug(slug)
    if agency is None:
        raise Http404
    # Every published year of the agency's own report (a roll-up has its own page in the back office).
    reports = reports_published().filter(agency=agency, scope=ReportScope.AGENCY).order_by("-year")
    # Below it, the reports of the agencies directly under it, one year at a time (the newest they published).
    years = subordinate_report_years(agency)
    year = query_year(request, label=_("年度"), default=years[0] if years else None)
    subordinates = subordinate_reports(agency, year) if year is not None else []
    return render(
        request,
        "annual_reports/portal/index.html",
        {
            "agency": agency,
            "reports": reports,
            "years": years,
            "year": year,
            "subordinates": subordinates,
            "subordinates_published": sum(1 for s in subordinates if s.report),
            "has_subordinates": subordinates_reporting(agency).exists(),
            "site_agency": site_identity_agency(agency),
            "nav_items": portal_nav_items(agency, "annual_reports"),
        },
    )


def _published_report(slug: str, year: int):
    agency = agency_by_slug(slug)
    report = None
    if agency is not None and 1949 <= year <= 2100:
        report = reports_published().filter(agency=agency, year=year, scope=ReportScope.AGENCY).first()
    if report is None:
        raise Http404
    return agency, report


def report_page(request, slug: str, year: int):
    agency, report = _published_report(slug, year)
    downloads = [
        {"fmt": fmt, "label": label, "url": reverse("annual_reports_public:download", args=[slug, year, fmt])}
        for fmt, (_render, _type, label) in download_formats().items()
    ]
    return render(
        request,
        "annual_reports/portal/report.html",
        {
            "agency": agency,
            "report": report,
            "doc": report_document(report),
            "downloads": downloads,
            "site_agency": site_identity_agency(agency),
            "nav_items": portal_nav_items(agency, "annual_reports"),
        },
    )


def report_download(request, slug: str, year: int, fmt: str):
    """The published report as PDF, DOCX, XLSX or JSON, saved under its own Chinese title (条例 第五十条)."""
    formats = download_formats()
    if fmt not in formats:
        raise Http404
    agency, report = _published_report(slug, year)
    render_export, content_type, _label = formats[fmt]
    response = HttpResponse(render_export(report_document(report)), content_type=content_type)
    response["Content-Disposition"] = attachment_header(
        f"{report.title}.{fmt}", fallback=f"annual-report-{agency.slug}-{report.year}.{fmt}"
    )
    return response
