"""The back office shell: dashboard, agency switcher, agencies, people and roles, calendar, audit trail."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from gongkai.accounts.access import (
    agencies_visible_to,
    agency_can_edit,
    agency_can_manage_roles,
    agency_get_for_user,
    users_visible_to,
)
from gongkai.accounts.models import RoleAssignment, User
from gongkai.accounts.services import role_grant, role_revoke, user_create, user_password_set, user_set_active
from gongkai.accounts.staff import SESSION_KEY, read_only_post, staff_view
from gongkai.agencies.models import Agency
from gongkai.agencies.selectors import agency_ancestors, agency_report_name, agency_tree_rows
from gongkai.agencies.services import agency_create, agency_update
from gongkai.audit.selectors import (
    audit_chain_verify,
    audit_events_all,
    audit_events_for_agencies,
    audit_events_matching,
    audit_timeline,
)
from gongkai.audit.verbs import audit_verb_label, audit_verbs
from gongkai.backoffice.forms import (
    AgencyForm,
    AuditFilterForm,
    DeadlineForm,
    DeleteOverrideForm,
    GrantRoleForm,
    HolidayNoticeForm,
    NewUserForm,
    RevokeRoleForm,
    WorkdayOverrideForm,
)
from gongkai.core.actions import Action, ActionSet, call_service, run_action
from gongkai.core.params import check_year
from gongkai.core.registry import dashboard_panels_for
from gongkai.core.spreadsheets import table_response
from gongkai.core.views import RecordFormView, ServiceFormView
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


class AgencyFormView(RecordFormView):
    """Edit an agency (its administrator) or add one (site administrators only)."""

    form_class = AgencyForm
    template_name = "backoffice/agency_form.html"

    def get_record(self, pk: int):
        return agency_get_for_user(self.request.user, pk)

    def record_agency(self):
        return self.record

    def may_edit(self, user, agency) -> bool:
        return agency_can_edit(user, agency)

    def get_extra_form_kwargs(self):
        if self.request.user.is_superuser:
            return {"parent_choices": Agency.objects.all()}
        return {"parent_choices": Agency.objects.filter(pk=self.record.parent_id)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.record, **kwargs)

    def get_success_url(self) -> str:
        return reverse("backoffice:agency", args=[self.result.pk])


class AgencyEdit(AgencyFormView):
    success_message = _("机关信息已保存。")

    def perform(self, form):
        fields = dict(form.cleaned_data)
        if not self.request.user.is_superuser:
            fields.pop("parent")  # only site administrators move agencies within the tree
        return agency_update(actor=self.request.user, agency=self.record, **fields)


class AgencyNew(AgencyFormView):
    def check_access(self) -> None:
        if not self.request.user.is_superuser:
            raise PermissionDenied

    def get_initial(self):
        parent = self.request.GET.get("parent")
        return {"parent": parent} if parent else {}

    def perform(self, form):
        fields = dict(form.cleaned_data)
        return agency_create(actor=self.request.user, parent=fields.pop("parent"), **fields)

    def get_success_message(self) -> str:
        return _("已添加机关：%(name)s") % {"name": self.result.name}


agency_edit = staff_view(AgencyEdit.as_view())
agency_new = staff_view(AgencyNew.as_view())


# ------------------------------------------------------------------------------------- people and roles
def _may_manage_roles(user, agency) -> bool:
    return agency_can_manage_roles(user, agency)


# Granting and revoking roles in an agency (its administrator or a site administrator).
ROLE_ACTIONS = ActionSet(
    [
        Action("grant", _("授予"),
               lambda request, agency, data: role_grant(
                   actor=request.user, user=data["user"], agency=agency, role=data["role"]),
               form=GrantRoleForm, form_kwargs=lambda agency: {"prefix": "grant"}, allowed=_may_manage_roles,
               success=_("已授予角色。")),
        Action("revoke", _("撤销"), call_service(role_revoke), form=RevokeRoleForm,
               form_kwargs=lambda agency: {"agency": agency}, allowed=_may_manage_roles, success=_("已撤销角色。"),
               style="danger"),
    ]
)  # fmt: skip


def _people_context(request, agency, *, bound=None) -> dict:
    assignments = RoleAssignment.objects.filter(agency=agency).select_related("user").order_by("user__username", "role")
    actions = {a.name: a for a in ROLE_ACTIONS.available(request.user, agency, bound=bound)}
    return {"object": agency, "assignments": assignments, "actions": actions}


class AgencyPeople(ServiceFormView):
    """The people of an agency: create a user with a role here; grant and revoke are the page's actions."""

    form_class = NewUserForm
    prefix = "new"
    template_name = "backoffice/agency_people.html"

    def load(self, pk: int) -> None:
        self.agency = agency_get_for_user(self.request.user, pk)

    def check_access(self) -> None:
        if not _may_manage_roles(self.request.user, self.agency):
            raise PermissionDenied

    def post(self, request, *args, **kwargs):
        name = request.POST.get("action")
        if name in ROLE_ACTIONS:
            return run_action(
                request, ROLE_ACTIONS, name, self.agency, page=self.page, success_url=self.get_success_url()
            )
        return super().post(request, *args, **kwargs)

    def page(self, request, agency, *, bound, status):
        return self.render_to_response(
            self.get_context_data(form=self.get_form_class()(prefix="new"), bound=bound), status=status
        )

    def get_context_data(self, bound=None, **kwargs):
        return super().get_context_data(**_people_context(self.request, self.agency, bound=bound), **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        with transaction.atomic():
            user = user_create(
                actor=self.request.user,
                **{name: data[name] for name in ("username", "full_name", "password", "email", "phone", "job_title")},
            )
            role_grant(actor=self.request.user, user=user, agency=self.agency, role=data["role"])
        return user

    def get_success_message(self) -> str:
        return _("已创建用户 %(name)s 并授予角色。") % {"name": self.result}

    def get_success_url(self) -> str:
        return reverse("backoffice:agency_people", args=[self.agency.pk])


agency_people = staff_view(AgencyPeople.as_view())


@staff_view
def user_list(request):
    users = users_visible_to(request.user).prefetch_related("roles__agency").order_by("username")
    return render(request, "backoffice/user_list.html", {"users": users})


def _password_errors_on_the_form(exc: ValidationError) -> ValidationError:
    """The service names the password `password`; Django's password forms call it new_password2."""
    return ValidationError({"new_password2": exc.message_dict.get("password", exc.messages)})


class PasswordChange(ServiceFormView):
    """修改密码: the person's own password, the old one asked first (Django's form, its validators and messages)."""

    template_name = "backoffice/password_change.html"
    form_class = PasswordChangeForm
    success_message = _("密码已修改。您在其他设备上的登录已失效。")

    def get_extra_form_kwargs(self):
        return {"user": self.request.user}

    def perform(self, form):
        try:
            user = user_password_set(
                actor=self.request.user, user=self.request.user, password=form.cleaned_data["new_password1"]
            )
        except ValidationError as exc:
            raise _password_errors_on_the_form(exc) from exc
        update_session_auth_hash(self.request, user)  # this session stays; every other one ends
        return user

    def get_success_url(self) -> str:
        return reverse("backoffice:dashboard")


# One's own account, not a record of the agency one works in: supervisors change their own password too.
password_change = staff_view(read_only_post(PasswordChange.as_view()))


def _user_for_site_admin(request, pk: int) -> User:
    if not request.user.is_superuser:
        raise PermissionDenied
    user = User.objects.filter(pk=pk).prefetch_related("roles__agency").first()
    if user is None:
        raise Http404
    return user


@staff_view
def user_detail(request, pk: int):
    """A user's account for the site administrator: roles, state, and the ways to reset or stop it."""
    user = _user_for_site_admin(request, pk)
    return render(request, "backoffice/user_detail.html", {"account": user})


class UserPasswordReset(ServiceFormView):
    """重置密码: the site administrator gives a user a new password (a forgotten one), told to them in person."""

    template_name = "backoffice/user_password.html"
    form_class = SetPasswordForm
    success_message = _("已重置该用户的密码，请当面或电话告知本人，并提醒其登录后修改。")

    def load(self, *, pk: int) -> None:
        self.account = _user_for_site_admin(self.request, pk)

    def get_extra_form_kwargs(self):
        return {"user": self.account}

    def perform(self, form):
        try:
            return user_password_set(
                actor=self.request.user, user=self.account, password=form.cleaned_data["new_password1"]
            )
        except ValidationError as exc:
            raise _password_errors_on_the_form(exc) from exc

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "account": self.account}

    def get_success_url(self) -> str:
        return reverse("backoffice:user", args=[self.account.pk])


user_password = staff_view(UserPasswordReset.as_view())


@require_POST
@staff_view
def user_active(request, pk: int):
    """停用 or 启用 (the button sends active=0 or 1)."""
    account = _user_for_site_admin(request, pk)
    wanted = request.POST.get("active", "")
    if wanted not in ("0", "1"):
        messages.error(request, _("请选择停用或启用。"))
    else:
        try:
            user_set_active(actor=request.user, user=account, active=wanted == "1")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("账号已启用。") if wanted == "1" else _("账号已停用，该用户不能再登录。"))
    return HttpResponseRedirect(reverse("backoffice:user", args=[account.pk]))


# --------------------------------------------------------------------------------------------- calendar
def _parse_month(value: str | None, today: dt.date) -> dt.date:
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        first = dt.date(year, month, 1)
    except ValueError:
        return today.replace(day=1)
    check_year(first.year, _("月份"))
    return first


# The calendar's column heads: 一 … 日 as a printed Chinese calendar has them, Mon … Sun in English; each with the
# day's full name for a screen reader.
CHINESE_WEEKDAY_HEADS = "一二三四五六日"


def weekday_heads() -> list[tuple[str, str]]:
    chinese = (get_language() or "zh-hans").startswith("zh")
    return [(CHINESE_WEEKDAY_HEADS[i] if chinese else str(WEEKDAYS_ABBR[i]), str(WEEKDAYS[i])) for i in range(7)]


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
            "weekday_heads": weekday_heads(),
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


def _is_site_admin(user, obj) -> bool:
    return user.is_superuser


# The official holiday notices and the days they make holidays or working days (site administrators only).
CALENDAR_ACTIONS = ActionSet(
    [
        Action("notice", _("登记通知"), call_service(holiday_notice_create), form=HolidayNoticeForm,
               form_kwargs=lambda obj: {"prefix": "n"}, allowed=_is_site_admin, success=_("已登记节假日安排通知。")),
        Action("override", _("保存"), call_service(workday_override_set), form=WorkdayOverrideForm,
               form_kwargs=lambda obj: {"prefix": "o"}, allowed=_is_site_admin, success=_("已保存工作日调整。")),
        Action("delete", _("删除"), call_service(workday_override_delete), form=DeleteOverrideForm,
               allowed=_is_site_admin, success=_("已删除工作日调整。"), style="danger"),
    ]
)  # fmt: skip


def _calendar_maintenance_page(request, obj, *, bound=None, status=200):
    actions = {a.name: a for a in CALENDAR_ACTIONS.available(request.user, obj, bound=bound)}
    return render(request, "backoffice/calendar_override.html", {"actions": actions}, status=status)


@staff_view
def calendar_override_new(request):
    if not request.user.is_superuser:
        raise PermissionDenied
    if request.method == "POST":
        return run_action(
            request, CALENDAR_ACTIONS, request.POST.get("action", ""), None,
            page=_calendar_maintenance_page, success_url=reverse("backoffice:calendar"),
        )  # fmt: skip
    return _calendar_maintenance_page(request, None)


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


# The most events one download carries; a larger selection is narrowed first (a whole province's log would not fit
# one worksheet's 1,048,576 rows, and a file cut short would mislead).
AUDIT_EXPORT_MAX = 100_000


def _audit_log_export(request, events, fmt: str):
    """The selected events as CSV or XLSX, or None (with a message) when there are too many to carry."""
    if events.count() > AUDIT_EXPORT_MAX:
        messages.error(
            request, _("符合条件的记录超过 %(max)s 条，请缩小筛选范围后再导出。") % {"max": f"{AUDIT_EXPORT_MAX:,}"}
        )
        return None
    zone = timezone.get_current_timezone()
    rows = (
        (
            e.id,
            timezone.localtime(e.created_at, zone).strftime("%Y-%m-%d %H:%M:%S"),
            e.actor_label,
            audit_verb_label(e.verb),
            e.object_repr,
            e.object_type,
            e.object_id,
            e.client_address,
            e.note,
        )
        for e in events.iterator(chunk_size=2000)
    )
    header = [
        str(label)
        for label in (
            _("编号"), _("时间"), _("操作人"), _("操作"), _("对象"), _("对象类型"), _("对象编号"), _("来源地址"), _("说明")
        )
    ]  # fmt: skip
    stamp = timezone.localdate().isoformat()
    return table_response(header, rows, fmt=fmt, filename=f"audit-log-{stamp}", sheet_title=str(_("操作记录")))


@staff_view
def audit_log(request):
    if request.user.is_superuser and request.GET.get("scope") == "all":
        events = audit_events_all()
    else:
        if request.agency is None:
            raise Http404
        events = audit_events_for_agencies([request.agency.pk])
    # Filters a reviewer uses to answer "who changed this, and when" (an inspection, a complaint about a case); a
    # value the form refuses is named above the form and the log stays unfiltered.
    form = AuditFilterForm(request.GET or None, verbs=audit_verbs())
    filtered = bool(request.GET) and form.is_valid() and any(form.cleaned_data.values())
    if filtered:
        events = audit_events_matching(events, **form.cleaned_data)
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx") and form.is_valid():  # a refused filter downloads nothing: the page names it
        exported = _audit_log_export(request, events, fmt)
        if exported is not None:
            return exported
    page = Paginator(events.select_related("actor"), 50).get_page(request.GET.get("page"))
    verification = None
    if request.user.is_superuser and request.GET.get("verify"):
        verification = audit_chain_verify()
    return render(
        request,
        "backoffice/audit_log.html",
        {"page": page, "verification": verification, "form": form, "filtered": filtered},
    )
