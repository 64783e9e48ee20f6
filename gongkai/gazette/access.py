"""Who may see and change gazette issues; built on gongkai.accounts.access, used by every view."""

from django.db.models import QuerySet
from django.http import Http404

from gongkai.accounts.access import agencies_visible_to, user_has_role
from gongkai.accounts.models import Role
from gongkai.gazette.models import GazetteIssue


def gazette_issues_visible_to(user) -> QuerySet[GazetteIssue]:
    return GazetteIssue.objects.filter(agency__in=agencies_visible_to(user)).select_related("agency")


def gazette_issue_get_for_user(user, pk) -> GazetteIssue:
    issue = gazette_issues_visible_to(user).filter(pk=pk).first()
    if issue is None:
        raise Http404
    return issue


def gazette_can_edit(user, agency) -> bool:
    return user_has_role(user, agency, Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.AGENCY_ADMIN)


def gazette_can_publish(user, agency) -> bool:
    return user_has_role(user, agency, Role.REVIEWER, Role.APPROVER)
