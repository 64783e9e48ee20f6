"""Back office of report intake (年报审查): upload, confirm, read with highlighted cells, audit overview, compare.

Create/confirm pages are `ServiceFormView`s (gongkai/core/views.py): the service's errors come back on the form.
"""

import io

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.accounts.access import agencies_visible_to
from gongkai.accounts.staff import staff_view, supervision_post
from gongkai.agencies.selectors import agency_subtree
from gongkai.annual_reports.checks import SEVERITY_LABELS
from gongkai.annual_reports.figures import cell_address_label
from gongkai.annual_reports.forms import ImportConfirmForm, ImportUploadForm
from gongkai.annual_reports.intake.result import NUMBER
from gongkai.annual_reports.intake_selectors import (
    STATUS_LABELS,
    audit_overview,
    audit_years,
    compare_years,
    imported_latest_version,
    imported_report_get_for_user,
    imported_reports_visible_to,
    version_parsed,
)
from gongkai.annual_reports.intake_services import (
    imported_report_confirm,
    imported_report_paste,
    imported_report_upload,
)
from gongkai.annual_reports.selectors import report_readable_agency_ids
from gongkai.annual_reports.structure import TABLE2_COLUMNS, TABLE2_ROWS, TABLE3_LABELS
from gongkai.core.views import ServiceFormView

STATE_LABELS = {"blank": gettext_lazy("空白"), "na": "/", "unreadable": gettext_lazy("无法读取")}


@staff_view
def import_list(request):
    reports = (
        imported_reports_visible_to(request.user).prefetch_related("versions").order_by("confirmed", "-created_at")
    )
    # The versions are prefetched: the newest is picked in Python, not with a query per report.
    latest = [(report, max(report.versions.all(), key=lambda v: v.number, default=None)) for report in reports[:300]]
    rows = [(report, version) for report, version in latest if version is not None]
    return render(request, "annual_reports/staff/imports.html", {"rows": rows, "status_labels": STATUS_LABELS})


class ImportUpload(ServiceFormView):
    template_name = "annual_reports/staff/import_upload.html"
    form_class = ImportUploadForm
    success_message = gettext_lazy("已导入。")  # the counts are in get_success_message

    def get_extra_form_kwargs(self):
        return {"agencies": agencies_visible_to(self.request.user).order_by("path")}

    def get_initial(self):
        return {"agency": self.request.agency} if self.request.agency else {}

    def perform(self, form):
        data = form.cleaned_data
        results = []
        for upload in data["files"]:
            results += imported_report_upload(
                actor=self.request.user,
                name=upload.name,
                data=upload.read(),
                agency=data.get("agency"),
                year=data.get("year"),
            )
        if (data.get("text") or "").strip():
            results += imported_report_paste(
                actor=self.request.user, text=data["text"], agency=data.get("agency"), year=data.get("year")
            )
        return results

    def get_success_message(self):
        new = sum(1 for r in self.result if not r.duplicate)
        return _("已导入%(new)s份报告（另有%(dup)s份与已导入的内容相同，未重复保存）。请确认每份报告的机关和年度。") % {
            "new": new,
            "dup": len(self.result) - new,
        }

    def get_success_url(self):
        return reverse("annual_reports:imports")


class ImportConfirm(ServiceFormView):
    template_name = "annual_reports/staff/import_confirm.html"
    form_class = ImportConfirmForm
    success_message = gettext_lazy("已确认报告的机关和年度，并已重新审查。")

    def load(self, pk):
        self.report = imported_report_get_for_user(self.request.user, pk)
        self.version = imported_latest_version(self.report)

    def get_extra_form_kwargs(self):
        return {"agencies": agencies_visible_to(self.request.user).order_by("path")}

    def get_initial(self):
        return {"agency": self.report.agency, "year": self.report.year}

    def get_context_data(self, **kwargs):
        return super().get_context_data(report=self.report, version=self.version, **kwargs)

    def perform(self, form):
        return imported_report_confirm(
            actor=self.request.user,
            report=self.report,
            agency=form.cleaned_data["agency"],
            year=form.cleaned_data["year"],
        )

    def get_success_url(self):
        return reverse("annual_reports:import_detail", args=[self.result.pk])


def _highlighted_text(text: str, cells: dict, marked: set[str]) -> list[tuple[str, str, str]]:
    """The text cut into (piece, css class, address): every number read is tagged, the marked ones highlighted."""
    spans = sorted(
        (tuple(cell["span"]), address)
        for address, cell in cells.items()
        if cell.get("span") and (cell["state"] == NUMBER or address in marked)
    )
    pieces, pos = [], 0
    for (start, end), address in spans:
        if start < pos:
            continue
        pieces.append((text[pos:start], "", ""))
        pieces.append((text[start:end] or "□", "mark" if address in marked else "read", address))
        pos = end
    pieces.append((text[pos:], "", ""))
    return pieces


def _table_rows(parsed, marked: set[str]) -> list[tuple[str, list[dict]]]:
    rows = []
    codes = [row.code for row in TABLE2_ROWS]
    labels = {row.code: row.label for row in TABLE2_ROWS}
    if parsed.format == "2019":
        codes = [c for c in codes if not c.startswith("R3.6.")]
        codes.insert(codes.index("R3.7"), "R3.6")
        labels["R3.6"] = "（六）其他处理"
    for code in codes:
        cells = []
        for col, _label in TABLE2_COLUMNS:
            address = f"3.{code}.{col}"
            cell = parsed.cells.get(address)
            cells.append(_cell_view(address, cell, marked))
        rows.append((labels[code], cells))
    return rows


def _cell_view(address: str, cell, marked: set[str]) -> dict:
    if cell is None:
        return {
            "address": address,
            "text": STATE_LABELS["unreadable"],
            "state": "unreadable",
            "marked": address in marked,
        }
    text = str(cell.value) if cell.state == NUMBER else str(STATE_LABELS.get(cell.state, ""))
    return {"address": address, "text": text, "state": cell.state, "marked": address in marked, "note": cell.note}


@staff_view
def import_detail(request, pk: int):
    report = imported_report_get_for_user(request.user, pk)
    versions = list(report.versions.order_by("-number"))
    if not versions:
        raise Http404
    number = request.GET.get("version")
    version = next((v for v in versions if str(v.number) == number), versions[0])
    parsed = version_parsed(version)
    marked: set[str] = set()
    chosen = request.GET.get("finding")
    if chosen and chosen.isdigit() and int(chosen) < len(version.findings):
        marked = set(version.findings[int(chosen)]["cells"])
    elif request.GET.get("cells"):
        marked = set(request.GET["cells"].split(","))
    findings = [
        dict(f, index=i, severity_label=SEVERITY_LABELS.get(f["severity"], f["severity"]))
        for i, f in enumerate(version.findings)
    ]
    context = {
        "report": report,
        "version": version,
        "versions": versions,
        "parsed": parsed,
        "findings": findings,
        "marked": sorted(marked),
        "marked_labels": [cell_address_label(a) for a in sorted(marked)],
        "pieces": _highlighted_text(version.text, version.parsed.get("cells", {}), marked),
        "table2": _table_rows(parsed, marked),
        "table3_readable": any(c.state != "unreadable" for a, c in parsed.cells.items() if a.startswith("4.")),
        "table2_readable": any(c.state != "unreadable" for a, c in parsed.cells.items() if a.startswith("3.")),
        "table2_columns": [label for _c, label in TABLE2_COLUMNS],
        "table3": [
            (TABLE3_LABELS[f"C{i}"], _cell_view(f"4.C{i}", parsed.cells.get(f"4.C{i}"), marked)) for i in range(1, 16)
        ],
        "status_label": STATUS_LABELS[version.status],
    }
    return render(request, "annual_reports/staff/import_detail.html", context)


def _overview_agency(request):
    agency = request.agency
    wanted = request.GET.get("agency")
    if wanted and wanted.isdigit():
        agency = agencies_visible_to(request.user).filter(pk=int(wanted)).first()
    if agency is None or not agencies_visible_to(request.user).filter(pk=agency.pk).exists():
        raise PermissionDenied
    return agency


@staff_view
def audit_page(request):
    """The supervisor's audit page: every agency of the subtree × the years, filterable, findings as XLSX."""
    agency = _overview_agency(request)
    years = audit_years(timezone.localdate())
    if request.GET.get("year", "").isdigit():
        years = [int(request.GET["year"])]
    status = request.GET.get("status", "")
    rows = audit_overview(agency=agency, years=years)
    if status:
        rows = [(member, cells) for member, cells in rows if any(c.status == status for c in cells)]
    if request.GET.get("format") == "xlsx":
        return _findings_xlsx(request, agency, rows)
    return render(
        request,
        "annual_reports/staff/audit.html",
        {
            "agency": agency,
            "years": years,
            "rows": rows,
            "status": status,
            "status_labels": STATUS_LABELS,
            "all_years": audit_years(timezone.localdate(), 8),
            "subtree_size": agency_subtree(agency).count(),
            "readable": report_readable_agency_ids(request.user),
        },
    )


def _findings_xlsx(request, agency, rows) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("审查发现")
    header = [_("机关"), _("年度"), _("状态"), _("规则"), _("严重程度"), _("单元格"), _("说明"), _("链接")]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for member, cells in rows:
        for item in cells:
            if item.version is None:
                sheet.append([member.name, item.year, str(item.label), "", "", "", "", ""])
                continue
            link = request.build_absolute_uri(reverse("annual_reports:import_detail", args=[item.report.pk]))
            if item.version.unreadable:
                sheet.append(
                    [
                        member.name,
                        item.year,
                        str(item.label),
                        "intake.unreadable",
                        "warning",
                        "",
                        item.version.unreadable,
                        link,
                    ]
                )
            for index, finding in enumerate(item.version.findings):
                if finding["rule"] == "intake.unreadable":
                    continue
                sheet.append(
                    [
                        member.name,
                        item.year,
                        str(item.label),
                        finding["rule"],
                        str(SEVERITY_LABELS.get(finding["severity"], finding["severity"])),
                        "、".join(finding["cells"][:20]),
                        finding["message"],
                        f"{link}?finding={index}",
                    ]
                )
    for letter, width in zip("ABCDEFGH", (28, 8, 12, 22, 10, 30, 80, 50), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="audit-{agency.slug}.xlsx"'
    return response


@staff_view
def compare_page(request):
    """Two years of one agency side by side: key figures and their change, section 一's paragraphs changed."""
    agency = _overview_agency(request)
    this_year = timezone.localdate().year
    try:
        year_b = int(request.GET.get("b", this_year - 1))
        year_a = int(request.GET.get("a", year_b - 1))
    except ValueError as exc:
        raise Http404 from exc
    comparison = compare_years(agency=agency, year_a=year_a, year_b=year_b)
    return render(
        request,
        "annual_reports/staff/compare.html",
        {"agency": agency, "year_a": year_a, "year_b": year_b, **comparison},
    )


# A supervising office audits its subordinates' reports: uploading and confirming them is its own work.
import_upload = staff_view(supervision_post(ImportUpload.as_view()))
import_confirm = staff_view(supervision_post(ImportConfirm.as_view()))
