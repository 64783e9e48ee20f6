"""Back office: new-media accounts, training, inspections, site checks and the supervisor's dashboard."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from gongkai.accounts.access import agencies_visible_to
from gongkai.accounts.staff import staff_view
from gongkai.agencies.selectors import agency_subtree
from gongkai.core.actions import Action, ActionSet, call_service, run_action
from gongkai.core.params import query_id, query_year
from gongkai.core.views import RecordFormView, ServiceFormView
from gongkai.supervision import dashboard as dashboard_selectors
from gongkai.supervision.access import (
    agencies_where_user_can_record,
    agency_can_record,
    inspection_can_manage,
    inspection_get_for_user,
    inspection_problem_get_for_user,
    inspection_problems_visible_to,
    inspections_visible_to,
    new_media_account_get_for_user,
    new_media_accounts_visible_to,
    problem_can_rectify,
    training_session_get_for_user,
    training_sessions_visible_to,
)
from gongkai.supervision.annual_reports import annual_reports_not_published_in_time
from gongkai.supervision.forms import (
    FollowerCountForm,
    FollowerImportForm,
    InspectionForm,
    InspectionProblemForm,
    NewMediaAccountEditForm,
    NewMediaAccountForm,
    ProblemMoveForm,
    TrainingSessionForm,
)
from gongkai.supervision.models import PROBLEM_TRANSITIONS, ProblemStatus
from gongkai.supervision.selectors import (
    latest_follower_counts,
    problems_overdue,
    site_check_findings,
    site_check_latest_run,
    stale_new_media_accounts,
)
from gongkai.supervision.services import (
    follower_count_record,
    follower_counts_import,
    inspection_create,
    inspection_problem_move,
    inspection_problem_record,
    new_media_account_create,
    new_media_account_update,
    training_session_create,
    training_session_update,
)


def _scope(request):
    """The current agency and what the user sees below it: the dashboard's and lists' scope."""
    if request.agency is None:
        return agencies_visible_to(request.user).none()
    return agency_subtree(request.agency).filter(pk__in=agencies_visible_to(request.user))


def _mark_overdue(problems, today):
    """The problems as a list, each knowing whether it is past its deadline (for the badge)."""
    rows = list(problems)
    for problem in rows:
        problem.overdue = problem.is_overdue(today)
    return rows


# --------------------------------------------------------------------------------------------- dashboard
@staff_view
def dashboard(request):
    context = dashboard_selectors.supervision_overview(
        agencies=_scope(request), user=request.user, today=timezone.localdate()
    )
    return render(request, "supervision/dashboard.html", {**context, "agency": request.agency})


@staff_view
def catalogue_records(request, kind: str):
    """Drill-down from the dashboard: the catalogue items behind the review-backlog or personal-data figure."""
    if kind not in dashboard_selectors.CATALOGUE_CELLS:
        raise Http404
    items, rows = dashboard_selectors.catalogue_records(kind=kind, agencies=_scope(request), user=request.user)
    return render(
        request,
        "supervision/catalogue_records.html",
        {"kind": kind, "items": items, "rows": rows, "agency": request.agency},
    )


@staff_view
def application_alerts(request, state: str):
    """Drill-down from the dashboard: the subtree's applications due soon or overdue, each linked to its case."""
    if state not in dashboard_selectors.APPLICATION_STATES:
        raise Http404
    rows = dashboard_selectors.applications_alerted(state=state, agencies=_scope(request), user=request.user)
    return render(
        request,
        "supervision/application_alerts.html",
        {"state": state, "rows": rows.select_related("agency")[:500], "agency": request.agency},
    )


@staff_view
def annual_reports(request):
    """Drill-down from the dashboard: annual reports missing or published after the Article 49 deadline."""
    checks = annual_reports_not_published_in_time(agencies=_scope(request), today=timezone.localdate())
    return render(request, "supervision/annual_reports.html", {"checks": checks, "agency": request.agency})


# --------------------------------------------------------------------------------------------- new media
@staff_view
def account_list(request):
    today = timezone.localdate()
    accounts = new_media_accounts_visible_to(request.user).filter(agency__in=_scope(request))
    only_stale = request.GET.get("stale") == "1"
    if only_stale:
        accounts = stale_new_media_accounts(accounts, today)
    accounts = (
        latest_follower_counts(accounts, today).select_related("agency").order_by("agency__path", "platform", "name")
    )
    rows = [(account, account.is_stale(today)) for account in accounts]
    return render(
        request,
        "supervision/account_list.html",
        {
            "rows": rows,
            "today": today,
            "only_stale": only_stale,
            "can_record": request.agency is not None and agency_can_record(request.user, request.agency),
        },
    )


class SupervisionFormView(RecordFormView):
    """A create or edit page of an account, a training session or an inspection (core.views.RecordFormView)."""

    template_name = "supervision/form.html"

    def may_edit(self, user, agency) -> bool:
        return agency_can_record(user, agency)


class AccountNew(SupervisionFormView):
    form_class = NewMediaAccountForm
    title = _("登记政务新媒体账号")

    def perform(self, form):
        return new_media_account_create(actor=self.request.user, agency=self.request.agency, **form.cleaned_data)

    def get_success_message(self) -> str:
        return _("已登记账号：%(name)s") % {"name": self.result.name}

    def get_success_url(self) -> str:
        return reverse("supervision:account", args=[self.result.pk])


class AccountEdit(AccountNew):
    form_class = NewMediaAccountEditForm
    title = _("修改政务新媒体账号")
    success_message = _("账号信息已保存。")

    def get_record(self, pk: int):
        return new_media_account_get_for_user(self.request.user, pk)

    def perform(self, form):
        return new_media_account_update(actor=self.request.user, account=self.record, **form.cleaned_data)

    def get_success_message(self) -> str:
        return str(self.success_message)


class AccountImport(SupervisionFormView):
    form_class = FollowerImportForm
    title = _("导入关注数")
    success_url = reverse_lazy("supervision:accounts")

    def get_context_data(self, **kwargs):
        return super().get_context_data(multipart=True, **kwargs)

    def perform(self, form):
        return follower_counts_import(
            actor=self.request.user, agency=self.request.agency, rows=form.cleaned_data["rows"]
        )

    def get_success_message(self) -> str:
        return _("已导入 %(count)d 条关注数记录。") % {"count": self.result}


class AccountDetail(ServiceFormView):
    """An account with its follower counts; those who may record for its agency record a count here."""

    form_class = FollowerCountForm
    template_name = "supervision/account_detail.html"
    success_message = _("关注数已记录。")

    def load(self, pk: int) -> None:
        self.account = new_media_account_get_for_user(self.request.user, pk)
        self.can_record = agency_can_record(self.request.user, self.account.agency)

    def check_access(self) -> None:
        if self.request.method == "POST" and not self.can_record:
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        counts = list(self.account.follower_counts.order_by("recorded_on"))
        top = max((c.followers for c in counts), default=0) or 1
        return super().get_context_data(
            account=self.account,
            counts=[(c, round(100 * c.followers / top, 1)) for c in counts],
            stale=self.account.is_stale(timezone.localdate()),
            can_record=self.can_record,
            **kwargs,
        )

    def perform(self, form):
        return follower_count_record(actor=self.request.user, account=self.account, **form.cleaned_data)

    def get_success_url(self) -> str:
        return reverse("supervision:account", args=[self.account.pk])


account_new = staff_view(AccountNew.as_view())
account_edit = staff_view(AccountEdit.as_view())
account_import = staff_view(AccountImport.as_view())
account_detail = staff_view(AccountDetail.as_view())


# ---------------------------------------------------------------------------------------------- training
@staff_view
def training_list(request):
    sessions = training_sessions_visible_to(request.user).filter(agency__in=_scope(request)).select_related("agency")
    year = request.GET.get("year", "")
    if year.isdigit():
        sessions = sessions.filter(held_on__year=query_year(request))
    editable = set(agencies_where_user_can_record(request.user).values_list("pk", flat=True))
    return render(
        request,
        "supervision/training_list.html",
        {
            "sessions": [(s, s.agency_id in editable) for s in sessions],
            "year": year,
            "can_record": request.agency is not None and agency_can_record(request.user, request.agency),
        },
    )


class TrainingNew(SupervisionFormView):
    form_class = TrainingSessionForm
    title = _("登记培训")
    success_message = _("培训已登记。")
    success_url = reverse_lazy("supervision:training")

    def perform(self, form):
        return training_session_create(actor=self.request.user, agency=self.request.agency, **form.cleaned_data)


class TrainingEdit(TrainingNew):
    title = _("修改培训记录")
    success_message = _("培训记录已保存。")

    def get_record(self, pk: int):
        return training_session_get_for_user(self.request.user, pk)

    def perform(self, form):
        return training_session_update(actor=self.request.user, session=self.record, **form.cleaned_data)


training_new = staff_view(TrainingNew.as_view())
training_edit = staff_view(TrainingEdit.as_view())


# ------------------------------------------------------------------------------------------- inspections
@staff_view
def inspection_list(request):
    inspections = inspections_visible_to(request.user).select_related("agency")
    return render(
        request,
        "supervision/inspection_list.html",
        {
            "inspections": inspections,
            "can_record": request.agency is not None and agency_can_record(request.user, request.agency),
        },
    )


class InspectionNew(SupervisionFormView):
    form_class = InspectionForm
    title = _("登记检查")
    success_message = _("检查已登记，请登记发现的问题。")

    def perform(self, form):
        return inspection_create(actor=self.request.user, agency=self.request.agency, **form.cleaned_data)

    def get_success_url(self) -> str:
        return reverse("supervision:inspection", args=[self.result.pk])


class InspectionDetail(ServiceFormView):
    """An inspection with the problems it found; the inspecting agency records further problems here."""

    form_class = InspectionProblemForm
    template_name = "supervision/inspection_detail.html"
    success_message = _("问题已登记。")

    def load(self, pk: int) -> None:
        self.inspection = inspection_get_for_user(self.request.user, pk)
        self.can_manage = inspection_can_manage(self.request.user, self.inspection)

    def check_access(self) -> None:
        if self.request.method == "POST" and not self.can_manage:
            raise PermissionDenied

    def get_extra_form_kwargs(self):
        return {"agencies": agency_subtree(self.inspection.agency, include_self=False).filter(is_active=True)}

    def get_context_data(self, **kwargs):
        problems = inspection_problems_visible_to(self.request.user).filter(inspection=self.inspection)
        return super().get_context_data(
            inspection=self.inspection,
            problems=_mark_overdue(problems.select_related("responsible_agency"), timezone.localdate()),
            can_manage=self.can_manage,
            today=timezone.localdate(),
            **kwargs,
        )

    def perform(self, form):
        return inspection_problem_record(actor=self.request.user, inspection=self.inspection, **form.cleaned_data)

    def get_success_url(self) -> str:
        return reverse("supervision:inspection", args=[self.inspection.pk])


inspection_new = staff_view(InspectionNew.as_view())
inspection_detail = staff_view(InspectionDetail.as_view())


@staff_view
def problem_list(request):
    """Drill-down from the dashboard: problems in scope, by status, responsible agency or overdue."""
    problems = inspection_problems_visible_to(request.user).filter(responsible_agency__in=_scope(request))
    status = request.GET.get("status", "")
    if status in ProblemStatus.values:
        problems = problems.filter(status=status)
    if (agency_id := request.GET.get("agency", "")).isdigit():
        problems = problems.filter(responsible_agency_id=query_id(request, "agency", label=_("责任机关")))
    overdue = request.GET.get("overdue") == "1"
    if overdue:
        problems = problems_overdue(problems)
    page = Paginator(
        problems.select_related("responsible_agency", "inspection").order_by("deadline", "id"), 50
    ).get_page(request.GET.get("page"))
    page.object_list = _mark_overdue(page.object_list, timezone.localdate())
    return render(
        request,
        "supervision/problem_list.html",
        {"page": page, "status": status, "overdue": overdue, "statuses": ProblemStatus.choices,
         "agency_id": agency_id if agency_id.isdigit() else "",
         "today": timezone.localdate()},
    )  # fmt: skip


def _may_move(user, problem) -> bool:
    return inspection_can_manage(user, problem.inspection) or problem_can_rectify(user, problem)


# A problem an inspection found is verified (or dismissed), fed back, rectified and closed. The form offers the
# moves the transition table allows from the current status; the service checks who may make each one.
PROBLEM_ACTIONS = ActionSet(
    [
        Action("move", _("提交"), call_service(inspection_problem_move, "problem"), form=ProblemMoveForm,
               form_kwargs=lambda problem: {"problem": problem}, allowed=_may_move,
               possible=lambda problem: bool(PROBLEM_TRANSITIONS[problem.status]), success=_("问题状态已更新。"),
               url=lambda problem: reverse("supervision:problem_move", args=[problem.pk])),
    ]
)  # fmt: skip


def _problem_page(request, problem, *, bound=None, status=200):
    return render(
        request,
        "supervision/problem_detail.html",
        {"problem": problem, "actions": PROBLEM_ACTIONS.available(request.user, problem, bound=bound),
         "overdue": problem.is_overdue(timezone.localdate())},
        status=status,
    )  # fmt: skip


@staff_view
def problem_detail(request, pk: int):
    return _problem_page(request, inspection_problem_get_for_user(request.user, pk))


@require_POST
@staff_view
def problem_move(request, pk: int):
    problem = inspection_problem_get_for_user(request.user, pk)
    success_url = reverse("supervision:problem", args=[problem.pk])
    return run_action(request, PROBLEM_ACTIONS, "move", problem, page=_problem_page, success_url=success_url)


# ------------------------------------------------------------------------------------------- site checks
@staff_view
def site_check(request):
    run = site_check_latest_run()
    findings = site_check_findings(run, _scope(request)).select_related("agency")
    return render(request, "supervision/site_check.html", {"run": run, "findings": findings})
