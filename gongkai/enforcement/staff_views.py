"""Back office: enter or import licensing, penalty and coercive decisions and fees; publish penalty decisions."""

import csv
import io

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from gongkai.accounts.staff import staff_view
from gongkai.core.actions import Action, ActionSet, call_service, run_action
from gongkai.core.params import query_year
from gongkai.core.views import RecordFormView, ServiceFormView
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


class EnforcementFormView(RecordFormView):
    """A create or edit page of a decision or a fee record (see core.views.RecordFormView)."""

    template_name = "enforcement/staff_form.html"

    def may_edit(self, user, agency) -> bool:
        return access.enforcement_can_edit(user, agency)


class DecisionNew(EnforcementFormView):
    form_class = DecisionForm
    title = _("录入行政决定")
    success_message = _("已录入行政决定。")

    def perform(self, form):
        return services.decision_create(actor=self.request.user, agency=self.request.agency, **form.cleaned_data)

    def get_success_url(self) -> str:
        return _decision_url(self.result)


class DecisionEdit(DecisionNew):
    title = _("修改行政决定")
    success_message = _("已保存。")

    def get_record(self, pk: int):
        return access.decision_get_for_user(self.request.user, pk)

    def perform(self, form):
        return services.decision_update(actor=self.request.user, decision=self.record, **form.cleaned_data)


class FeeNew(EnforcementFormView):
    form_class = FeeRecordForm
    title = _("录入收费记录")
    success_message = _("已录入收费记录。")
    success_url = reverse_lazy("enforcement_staff:fees")

    def perform(self, form):
        return services.fee_record_create(actor=self.request.user, agency=self.request.agency, **form.cleaned_data)


class FeeEdit(FeeNew):
    title = _("修改收费记录")
    success_message = _("已保存。")

    def get_record(self, pk: int):
        return access.fee_record_get_for_user(self.request.user, pk)

    def perform(self, form):
        return services.fee_record_update(actor=self.request.user, record=self.record, **form.cleaned_data)


decision_new = staff_view(DecisionNew.as_view())
decision_edit = staff_view(DecisionEdit.as_view())
fee_new = staff_view(FeeNew.as_view())
fee_edit = staff_view(FeeEdit.as_view())


def _decision_url(decision) -> str:
    return reverse("enforcement_staff:decision", args=[decision.pk])


def _may_publish(user, decision) -> bool:
    return access.enforcement_can_publish(user, decision.agency)


# 条例 第二十条（六）: a penalty decision with social impact is published on the portal, and can be withdrawn.
PUBLICATION_ACTIONS = ActionSet(
    [
        Action("publish", _("在门户公开"), call_service(services.decision_publish, "decision"), allowed=_may_publish,
               possible=lambda decision: decision.can_be_published() and not decision.published_on,
               success=_("已公开。")),
        Action("unpublish", _("撤回公开"), call_service(services.decision_unpublish, "decision"), allowed=_may_publish,
               possible=lambda decision: bool(decision.published_on), success=_("已撤回公开。"), style="danger"),
    ],
    url_name="enforcement_staff:decision_publication",
)  # fmt: skip


def _decision_page(request, decision, *, bound=None, status=200):
    return render(
        request,
        "enforcement/staff_decision.html",
        {
            "object": decision,
            "actions": PUBLICATION_ACTIONS.available(request.user, decision, bound=bound),
            "can_edit": access.enforcement_can_edit(request.user, decision.agency),
        },
        status=status,
    )


@staff_view
def decision_detail(request, pk: int):
    return _decision_page(request, access.decision_get_for_user(request.user, pk))


@require_POST
@staff_view
def decision_publication(request, pk: int, action: str):
    decision = access.decision_get_for_user(request.user, pk)
    return run_action(request, PUBLICATION_ACTIONS, action, decision, page=_decision_page, success_url=_decision_url)


class RecordsImport(ServiceFormView):
    """Import decisions or fee records from a table: all rows or none, with a list of the rows to fix."""

    form_class = ImportForm
    template_name = "enforcement/staff_import.html"
    invalid_status = 400
    row_errors = ()

    def load(self, what: str) -> None:
        if what not in ("decisions", "fees"):
            raise Http404
        self.what = what

    def check_access(self) -> None:
        _require_edit(self.request)

    def get_context_data(self, **kwargs):
        columns = DECISION_COLUMNS if self.what == "decisions" else FEE_COLUMNS
        return super().get_context_data(what=self.what, columns=columns, row_errors=self.row_errors, **kwargs)

    def perform(self, form):
        service = services.decisions_import if self.what == "decisions" else services.fee_records_import
        header, rows = read_table(form.cleaned_data["file"])
        try:
            return service(actor=self.request.user, agency=self.request.agency, header=header, rows=rows)
        except services.ImportRejected as exc:
            self.row_errors = exc.row_errors  # the rows to fix, listed under the form
            raise

    def get_success_message(self) -> str:
        return _("已导入%(n)d条记录。") % {"n": len(self.result)}

    def get_success_url(self) -> str:
        return reverse("enforcement_staff:decisions" if self.what == "decisions" else "enforcement_staff:fees")


records_import = staff_view(RecordsImport.as_view())


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
