"""Reads of gazette issues: the portal's online editions and the annual report's counts."""

from django.db.models import QuerySet

from gongkai.core.stats import Cell, cell_of
from gongkai.gazette.models import GazetteIssue, IssueStatus


def gazette_issues_published(agency) -> QuerySet[GazetteIssue]:
    return GazetteIssue.objects.filter(agency=agency, status=IssueStatus.PUBLISHED).order_by("-year", "-number")


def gazette_counts(*, agencies, year: int) -> dict[str, Cell]:
    """Section 一: issues published in the year, copies printed (ids = the issues), documents carried."""
    ids = [getattr(a, "pk", a) for a in agencies]
    issues = list(
        GazetteIssue.objects.filter(agency_id__in=ids, year=year, status=IssueStatus.PUBLISHED).values_list(
            "pk", "copies"
        )
    )
    issue_ids = tuple(sorted(pk for pk, _c in issues))
    return {
        "gazette_issues": cell_of("gazette.gazetteissue", issue_ids, "政府公报：本年出版期数"),
        "gazette_copies": Cell(
            sum(c for _pk, c in issues), "gazette.gazetteissue", issue_ids, "政府公报：本年各期印数之和（册）"
        ),
    }


def gazette_issue_documents(issue):  # TEMP until catalogue merge
    return []
