"""The enforcement panel of the back-office dashboard: penalty decisions marked of social impact, not yet published."""

from gongkai.enforcement.access import enforcement_can_publish
from gongkai.enforcement.models import Decision, DecisionKind


def penalties_to_publish(request, agency):
    if agency is None or not enforcement_can_publish(request.user, agency):
        return None
    count = Decision.objects.filter(
        agency=agency, kind=DecisionKind.PENALTY, social_impact=True, published_on__isnull=True
    ).count()
    return {"count": count} if count else None
