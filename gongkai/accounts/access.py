"""Who may see and change what. Every app's access functions build on these; views never filter themselves.

The rules:
- a site administrator sees and manages everything;
- clerk, reviewer, approver and agency administrator act within the agencies where they hold the role,
  and see nothing of other agencies;
- a supervisor sees the agency and everything below it, and changes nothing.
"""

from functools import reduce
from operator import attrgetter, or_

from django.db.models import Q, QuerySet
from django.http import Http404

from gongkai.accounts.models import ACTING_ROLES, Role, RoleAssignment, User
from gongkai.agencies.models import Agency

_by_path = attrgetter("path")  # agencies in the tree's order (the materialised path)


def _assignments(user) -> list[tuple[int, str, str]]:
    """(agency id, agency path, role) for the user's roles, cached on the user object for the request.

    The same query reads the agencies themselves (`user_role_agencies`, the back office's agency switcher): one
    query fewer on every staff page (issue #15).
    """
    cached = getattr(user, "_gongkai_roles", None)
    if cached is None:
        assignments = list(RoleAssignment.objects.filter(user=user, agency__is_active=True).select_related("agency"))
        cached = [(a.agency_id, a.agency.path, a.role) for a in assignments]
        user._gongkai_roles = cached
        user._gongkai_role_agencies = sorted({a.agency_id: a.agency for a in assignments}.values(), key=_by_path)
    return cached


def user_role_agencies(user) -> list[Agency]:
    """The active agencies where the user holds any role, in the tree's order, from the roles' own query."""
    _assignments(user)
    return list(user._gongkai_role_agencies)


def _is_staff_user(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def agencies_visible_to(user) -> QuerySet[Agency]:
    """Agencies whose records the user may read."""
    if not _is_staff_user(user):
        return Agency.objects.none()
    if user.is_superuser:
        return Agency.objects.all()
    roles = _assignments(user)
    own = [agency_id for agency_id, _path, role in roles if role in ACTING_ROLES]
    subtrees = [Q(path__startswith=path) for _id, path, role in roles if role == Role.SUPERVISOR]
    condition = reduce(or_, subtrees, Q(pk__in=own))
    return Agency.objects.filter(condition)


def agencies_where_user_can(user, *roles: str) -> QuerySet[Agency]:
    """Agencies where the user holds one of these acting roles (site administrators: all agencies)."""
    if not _is_staff_user(user):
        return Agency.objects.none()
    if user.is_superuser:
        return Agency.objects.all()
    wanted = set(roles or ACTING_ROLES) & ACTING_ROLES
    return Agency.objects.filter(pk__in=[a for a, _p, r in _assignments(user) if r in wanted])


def user_has_role(user, agency: Agency, *roles: str) -> bool:
    """Whether the user may act in `agency` in one of `roles` (any acting role when none is named)."""
    if not _is_staff_user(user) or agency is None:
        return False
    if user.is_superuser:
        return True
    wanted = set(roles or ACTING_ROLES) & ACTING_ROLES
    return any(a == agency.pk and r in wanted for a, _p, r in _assignments(user))


def user_can_see_agency(user, agency: Agency) -> bool:
    if not _is_staff_user(user) or agency is None:
        return False
    if user.is_superuser:
        return True
    for agency_id, path, role in _assignments(user):
        if role == Role.SUPERVISOR and agency.path.startswith(path):
            return True
        if role in ACTING_ROLES and agency_id == agency.pk:
            return True
    return False


def user_roles_in(user, agency: Agency) -> set[str]:
    return {r for a, _p, r in _assignments(user) if a == agency.pk}


def user_role_summary(user) -> set[str]:
    """Every role the user holds anywhere; site administrators get the pseudo-role 'site_admin'."""
    roles = {r for _a, _p, r in _assignments(user)} if _is_staff_user(user) else set()
    if _is_staff_user(user) and user.is_superuser:
        roles.add("site_admin")
    return roles


def agency_get_for_user(user, pk) -> Agency:
    """The agency if the user may see it; 404 otherwise (so its existence is not revealed)."""
    agency = agencies_visible_to(user).filter(pk=pk).first()
    if agency is None:
        raise Http404
    return agency


def agency_can_edit(user, agency: Agency) -> bool:
    """Editing an agency's details: its administrator or a site administrator."""
    return user_has_role(user, agency, Role.AGENCY_ADMIN)


def agency_can_manage_roles(user, agency: Agency) -> bool:
    return user_has_role(user, agency, Role.AGENCY_ADMIN)


def users_visible_to(user) -> QuerySet:
    """Users holding a role in an agency the user administers (all users for a site administrator)."""
    if not _is_staff_user(user):
        return User.objects.none()
    if user.is_superuser:
        return User.objects.all()
    administered = agencies_where_user_can(user, Role.AGENCY_ADMIN)
    return User.objects.filter(roles__agency__in=administered).distinct()


def forget_cached_roles(user) -> None:
    for name in ("_gongkai_roles", "_gongkai_role_agencies"):
        if hasattr(user, name):
            delattr(user, name)
