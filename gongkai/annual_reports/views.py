"""The portal's annual-report column (政府信息公开年报): every agency's published reports, as pages like the seed's."""

from django.http import Http404
from django.shortcuts import render

from gongkai.agencies.selectors import agency_by_slug
from gongkai.annual_reports.selectors import report_document, reports_published
from gongkai.core.registry import portal_nav_items
from gongkai.portal.selectors import site_identity_agency


def report_index(request, slug: str):
    agency = agency_by_slug(slug)
    if agency is None:
        raise Http404
    reports = reports_published().filter(agency=agency).order_by("-year")
    return render(
        request,
        "annual_reports/portal/index.html",
        {
            "agency": agency,
            "reports": reports,
            "site_agency": site_identity_agency(agency),
            "nav_items": portal_nav_items(agency, "annual_reports"),
        },
    )


def report_page(request, slug: str, year: int):
    agency = agency_by_slug(slug)
    report = reports_published().filter(agency=agency, year=year, scope="agency").first() if agency else None
    if report is None:
        raise Http404
    return render(
        request,
        "annual_reports/portal/report.html",
        {
            "agency": agency,
            "report": report,
            "doc": report_document(report),
            "site_agency": site_identity_agency(agency),
            "nav_items": portal_nav_items(agency, "annual_reports"),
        },
    )
