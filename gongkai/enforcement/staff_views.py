"""Back office: enter or import licensing, penalty and coercive decisions and fees; publish penalty decisions."""

import csv
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai.accounts.staff import staff_view
from gongkai.core.errors import IllegalTransition
from gongkai.core.forms import apply_service_errors
from gongkai.core.params import query_year
from gongkai.enforcement import access, services
from gongkai.enforcement.forms import DecisionForm, FeeRecordForm, ImportForm
from gongkai.enforcement.imports import DECISION_COLUMNS, FEE_COLUMNS
from gongkai.enforcement.models import DecisionKind
from gongkai.enforcement.tables import read_table


def _require_edit(request):
    if request.agency is None or not access.enforcement_can_edit(request.user, request.agency):
        raise PermissionDenied


@staff_view
def decision_list(request):
    decisions = access.decisions_visible_to(request.user)
    if request.agency is not None:
        decisions = decisions.filter(agency=request.agency)
    kind = request.GET.get("kind", "")
    if kind in DecisionKind.values:
        decisions = decisions.filter(kind=kind)
    year = request.GET.get("year", "")
    if year.isdigit():
        decisions = decisions.filter(decided_on__year=query_year(request))
    return render(
        request,
        "enforcement/staff_decisions.html",
        {
            "decisions": decisions[:500],
            "kinds": DecisionKind.choices,
            "kind": kind,
            "year": year,
            "can_edit": request.agency is not None and access.enforcement_can_edit(request.user, request.agency),
        },
    )


@staff_view
def fee_list(request):
    fees = access.fee_records_visible_to(request.user)
    if request.agency is not None:
        fees = fees.filter(agency=request.agency)
    return render(
        request,
        "enforcement/staff_fees.html",
        {
            "fees": fees[:500],
            "can_edit": request.agency is not None and access.enforcement_can_edit(request.user, request.agency),
        },
    )


@staff_view
def decision_new(request):
    _require_edit(request)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.decision_create(actor=request.user, agency=request.agency, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已录入行政决定。"))
            return redirect("enforcement_staff:decision", pk=decision.pk)
    return render(request, "enforcement/staff_form.html", {"form": form, "title": _("录入行政决定")})


@staff_view
def fee_new(request):
    _require_edit(request)
    form = FeeRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.fee_record_create(actor=request.user, agency=request.agency, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已录入收费记录。"))
            return redirect("enforcement_staff:fees")
    return render(request, "enforcement/staff_form.html", {"form": form, "title": _("录入收费记录")})


@staff_view
def decision_edit(request, pk: int):
    decision = access.decision_get_for_user(request.user, pk)
    if not access.enforcement_can_edit(request.user, decision.agency):
        raise PermissionDenied
    form = DecisionForm(request.POST or None, instance=access.decision_get_for_user(request.user, pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_update(actor=request.user, decision=decision, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except IllegalTransition as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已保存。"))
            return redirect("enforcement_staff:decision", pk=decision.pk)
    return render(request, "enforcement/staff_form.html", {"form": form, "title": _("修改行政决定")})


@staff_view
def fee_edit(request, pk: int):
    record = access.fee_record_get_for_user(request.user, pk)
    if not access.enforcement_can_edit(request.user, record.agency):
        raise PermissionDenied
    form = FeeRecordForm(request.POST or None, instance=access.fee_record_get_for_user(request.user, pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.fee_record_update(actor=request.user, record=record, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("enforcement_staff:fees")
    return render(request, "enforcement/staff_form.html", {"form": form, "title": _("修改收费记录")})


@staff_view
def decision_detail(request, pk: int):
    decision = access.decision_get_for_user(request.user, pk)
    return render(
        request,
        "enforcement/staff_decision.html",
        {
            "object": decision,
            "can_publish": access.enforcement_can_publish(request.user, decision.agency),
            "can_edit": access.enforcement_can_edit(request.user, decision.agency),
        },
    )


@require_POST
@staff_view
def decision_publication(request, pk: int, action: str):
    decision = access.decision_get_for_user(request.user, pk)
    service = {"publish": services.decision_publish, "unpublish": services.decision_unpublish}.get(action)
    if service is None:
        raise Http404
    try:
        service(actor=request.user, decision=decision)
    except IllegalTransition as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已公开。") if action == "publish" else _("已撤回公开。"))
    return redirect("enforcement_staff:decision", pk=decision.pk)


@staff_view
def records_import(request, what: str):
    if what not in ("decisions", "fees"):
        raise Http404
    _require_edit(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    row_errors = []
    if request.method == "POST" and form.is_valid():
        service = services.decisions_import if what == "decisions" else services.fee_records_import
        try:
            header, rows = read_table(form.cleaned_data["file"])
            created = service(actor=request.user, agency=request.agency, header=header, rows=rows)
        except services.ImportRejected as exc:
            row_errors = exc.row_errors
            form.add_error(None, exc.messages[0])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已导入%(n)d条记录。") % {"n": len(created)})
            return redirect("enforcement_staff:decisions" if what == "decisions" else "enforcement_staff:fees")
    return render(
        request,
        "enforcement/staff_import.html",
        {
            "form": form,
            "what": what,
            "columns": DECISION_COLUMNS if what == "decisions" else FEE_COLUMNS,
            "row_errors": row_errors,
        },
        status=400 if form.errors else 200,
    )


@staff_view
def import_template(request, what: str):
    columns = {"decisions": DECISION_COLUMNS, "fees": FEE_COLUMNS}.get(what)
    if columns is None:
        raise Http404
    example = {
        "decisions": [
            "行政处罚",
            "2024-03-15",
            "黔东南环罚〔2024〕1号",
            "某某有限公司",
            "法人或其他组织",
            "超标排放，罚款",
            "是",
        ],
        "fees": ["2024-03-15", "不动产登记费", "黔发改收费〔2017〕1号", "80.00"],
    }[what]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerow(example)
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{what}-template.csv"'
    return response
