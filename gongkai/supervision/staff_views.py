"""Back office: new-media accounts, training, inspections, site checks and the supervisor's dashboard."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai.accounts.access import agencies_visible_to
from gongkai.accounts.staff import staff_view
from gongkai.agencies.selectors import agency_subtree
from gongkai.core.errors import IllegalTransition
from gongkai.core.forms import apply_service_errors
from gongkai.core.params import query_id, query_year
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
from gongkai.supervision.models import ProblemStatus
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


def _require_recorder(request):
    if request.agency is None or not agency_can_record(request.user, request.agency):
        raise PermissionDenied


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


@staff_view
def account_new(request):
    _require_recorder(request)
    form = NewMediaAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = new_media_account_create(actor=request.user, agency=request.agency, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已登记账号：%(name)s") % {"name": account.name})
            return redirect("supervision:account", pk=account.pk)
    return render(request, "supervision/form.html", {"form": form, "title": _("登记政务新媒体账号")})


@staff_view
def account_detail(request, pk: int):
    account = new_media_account_get_for_user(request.user, pk)
    can_record = agency_can_record(request.user, account.agency)
    form = FollowerCountForm(request.POST or None)
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied
        if form.is_valid():
            try:
                follower_count_record(actor=request.user, account=account, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("关注数已记录。"))
                return redirect("supervision:account", pk=account.pk)
    counts = list(account.follower_counts.order_by("recorded_on"))
    top = max((c.followers for c in counts), default=0) or 1
    return render(
        request,
        "supervision/account_detail.html",
        {
            "account": account,
            "counts": [(c, round(100 * c.followers / top, 1)) for c in counts],
            "stale": account.is_stale(timezone.localdate()),
            "form": form,
            "can_record": can_record,
        },
    )


@staff_view
def account_edit(request, pk: int):
    account = new_media_account_get_for_user(request.user, pk)
    if not agency_can_record(request.user, account.agency):
        raise PermissionDenied
    form = NewMediaAccountEditForm(request.POST or None, instance=account)
    if request.method == "POST" and form.is_valid():
        try:
            new_media_account_update(
                actor=request.user, account=new_media_account_get_for_user(request.user, pk), **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("账号信息已保存。"))
            return redirect("supervision:account", pk=account.pk)
    return render(request, "supervision/form.html", {"form": form, "title": _("修改政务新媒体账号")})


@staff_view
def account_import(request):
    _require_recorder(request)
    form = FollowerImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = follower_counts_import(actor=request.user, agency=request.agency, rows=form.cleaned_data["rows"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已导入 %(count)d 条关注数记录。") % {"count": count})
            return redirect("supervision:accounts")
    return render(request, "supervision/form.html", {"form": form, "title": _("导入关注数"), "multipart": True})


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


@staff_view
def training_new(request):
    _require_recorder(request)
    form = TrainingSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            training_session_create(actor=request.user, agency=request.agency, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("培训已登记。"))
            return redirect("supervision:training")
    return render(request, "supervision/form.html", {"form": form, "title": _("登记培训")})


@staff_view
def training_edit(request, pk: int):
    session = training_session_get_for_user(request.user, pk)
    if not agency_can_record(request.user, session.agency):
        raise PermissionDenied
    form = TrainingSessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            training_session_update(
                actor=request.user, session=training_session_get_for_user(request.user, pk), **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("培训记录已保存。"))
            return redirect("supervision:training")
    return render(request, "supervision/form.html", {"form": form, "title": _("修改培训记录")})


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


@staff_view
def inspection_new(request):
    _require_recorder(request)
    form = InspectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            inspection = inspection_create(actor=request.user, agency=request.agency, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("检查已登记，请登记发现的问题。"))
            return redirect("supervision:inspection", pk=inspection.pk)
    return render(request, "supervision/form.html", {"form": form, "title": _("登记检查")})


@staff_view
def inspection_detail(request, pk: int):
    inspection = inspection_get_for_user(request.user, pk)
    can_manage = inspection_can_manage(request.user, inspection)
    subordinates = agency_subtree(inspection.agency, include_self=False).filter(is_active=True)
    form = InspectionProblemForm(request.POST or None, agencies=subordinates)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                inspection_problem_record(actor=request.user, inspection=inspection, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("问题已登记。"))
                return redirect("supervision:inspection", pk=inspection.pk)
    problems = _mark_overdue(
        inspection_problems_visible_to(request.user).filter(inspection=inspection).select_related("responsible_agency"),
        timezone.localdate(),
    )
    return render(
        request,
        "supervision/inspection_detail.html",
        {"inspection": inspection, "problems": problems, "form": form, "can_manage": can_manage,
         "today": timezone.localdate()},
    )  # fmt: skip


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


@staff_view
def problem_detail(request, pk: int):
    problem = inspection_problem_get_for_user(request.user, pk)
    form = ProblemMoveForm(request.POST or None, problem=problem)
    may_act = inspection_can_manage(request.user, problem.inspection) or problem_can_rectify(request.user, problem)
    return render(
        request,
        "supervision/problem_detail.html",
        {"problem": problem, "form": form, "may_act": may_act and bool(form.fields["status"].choices),
         "overdue": problem.is_overdue(timezone.localdate())},
    )  # fmt: skip


@require_POST
@staff_view
def problem_move(request, pk: int):
    problem = inspection_problem_get_for_user(request.user, pk)
    form = ProblemMoveForm(request.POST, problem=problem)
    if form.is_valid():
        try:
            inspection_problem_move(
                actor=request.user, problem=problem, status=form.cleaned_data["status"], note=form.cleaned_data["note"]
            )
        except IllegalTransition as exc:
            form.add_error("status", str(exc))
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("问题状态已更新。"))
            return redirect("supervision:problem", pk=problem.pk)
    return render(
        request,
        "supervision/problem_detail.html",
        {"problem": problem, "form": form, "may_act": True, "overdue": problem.is_overdue(timezone.localdate())},
        status=400,
    )


# ------------------------------------------------------------------------------------------- site checks
@staff_view
def site_check(request):
    run = site_check_latest_run()
    findings = site_check_findings(run, _scope(request)).select_related("agency")
    return render(request, "supervision/site_check.html", {"run": run, "findings": findings})
