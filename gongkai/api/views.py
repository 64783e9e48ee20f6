"""Public pages of the open-data layer: the 数据下载 page, the bulk files themselves and the published annual
reports' exports. No account is needed; only published records of active agencies are served."""

import mimetypes

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from gongkai.agencies.selectors import agency_by_slug, portal_home_agency, site_identity_agency
from gongkai.annual_reports.exports import export_docx, export_json, export_pdf, export_xlsx
from gongkai.annual_reports.models import ReportScope
from gongkai.annual_reports.selectors import report_document, reports_published
from gongkai.api.models import BulkFormat
from gongkai.api.selectors import bulk_files_listed
from gongkai.core.registry import portal_nav_items

REPORT_EXPORTS = {
    "json": (export_json, "application/json; charset=utf-8"),
    "xlsx": (export_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "docx": (export_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "pdf": (export_pdf, "application/pdf"),
}
CONTENT_TYPES = {
    BulkFormat.JSONL: "application/x-ndjson; charset=utf-8",
    BulkFormat.CSV: "text/csv; charset=utf-8",
    BulkFormat.XLSX: REPORT_EXPORTS["xlsx"][1],
}


def downloads(request):
    """数据下载: every bulk file with its size and SHA-256, by agency; and where the API and its reference are."""
    agency = agency_by_slug(request.GET.get("agency", "")) if request.GET.get("agency") else None
    files = list(bulk_files_listed(agency))
    groups: dict = {}
    for bulk in files:
        groups.setdefault(bulk.agency, []).append(bulk)
    home = agency or portal_home_agency()
    return render(
        request,
        "api/downloads.html",
        {
            "agency": home,
            "chosen": agency,
            "groups": list(groups.items()),
            "site_agency": site_identity_agency(home),
            "nav_items": portal_nav_items(home, "opendata"),
            "api_root": request.build_absolute_uri(reverse("api-v1:api-root")),
            "api_docs": reverse("api-v1:openapi-view"),
            "openapi": reverse("api-v1:openapi-json"),
        },
    )


def bulk_download(request, slug: str, filename: str):
    agency = agency_by_slug(slug)
    if agency is None:
        raise Http404
    bulk = next((b for b in bulk_files_listed(agency) if b.filename == filename), None)
    if bulk is None or not default_storage.exists(bulk.path):
        raise Http404
    response = FileResponse(
        default_storage.open(bulk.path, "rb"),
        as_attachment=True,
        filename=bulk.filename,
        content_type=CONTENT_TYPES.get(bulk.format) or mimetypes.guess_type(bulk.filename)[0],
    )
    response["Content-Length"] = str(bulk.size)
    response["Digest"] = f"sha-256={bulk.sha256}"
    return response


def report_export(request, slug: str, year: int, scope: str, fmt: str):
    """A published annual report as JSON, XLSX, DOCX or PDF (the same exports the back office makes)."""
    agency = agency_by_slug(slug)
    if agency is None or fmt not in REPORT_EXPORTS or scope not in ReportScope.values:
        raise Http404
    report = reports_published().filter(agency=agency, year=year, scope=scope).first()
    if report is None:
        raise Http404
    render_export, content_type = REPORT_EXPORTS[fmt]
    # A PDF subsets two CJK fonts (seconds): each export is kept until the report changes (a correction).
    key = f"opendata:report:{report.pk}:{report.updated_at.timestamp()}:{fmt}"
    data = cache.get(key)
    if data is None:
        data = render_export(report_document(report))
        cache.set(key, data, timeout=7 * 86400)
    response = HttpResponse(data, content_type=content_type)
    suffix = "" if scope == ReportScope.AGENCY else "-rollup"
    response["Content-Disposition"] = f'attachment; filename="annual-report-{slug}-{year}{suffix}.{fmt}"'
    return response
