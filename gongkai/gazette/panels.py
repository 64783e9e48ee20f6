"""The gazette panel of the back-office dashboard: issues waiting for review."""

from gongkai.gazette.access import gazette_can_publish
from gongkai.gazette.models import GazetteIssue, IssueStatus


def gazette_to_review(request, agency):
    if agency is None or not gazette_can_publish(request.user, agency):
        return None
    issues = list(GazetteIssue.objects.filter(agency=agency, status=IssueStatus.SUBMITTED))
    return {"issues": issues} if issues else None
