"""Who may see and change Article 20 records; built on gongkai.accounts.access, used by every view."""

from django.db.models import QuerySet
from django.http import Http404

from gongkai.accounts.access import agencies_visible_to, user_has_role
from gongkai.accounts.models import Role
from gongkai.enforcement.models import Decision, FeeRecord


def decisions_visible_to(user) -> QuerySet[Decision]:
    return Decision.objects.filter(agency__in=agencies_visible_to(user)).select_related("agency")


def decision_get_for_user(user, pk) -> Decision:
    decision = decisions_visible_to(user).filter(pk=pk).first()
    if decision is None:
        raise Http404
    return decision


def fee_records_visible_to(user) -> QuerySet[FeeRecord]:
    return FeeRecord.objects.filter(agency__in=agencies_visible_to(user)).select_related("agency")


def enforcement_can_edit(user, agency) -> bool:
    """Entering and importing records: the agency's acting staff (never a supervisor)."""
    return user_has_role(user, agency, Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.AGENCY_ADMIN)


def enforcement_can_publish(user, agency) -> bool:
    """Publishing a penalty decision on the portal: a reviewer or approver."""
    return user_has_role(user, agency, Role.REVIEWER, Role.APPROVER)


def fee_record_get_for_user(user, pk) -> FeeRecord:
    record = fee_records_visible_to(user).filter(pk=pk).first()
    if record is None:
        raise Http404
    return record
