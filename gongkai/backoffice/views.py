"""The back office shell: dashboard, agency switcher, agencies, people and roles, calendar, audit trail."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai.accounts.access import (
    agencies_visible_to,
    agency_can_edit,
    agency_can_manage_roles,
    agency_get_for_user,
    users_visible_to,
)
from gongkai.accounts.models import RoleAssignment
from gongkai.accounts.services import role_grant, role_revoke, user_create
from gongkai.accounts.staff import SESSION_KEY, read_only_post, staff_view
from gongkai.agencies.models import Agency
from gongkai.agencies.selectors import agency_ancestors, agency_report_name, agency_tree_rows
from gongkai.agencies.services import agency_create, agency_update
from gongkai.audit.selectors import audit_chain_verify, audit_events_all, audit_events_for_agencies, audit_timeline
from gongkai.backoffice.forms import (
    AgencyForm,
    DeadlineForm,
    GrantRoleForm,
    HolidayNoticeForm,
    NewUserForm,
    WorkdayOverrideForm,
)
from gongkai.core.forms import apply_service_errors
from gongkai.core.params import check_year
from gongkai.core.registry import dashboard_panels_for
from gongkai.workdays.models import HolidayNotice, WorkdayOverride
from gongkai.workdays.selectors import unverified_years_near, workday_calendar
from gongkai.workdays.services import holiday_notice_create, workday_override_delete, workday_override_set


class LoginView(auth_views.LoginView):
    template_name = "backoffice/login.html"
    redirect_authenticated_user = True


@staff_view
def dashboard(request):
    panels = []
    for panel in dashboard_panels_for(request.roles):
        context = panel.context(request, request.agency)
        if context is not None:
            panels.append((panel, context))
    return render(request, "backoffice/dashboard.html", {"panels": panels})


@require_POST
@staff_view
@read_only_post
def switch_agency(request):
    try:
        agency_id = int(request.POST.get("agency", ""))
    except ValueError:
        agency_id = None
    if agency_id and agencies_visible_to(request.user).filter(pk=agency_id).exists():
        request.session[SESSION_KEY] = agency_id
    else:
        messages.error(request, _("无法切换到该机关。"))
    target = request.POST.get("next") or reverse("backoffice:dashboard")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("backoffice:dashboard")
    return HttpResponseRedirect(target)


# ---------------------------------------------------------------------------------------------- agencies
@staff_view
def agency_list(request):
    rows = agency_tree_rows(agencies_visible_to(request.user).filter(is_active=True))
    return render(request, "backoffice/agency_list.html", {"rows": rows})


@staff_view
def agency_detail(request, pk: int):
    agency = agency_get_for_user(request.user, pk)
    assignments = RoleAssignment.objects.filter(agency=agency).select_related("user").order_by("role", "user__username")
    return render(
        request,
        "backoffice/agency_detail.html",
        {
            "object": agency,
            "ancestors": agency_ancestors(agency),
            "report_name": agency_report_name(agency),
            "assignments": assignments,
            "can_edit": agency_can_edit(request.user, agency),
            "can_manage_roles": agency_can_manage_roles(request.user, agency),
        },
    )


@staff_view
def agency_edit(request, pk: int):
    agency = agency_get_for_user(request.user, pk)
    if not agency_can_edit(request.user, agency):
        raise PermissionDenied
    parents = Agency.objects.all() if request.user.is_superuser else Agency.objects.filter(pk=agency.parent_id)
    form = AgencyForm(request.POST or None, instance=agency, parent_choices=parents)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.fields}
        if not request.user.is_superuser:
            fields.pop("parent")  # only site administrators move agencies within the tree
        try:
            agency_update(actor=request.user, agency=Agency.objects.get(pk=agency.pk), **fields)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("机关信息已保存。"))
            return redirect("backoffice:agency", pk=agency.pk)
    return render(request, "backoffice/agency_form.html", {"form": form, "object": agency})


@staff_view
def agency_new(request):
    if not request.user.is_superuser:
        raise PermissionDenied
    initial = {}
    if parent_id := request.GET.get("parent"):
        initial["parent"] = parent_id
    form = AgencyForm(request.POST or None, initial=initial, parent_choices=Agency.objects.all())
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.fields}
        parent = fields.pop("parent")
        try:
            agency = agency_create(actor=request.user, parent=parent, **fields)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已添加机关：%(name)s") % {"name": agency.name})
            return redirect("backoffice:agency", pk=agency.pk)
    return render(request, "backoffice/agency_form.html", {"form": form, "object": None})


# ------------------------------------------------------------------------------------- people and roles
@staff_view
def agency_people(request, pk: int):
    agency = agency_get_for_user(request.user, pk)
    if not agency_can_manage_roles(request.user, agency):
        raise PermissionDenied
    grant_form = GrantRoleForm(request.POST if request.POST.get("action") == "grant" else None, prefix="grant")
    new_form = NewUserForm(request.POST if request.POST.get("action") == "new" else None, prefix="new")
    if request.method == "POST":
        if request.POST.get("action") == "grant" and grant_form.is_valid():
            role_grant(
                actor=request.user,
                user=grant_form.cleaned_data["user"],
                agency=agency,
                role=grant_form.cleaned_data["role"],
            )
            messages.success(request, _("已授予角色。"))
            return redirect("backoffice:agency_people", pk=agency.pk)
        if request.POST.get("action") == "new" and new_form.is_valid():
            data = new_form.cleaned_data
            try:
                with transaction.atomic():
                    user = user_create(
                        actor=request.user,
                        username=data["username"],
                        full_name=data["full_name"],
                        password=data["password"],
                        email=data["email"],
                        phone=data["phone"],
                        job_title=data["job_title"],
                    )
                    role_grant(actor=request.user, user=user, agency=agency, role=data["role"])
            except ValidationError as exc:
                apply_service_errors(new_form, exc)
            else:
                messages.success(request, _("已创建用户 %(name)s 并授予角色。") % {"name": user})
                return redirect("backoffice:agency_people", pk=agency.pk)
        if request.POST.get("action") == "revoke":
            assignment = get_object_or_404(RoleAssignment, pk=request.POST.get("assignment"), agency=agency)
            role_revoke(actor=request.user, assignment=assignment)
            messages.success(request, _("已撤销角色。"))
            return redirect("backoffice:agency_people", pk=agency.pk)
    assignments = RoleAssignment.objects.filter(agency=agency).select_related("user").order_by("user__username", "role")
    return render(
        request,
        "backoffice/agency_people.html",
        {"object": agency, "assignments": assignments, "grant_form": grant_form, "new_form": new_form},
    )


@staff_view
def user_list(request):
    users = users_visible_to(request.user).prefetch_related("roles__agency").order_by("username")
    return render(request, "backoffice/user_list.html", {"users": users})


# --------------------------------------------------------------------------------------------- calendar
def _parse_month(value: str | None, today: dt.date) -> dt.date:
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        first = dt.date(year, month, 1)
    except ValueError:
        return today.replace(day=1)
    check_year(first.year, _("月份"))
    return first


@staff_view
def calendar_view(request):
    today = timezone.localdate()
    calendar = workday_calendar()
    first = _parse_month(request.GET.get("month"), today)
    days = calendar.month(first.year, first.month)
    weeks: list[list] = [[None] * first.weekday()]
    for info in days:
        if len(weeks[-1]) == 7:
            weeks.append([])
        weeks[-1].append(info)
    weeks[-1].extend([None] * (7 - len(weeks[-1])))
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    form = DeadlineForm(request.GET if "start" in request.GET else None)
    result = None
    if form.is_valid():
        result = calendar.add_working_days(form.cleaned_data["start"], form.cleaned_data["days"])
    return render(
        request,
        "backoffice/calendar.html",
        {
            "first": first,
            "weeks": weeks,
            "year_verified": calendar.year_verified(first.year),
            "previous": previous,
            "following": following,
            "form": form,
            "result": result,
            "unverified_years": unverified_years_near(today),
            "notices": HolidayNotice.objects.all(),
            "overrides": WorkdayOverride.objects.select_related("notice").order_by("-date")[:100],
        },
    )


@staff_view
def calendar_override_new(request):
    if not request.user.is_superuser:
        raise PermissionDenied
    override_form = WorkdayOverrideForm(request.POST if request.POST.get("action") == "override" else None, prefix="o")
    notice_form = HolidayNoticeForm(request.POST if request.POST.get("action") == "notice" else None, prefix="n")
    if request.method == "POST":
        if request.POST.get("action") == "override" and override_form.is_valid():
            workday_override_set(actor=request.user, **override_form.cleaned_data)
            messages.success(request, _("已保存工作日调整。"))
            return redirect("backoffice:calendar")
        if request.POST.get("action") == "notice" and notice_form.is_valid():
            holiday_notice_create(actor=request.user, **notice_form.cleaned_data)
            messages.success(request, _("已登记节假日安排通知。"))
            return redirect("backoffice:calendar")
        if request.POST.get("action") == "delete":
            override = get_object_or_404(WorkdayOverride, pk=request.POST.get("override"))
            workday_override_delete(actor=request.user, override=override)
            messages.success(request, _("已删除工作日调整。"))
            return redirect("backoffice:calendar")
    return render(
        request, "backoffice/calendar_override.html", {"override_form": override_form, "notice_form": notice_form}
    )


# ------------------------------------------------------------------------------------------ audit trail
@staff_view
def history(request, object_type: str, object_id: str):
    """An object's timeline: the events about it in agencies the user may see."""
    events = audit_timeline(object_type=object_type, object_id=object_id)
    if not request.user.is_superuser:
        events = events.filter(agency__in=agencies_visible_to(request.user))
    events = list(events)
    if not events:
        raise Http404
    return render(request, "backoffice/history.html", {"events": events, "title": events[-1].object_repr})


@staff_view
def audit_log(request):
    if request.user.is_superuser and request.GET.get("scope") == "all":
        events = audit_events_all()
    else:
        if request.agency is None:
            raise Http404
        events = audit_events_for_agencies([request.agency.pk])
    page = Paginator(events.select_related("actor"), 50).get_page(request.GET.get("page"))
    verification = None
    if request.user.is_superuser and request.GET.get("verify"):
        verification = audit_chain_verify()
    return render(request, "backoffice/audit_log.html", {"page": page, "verification": verification})
