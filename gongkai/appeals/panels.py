"""What the appeals app adds to other pages: the application's appeals, and the dashboard's deadlines."""

from django.utils import timezone

from gongkai.accounts.access import user_has_role
from gongkai.accounts.models import Role
from gongkai.appeals.selectors import appeal_deadlines, appeals_for_application


def application_appeals(request, application):
    reconsiderations, lawsuits = appeals_for_application(application)
    can_register = user_has_role(request.user, application.agency, Role.CLERK, Role.AGENCY_ADMIN, Role.APPROVER)
    if not reconsiderations and not lawsuits and not can_register:
        return None
    return {"reconsiderations": reconsiderations, "lawsuits": lawsuits, "can_register": can_register}


def deadlines_panel(request, agency):
    if agency is None:
        return None
    rows = [row for row in appeal_deadlines(agencies=[agency], today=timezone.localdate()) if row.state != "open"]
    return {"rows": rows} if rows else None
