"""Back office: list, create, edit, check, review, approve, publish, correct, drill down, export, roll-up status."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
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
    report_readable_agency_ids,
    reports_visible_to,
    rollup_status,
)
from gongkai.core.actions import Action, ActionSet, call_service, run_action
from gongkai.core.params import query_year
from gongkai.core.views import RecordFormView, ServiceFormView

EXPORTS = {
    "docx": (export_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "pdf": (export_pdf, "application/pdf"),
    "xlsx": (export_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "json": (export_json, "application/json; charset=utf-8"),
}


def _has_role(*roles):
    return lambda user, report: user_has_role(user, report.agency, *roles)


def _in(*statuses):
    return lambda report: report.status in statuses


def _detail_url(report) -> str:
    return reverse("annual_reports:detail", args=[report.pk])


def _step(name, label, service, roles, statuses, success, **more):
    return Action(
        name, label, call_service(service, "report"), allowed=_has_role(*roles), possible=_in(*statuses),
        success=success, **more,
    )  # fmt: skip


# The workflow of a report (条例 第四十九条): a reviewer confirms the draft, the approver freezes the figures and
# publishes; a reviewed or approved report can go back to draft with a reason; a published one is corrected.
REPORT_ACTIONS = ActionSet(
    [
        _step("review", _("审核通过"), services.annual_report_review, [Role.REVIEWER], [ReportStatus.DRAFT],
              _("已完成：审核。")),
        _step("approve", _("批准并冻结数据"), services.annual_report_approve, [Role.APPROVER], [ReportStatus.REVIEWED],
              _("已完成：批准，数据已冻结。")),
        _step("publish", _("发布到门户网站"), services.annual_report_publish, [Role.APPROVER, Role.AGENCY_ADMIN],
              [ReportStatus.APPROVED], _("已完成：发布。")),
        _step("return", _("退回"), services.annual_report_return, [Role.REVIEWER, Role.APPROVER],
              [ReportStatus.REVIEWED, ReportStatus.APPROVED], _("已退回草稿。"), form=ReasonForm, style="danger"),
        _step("correct", _("更正并重新发布"), services.annual_report_correct, [Role.APPROVER], [ReportStatus.PUBLISHED],
              _("已更正并重新发布。"), form=CorrectionForm),
    ],
    url_name="annual_reports:transition",
)  # fmt: skip


def _list_context(request) -> dict:
    reports = reports_visible_to(request.user)
    if request.agency is not None and request.GET.get("scope") != "all":
        reports = reports.filter(agency=request.agency)
    return {"reports": reports}


@staff_view
def report_list(request):
    form = ReportCreateForm(initial={"year": timezone.localdate().year - 1})
    return render(request, "annual_reports/staff/list.html", {**_list_context(request), "form": form})


class ReportCreate(ServiceFormView):
    """Posted from the list page; a refused or invalid request shows the list again with the form's errors."""

    form_class = ReportCreateForm
    template_name = "annual_reports/staff/list.html"
    success_message = _("已生成年度报告草稿，请核对数据并修改正文。")

    def check_access(self) -> None:
        if self.request.agency is None:
            raise Http404

    def get_context_data(self, **kwargs):
        return super().get_context_data(**_list_context(self.request), **kwargs)

    def perform(self, form):
        return services.annual_report_create(actor=self.request.user, agency=self.request.agency, **form.cleaned_data)

    def get_success_url(self) -> str:
        return _detail_url(self.result)


report_create = require_POST(staff_view(ReportCreate.as_view()))


def _report_page(request, report, *, bound=None, status=200):
    figures = report_figures(report)
    findings = report_check(report, figures)
    flagged = {address for finding in findings if finding.severity != "info" for address in finding.cells}
    actions = REPORT_ACTIONS.available(request.user, report, bound=bound)
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
            "can_edit": report.status == ReportStatus.DRAFT and user_has_role(request.user, report.agency),
            "buttons": [a for a in actions if not a.has_fields],
            "forms": [a for a in actions if a.has_fields],
        },
        status=status,
    )


@staff_view
def report_detail(request, pk: int):
    return _report_page(request, report_get_for_user(request.user, pk))


class ReportEdit(RecordFormView):
    form_class = ReportTextForm
    template_name = "annual_reports/staff/edit.html"
    success_message = _("正文已保存。")

    def get_record(self, pk: int):
        return report_get_for_user(self.request.user, pk)

    def may_edit(self, user, agency) -> bool:
        return user_has_role(user, agency)

    def get_context_data(self, **kwargs):
        return super().get_context_data(report=self.record, **kwargs)

    def perform(self, form):
        return services.annual_report_update_text(actor=self.request.user, report=self.record, **form.cleaned_data)

    def get_success_url(self) -> str:
        return _detail_url(self.record)


report_edit = staff_view(ReportEdit.as_view())


@require_POST
@staff_view
def report_transition(request, pk: int, action: str):
    report = report_get_for_user(request.user, pk)
    return run_action(request, REPORT_ACTIONS, action, report, page=_report_page, success_url=_detail_url)


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
            "readable": report_readable_agency_ids(request.user),
        },
    )
