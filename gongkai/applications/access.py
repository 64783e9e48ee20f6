"""Who may see and act on applications; built on gongkai.accounts.access, used by every view and service."""

from django.db.models import QuerySet
from django.http import Http404

from gongkai.accounts.access import agencies_visible_to, user_can_see_agency, user_has_role
from gongkai.accounts.models import Role
from gongkai.applications.models import Application

HANDLING_ROLES = (Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.AGENCY_ADMIN)


def applications_visible_to(user) -> QuerySet[Application]:
    """Applications of the agencies the user may read (a supervisor: the whole subtree, read only)."""
    return Application.objects.filter(agency__in=agencies_visible_to(user))


def application_get_for_user(user, pk) -> Application:
    """The application if the user may see it; 404 otherwise, so its existence is not revealed.

    Read by its key alone and checked against the roles the request already read (`user_can_see_agency`, the
    same rule as `applications_visible_to`): the query filtered by the visible agencies took PostgreSQL more
    to plan than to run, on every case page (issue #15).
    """
    application = Application.objects.select_related("agency", "applicant", "handler").filter(pk=pk).first()
    if application is None or not user_can_see_agency(user, application.agency):
        raise Http404
    return application


def application_can_handle(user, application: Application) -> bool:
    """Registering, corresponding and replying: the agency's clerks, reviewers, approvers and administrator."""
    return user_has_role(user, application.agency, *HANDLING_ROLES)


def application_can_approve(user, application: Application) -> bool:
    """条例 第三十三条: an extension needs the consent of the head of the disclosure office (the approver)."""
    return user_has_role(user, application.agency, Role.APPROVER)


def agency_can_register_applications(user, agency) -> bool:
    return user_has_role(user, agency, *HANDLING_ROLES)


def letter_templates_can_edit(user, agency) -> bool:
    return user_has_role(user, agency, Role.AGENCY_ADMIN, Role.APPROVER)


def sign_off_can_configure(user, agency) -> bool:
    """Which replies need the approver's sign-off is the agency administrator's setting (internal control)."""
    return user_has_role(user, agency, Role.AGENCY_ADMIN)
