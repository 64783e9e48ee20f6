"""Who may see and change participation records; built on gongkai.accounts.access, used by every view."""

from django.db.models import Q, QuerySet
from django.http import Http404

from gongkai.accounts.access import agencies_visible_to, user_has_role
from gongkai.accounts.models import Role
from gongkai.catalogue.access import items_visible_to
from gongkai.catalogue.models import DocumentType, Item
from gongkai.participation.models import ConcernResponse, Consultation, Survey

EDITORS = (Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.AGENCY_ADMIN)
PUBLISHERS = (Role.REVIEWER, Role.APPROVER)


def _visible(model, user) -> QuerySet:
    return model.objects.filter(agency__in=agencies_visible_to(user)).select_related("agency")


def _get(model, user, pk):
    obj = _visible(model, user).filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def concerns_visible_to(user) -> QuerySet[ConcernResponse]:
    return _visible(ConcernResponse, user)


def concern_get_for_user(user, pk) -> ConcernResponse:
    return _get(ConcernResponse, user, pk)


def consultations_visible_to(user) -> QuerySet[Consultation]:
    return _visible(Consultation, user)


def consultation_get_for_user(user, pk) -> Consultation:
    return _get(Consultation, user, pk)


def surveys_visible_to(user) -> QuerySet[Survey]:
    return _visible(Survey, user)


def survey_get_for_user(user, pk) -> Survey:
    return _get(Survey, user, pk)


def participation_can_edit(user, agency) -> bool:
    """Drafting, editing, submitting and moderating: the agency's acting staff (never a supervisor)."""
    return user_has_role(user, agency, *EDITORS)


def participation_can_publish(user, agency) -> bool:
    """Publishing, sending back and withdrawing: a reviewer or approver of the agency."""
    return user_has_role(user, agency, *PUBLISHERS)


def interpretations_visible_to(user) -> QuerySet[Item]:
    """Policy interpretations are catalogue items; the catalogue decides who sees which item."""
    return (
        items_visible_to(user)
        .filter(Q(document_type=DocumentType.INTERPRETATION) | Q(interprets__isnull=False))
        .select_related("agency", "interprets")
    )


def interpretation_get_for_user(user, pk) -> Item:
    return _get_from(interpretations_visible_to(user), pk)


def _get_from(queryset, pk):
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj
