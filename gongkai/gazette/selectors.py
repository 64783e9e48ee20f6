"""Reads of gazette issues: the portal's online editions and the annual report's counts."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from gongkai.catalogue.selectors.shared import item_public_url, items_published_in_subtree
from gongkai.core.stats import Cell, cell_of
from gongkai.gazette.models import GazetteEntry, GazetteIssue, IssueStatus

if TYPE_CHECKING:
    from gongkai.catalogue.models import Item


@dataclass(frozen=True)
class GazetteDocument:
    entry_id: int
    item_id: int
    title: str
    document_number: str
    agency_name: str
    date_written: object
    body: str
    url: str
    version: int


def gazette_issue_documents(issue: GazetteIssue) -> list[GazetteDocument]:
    """The issue's table of contents, in order, with what the online edition and the PDF print of each."""
    entries = GazetteEntry.objects.filter(issue=issue).select_related("item__agency").order_by("position", "id")
    return [
        GazetteDocument(
            e.pk, e.item_id, e.item.title, e.item.document_number, e.item.issuer or e.item.agency.name,
            e.item.date_written, e.item.body_text or e.item.summary, item_public_url(e.item), e.item.version,
        )
        for e in entries
    ]  # fmt: skip


def gazette_candidate_items(issue: GazetteIssue) -> "QuerySet[Item]":
    """Published documents of the issue's agency and the agencies below it, not yet in the issue."""
    return items_published_in_subtree(issue.agency).exclude(gazette_entries__issue=issue)


def gazette_issues_carrying(item: "Item") -> QuerySet[GazetteIssue]:
    """The published issues that carried a document (for the document's page)."""
    return GazetteIssue.objects.filter(entries__item=item, status=IssueStatus.PUBLISHED).order_by("year", "number")


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
    entries = GazetteEntry.objects.filter(issue_id__in=issue_ids).values_list("item_id", flat=True)
    return {
        "gazette_issues": cell_of("gazette.gazetteissue", issue_ids, "政府公报：本年出版期数"),
        # A document printed in two issues of the year (a correction, a reprint) is counted once.
        "gazette_documents": cell_of("catalogue.item", entries, "政府公报：本年各期收录的目录文件"),
        "gazette_copies": Cell(
            sum(c for _pk, c in issues), "gazette.gazetteissue", issue_ids, "政府公报：本年各期印数之和（册）"
        ),
    }


def gazette_issue_page_name(kwargs: dict) -> str | None:
    """An issue's page in 访问统计's 热门页面: its title and number (gongkai/core/registry.py, register_page_names)."""
    issue = GazetteIssue.objects.filter(pk=kwargs["pk"]).first()
    return str(issue) if issue else None
