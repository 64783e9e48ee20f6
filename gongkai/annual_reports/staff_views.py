"""Back office: list, create, edit, check, review, approve, publish, correct, drill down, export, roll-up status."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai.accounts.access import agencies_visible_to, user_has_role
from gongkai.accounts.models import Role
from gongkai.accounts.staff import staff_view
from gongkai.annual_reports import services
from gongkai.annual_reports.exports import export_docx, export_json, export_pdf, export_xlsx
from gongkai.annual_reports.figures import cell_address_label
from gongkai.annual_reports.forms import CorrectionForm, ReasonForm, ReportCreateForm, ReportTextForm
from gongkai.annual_reports.models import ReportScope, ReportStatus
from gongkai.annual_reports.selectors import (
    report_cell,
    report_check,
    report_differences,
    report_document,
    report_figures,
    report_get_for_user,
    reports_visible_to,
    rollup_status,
)
from gongkai.core.errors import IllegalTransition
from gongkai.core.params import query_year

EXPORTS = {
    "docx": (export_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "pdf": (export_pdf, "application/pdf"),
    "xlsx": (export_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "json": (export_json, "application/json; charset=utf-8"),
}


@staff_view
def report_list(request):
    reports = reports_visible_to(request.user)
    if request.agency is not None and request.GET.get("scope") != "all":
        reports = reports.filter(agency=request.agency)
    form = ReportCreateForm(initial={"year": timezone.localdate().year - 1})
    return render(request, "annual_reports/staff/list.html", {"reports": reports, "form": form})


@require_POST
@staff_view
def report_create(request):
    form = ReportCreateForm(request.POST)
    if request.agency is None:
        raise Http404
    if form.is_valid():
        try:
            report = services.annual_report_create(
                actor=request.user,
                agency=request.agency,
                year=form.cleaned_data["year"],
                scope=form.cleaned_data["scope"],
            )
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            messages.success(request, _("已生成年度报告草稿，请核对数据并修改正文。"))
            return redirect("annual_reports:detail", pk=report.pk)
    else:
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label}：{'；'.join(errors)}")
    return redirect("annual_reports:list")


@staff_view
def report_detail(request, pk: int):
    report = report_get_for_user(request.user, pk)
    figures = report_figures(report)
    findings = report_check(report, figures)
    flagged = {address for finding in findings if finding.severity != "info" for address in finding.cells}
    can = {
        "edit": report.status == ReportStatus.DRAFT and user_has_role(request.user, report.agency),
        "review": report.status == ReportStatus.DRAFT and user_has_role(request.user, report.agency, Role.REVIEWER),
        "approve": report.status == ReportStatus.REVIEWED and user_has_role(request.user, report.agency, Role.APPROVER),
        "return": report.status in (ReportStatus.REVIEWED, ReportStatus.APPROVED)
        and user_has_role(request.user, report.agency, Role.REVIEWER, Role.APPROVER),
        "publish": report.status == ReportStatus.APPROVED
        and user_has_role(request.user, report.agency, Role.APPROVER, Role.AGENCY_ADMIN),
        "correct": report.status == ReportStatus.PUBLISHED
        and user_has_role(request.user, report.agency, Role.APPROVER),
    }
    return render(
        request,
        "annual_reports/staff/detail.html",
        {
            "report": report,
            "doc": report_document(report, figures),
            "findings": findings,
            "flagged": flagged,
            "differences": report_differences(report),
            "cell_url": reverse("annual_reports:cell", args=[report.pk, "ADDRESS"]),
            "can": can,
            "reason_form": ReasonForm(),
            "correction_form": CorrectionForm(),
        },
    )


@staff_view
def report_edit(request, pk: int):
    report = report_get_for_user(request.user, pk)
    if not user_has_role(request.user, report.agency):
        raise PermissionDenied
    form = ReportTextForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        try:
            services.annual_report_update_text(actor=request.user, report=report, **form.cleaned_data)
        except IllegalTransition as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("正文已保存。"))
            return redirect("annual_reports:detail", pk=report.pk)
    return render(request, "annual_reports/staff/edit.html", {"report": report, "form": form})


@require_POST
@staff_view
def report_transition(request, pk: int, action: str):
    report = report_get_for_user(request.user, pk)
    try:
        if action == "review":
            services.annual_report_review(actor=request.user, report=report)
        elif action == "approve":
            services.annual_report_approve(actor=request.user, report=report)
        elif action == "publish":
            services.annual_report_publish(actor=request.user, report=report)
        elif action == "return":
            services.annual_report_return(actor=request.user, report=report, reason=request.POST.get("reason", ""))
        elif action == "correct":
            services.annual_report_correct(actor=request.user, report=report, note=request.POST.get("note", ""))
        else:
            raise Http404
    except (ValidationError, IllegalTransition) as exc:
        for error in getattr(exc, "messages", [str(exc)]):
            messages.error(request, error)
    else:
        messages.success(request, _("已完成：%(status)s。") % {"status": report.get_status_display()})
    return redirect("annual_reports:detail", pk=report.pk)


@staff_view
def report_cell_records(request, pk: int, address: str):
    """Drill-down: the records a cell counts, limited to agencies the user may see."""
    report = report_get_for_user(request.user, pk)
    cell = report_cell(report, address)
    if cell is None:
        raise Http404
    records = []
    if cell.has_records:
        # By the cell's filter when it has one (a roll-up's cells count millions), else by its ids.
        queryset = cell.records()
        if any(f.name == "agency" for f in queryset.model._meta.get_fields()):
            queryset = queryset.filter(agency__in=agencies_visible_to(request.user))
        records = [
            {"object": obj, "history": reverse("backoffice:history", args=[cell.model, obj.pk])}
            for obj in queryset.order_by("pk")[:500]
        ]
    return render(
        request,
        "annual_reports/staff/cell.html",
        {"report": report, "cell": cell, "label": cell_address_label(address), "records": records},
    )


@staff_view
def report_export(request, pk: int, fmt: str):
    report = report_get_for_user(request.user, pk)
    if fmt not in EXPORTS:
        raise Http404
    render_export, content_type = EXPORTS[fmt]
    response = HttpResponse(render_export(report_document(report)), content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename=annual-report-{report.agency.slug}-{report.year}.{fmt}"
    return response


@staff_view
def report_rollup_status(request):
    """A supervising agency's view: which subordinates published by the Article 49 deadline, and their checks."""
    if request.agency is None:
        raise Http404
    if not (user_has_role(request.user, request.agency) or Role.SUPERVISOR in request.roles):
        raise PermissionDenied
    year = query_year(request, default=timezone.localdate().year - 1)
    rows = rollup_status(agency=request.agency, year=year, today=timezone.localdate())
    rollup = reports_visible_to(request.user).filter(agency=request.agency, year=year, scope=ReportScope.ROLLUP).first()
    return render(
        request,
        "annual_reports/staff/rollup.html",
        {
            "year": year,
            "rows": rows,
            "rollup": rollup,
            "published": sum(1 for r in rows if r.report and r.report.status == ReportStatus.PUBLISHED),
            "overdue": sum(1 for r in rows if r.overdue),
        },
    )
