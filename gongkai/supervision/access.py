"""Who sees and changes supervision records, built on accounts.access (views never filter themselves).

- Records of an agency (accounts, counts, training) are seen by whoever sees the agency and changed by its
  clerks and agency administrators.
- An inspection is seen by whoever sees the inspecting agency; a problem also by the responsible agency,
  whose staff record the rectification. Supervisors see their subtree and change nothing.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from gongkai.accounts.access import agencies_visible_to, agencies_where_user_can, user_has_role
from gongkai.accounts.models import Role
from gongkai.supervision.models import Inspection, InspectionProblem, NewMediaAccount, TrainingSession

RECORDING_ROLES = (Role.CLERK, Role.AGENCY_ADMIN)


def agency_can_record(user, agency) -> bool:
    """May the user enter this agency's supervision records (accounts, counts, training, inspections)?"""
    return user_has_role(user, agency, *RECORDING_ROLES)


def agencies_where_user_can_record(user):
    return agencies_where_user_can(user, *RECORDING_ROLES)


def new_media_accounts_visible_to(user) -> QuerySet[NewMediaAccount]:
    return NewMediaAccount.objects.filter(agency__in=agencies_visible_to(user))


def new_media_account_get_for_user(user, pk) -> NewMediaAccount:
    account = new_media_accounts_visible_to(user).filter(pk=pk).select_related("agency").first()
    if account is None:
        raise Http404
    return account


def training_sessions_visible_to(user) -> QuerySet[TrainingSession]:
    return TrainingSession.objects.filter(agency__in=agencies_visible_to(user))


def training_session_get_for_user(user, pk) -> TrainingSession:
    session = training_sessions_visible_to(user).filter(pk=pk).select_related("agency").first()
    if session is None:
        raise Http404
    return session


def inspections_visible_to(user) -> QuerySet[Inspection]:
    visible = agencies_visible_to(user)
    return Inspection.objects.filter(Q(agency__in=visible) | Q(problems__responsible_agency__in=visible)).distinct()


def inspection_get_for_user(user, pk) -> Inspection:
    inspection = inspections_visible_to(user).filter(pk=pk).select_related("agency").first()
    if inspection is None:
        raise Http404
    return inspection


def inspection_problems_visible_to(user) -> QuerySet[InspectionProblem]:
    visible = agencies_visible_to(user)
    return InspectionProblem.objects.filter(Q(inspection__agency__in=visible) | Q(responsible_agency__in=visible))


def inspection_problem_get_for_user(user, pk) -> InspectionProblem:
    problem = (
        inspection_problems_visible_to(user)
        .filter(pk=pk)
        .select_related("inspection__agency", "responsible_agency")
        .first()
    )
    if problem is None:
        raise Http404
    return problem


def inspection_can_manage(user, inspection: Inspection) -> bool:
    """Record problems, verify, feed back and close: the inspecting agency's clerks and administrators."""
    return agency_can_record(user, inspection.agency)


def problem_can_rectify(user, problem: InspectionProblem) -> bool:
    """Report the rectification: staff of the responsible agency (or of the inspecting agency for them)."""
    return user_has_role(user, problem.responsible_agency) or agency_can_record(user, problem.inspection.agency)
