"""The dashboard panels of the foundation: roles, calendar warnings, recent activity, people, subtree, system."""

from django.utils import timezone

from gongkai.accounts.access import agencies_visible_to
from gongkai.accounts.models import ACTING_ROLES, Role, RoleAssignment, User
from gongkai.agencies.models import Agency
from gongkai.agencies.selectors import agency_subtree
from gongkai.audit.models import AuditChainHead
from gongkai.audit.selectors import audit_events_for_agencies
from gongkai.core.registry import DashboardPanel, register_dashboard_panel
from gongkai.workdays.selectors import unverified_years_near

ALL = frozenset({*ACTING_ROLES, Role.SUPERVISOR, "site_admin"})


def my_roles(request, agency):
    return {"assignments": RoleAssignment.objects.filter(user=request.user).select_related("agency")}


def calendar_warning(request, agency):
    years = unverified_years_near(timezone.localdate())
    return {"years": years} if years else None


def recent_activity(request, agency):
    if agency is None:
        return None
    return {"events": audit_events_for_agencies([agency.pk]).select_related("actor")[:8]}


def people(request, agency):
    if agency is None or not ({Role.AGENCY_ADMIN} & request.agency_roles or request.user.is_superuser):
        return None
    return {"agency": agency, "count": RoleAssignment.objects.filter(agency=agency).values("user").distinct().count()}


def subtree(request, agency):
    supervised = RoleAssignment.objects.filter(user=request.user, role=Role.SUPERVISOR).select_related("agency")
    # The whole subtree, the agency itself included, as the supervision dashboard counts it.
    rows = [(a.agency, agency_subtree(a.agency).count()) for a in supervised]
    return {"rows": rows} if rows else None


def system(request, agency):
    head = AuditChainHead.objects.filter(pk=1).first()
    return {
        "agencies": Agency.objects.count(),
        "visible": agencies_visible_to(request.user).count(),
        "users": User.objects.filter(is_active=True).count(),
        "events": head.event_count if head else 0,
    }


def register() -> None:
    register_dashboard_panel(DashboardPanel("my_roles", "backoffice/panels/my_roles.html", my_roles, ALL, order=1))
    register_dashboard_panel(
        DashboardPanel("calendar_warning", "backoffice/panels/calendar_warning.html", calendar_warning, ALL, order=0)
    )
    register_dashboard_panel(
        DashboardPanel("recent_activity", "backoffice/panels/recent_activity.html", recent_activity, ALL, order=90)
    )
    register_dashboard_panel(
        DashboardPanel(
            "people", "backoffice/panels/people.html", people, frozenset({Role.AGENCY_ADMIN, "site_admin"}), order=50
        )
    )
    register_dashboard_panel(
        DashboardPanel("subtree", "backoffice/panels/subtree.html", subtree, frozenset({Role.SUPERVISOR}), order=20)
    )
    register_dashboard_panel(
        DashboardPanel("system", "backoffice/panels/system.html", system, frozenset({"site_admin"}), order=80)
    )
