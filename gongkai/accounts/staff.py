"""The back office's sense of "where am I": the agency the user is working in, chosen with the switcher."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from gongkai.accounts.access import agencies_visible_to, user_role_agencies, user_role_summary, user_roles_in
from gongkai.accounts.models import Role
from gongkai.agencies.models import Agency

SESSION_KEY = "current_agency_id"


def switchable_agencies(user) -> list[Agency]:
    """The agencies offered in the switcher: where the user holds a role (site admins: the roots and theirs)."""
    # Read with the roles every access check of the request reads anyway: no query of its own.
    own = user_role_agencies(user)
    if not user.is_superuser:
        return own
    qs = Agency.objects.filter(is_active=True, depth__lte=1) | Agency.objects.filter(pk__in=[a.pk for a in own])
    return list(qs.distinct().order_by("path"))


def current_agency(request, choices: list[Agency] | None = None) -> Agency | None:
    """The agency chosen in the switcher (`choices`, when the caller already has them), else the first."""
    if choices is None:
        choices = switchable_agencies(request.user)
    chosen = request.session.get(SESSION_KEY)
    for agency in choices:
        if agency.pk == chosen:
            return agency
    if chosen and (agency := agencies_visible_to(request.user).filter(pk=chosen).first()):
        return agency
    return choices[0] if choices else None


def read_only_post(view):
    """Marks a staff view whose POST changes nothing of the record (the agency switcher), open to supervisors."""
    view.read_only_post = True
    return view


def supervision_post(view):
    """Marks a staff view whose POST records a supervisor's own oversight work (年报审查: taking in and auditing
    the annual reports of the agencies below), which changes none of those agencies' records; open to
    supervisors. The view's service still checks that the agency audited is in the supervisor's subtree."""
    view.read_only_post = True
    return view


def acts_in_current_agency(request) -> bool:
    """Whether the user may change things where they work: a site administrator, or an acting role there.

    Supervisors read and change nothing (docs/access.md), so a user whose roles in the agency they are working
    in are only 监督人员 (or who works in an agency they only see through a supervisor role) may not POST.
    """
    if request.user.is_superuser:
        return True
    return bool(request.agency_roles - {Role.SUPERVISOR})


def staff_view(view):
    """Login required; sets request.agency, request.agencies (the switcher) and request.roles.

    A POST from a user who only reads in the current agency (a supervisor) is refused with 403 here, once for
    every staff page, before any view or service runs.
    """

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.agencies = switchable_agencies(request.user)
        request.agency = current_agency(request, request.agencies)
        request.roles = user_role_summary(request.user)
        request.agency_roles = user_roles_in(request.user, request.agency) if request.agency else set()
        if (
            request.method == "POST"
            and not getattr(view, "read_only_post", False)
            and not acts_in_current_agency(request)
        ):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
