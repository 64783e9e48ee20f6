"""Reads of the catalogue, one module per subject:

- browse.py: the portal's category tree, browsing by category and year, the feed;
- search.py: the portal's full-text search (the index itself is `gongkai.catalogue.search`);
- guide.py: the disclosure guide (政府信息公开指南);
- report.py: the annual report's cells (条例 第二十条第（一）项) and the dashboards' counts;
- review.py: the back office's Article 26 at-risk list and version diffs;
- changes.py: what changed in an agency's published record, per year (for the open-data bulk files);
- checks.py: what the automatic checks find in an item (the word lists, `problems_of`).

Other apps import these names from `gongkai.catalogue.selectors`.
"""

from gongkai.catalogue.selectors.browse import (
    agency_ids,
    category_tree,
    category_with_descendants,
    items_browse,
    items_for_feed,
    published_years,
    validity_choices_for_filter,
)
from gongkai.catalogue.selectors.changes import last_changes_by_year, publication_years, publication_years_of
from gongkai.catalogue.selectors.checks import open_findings, problems_of, word_lists_for
from gongkai.catalogue.selectors.guide import default_guide_text, disclosure_guide_text, guide_blocks
from gongkai.catalogue.selectors.report import (
    ITEM_MODEL,
    catalogue_article20_1,
    catalogue_items_published,
    catalogue_published_with_personal_data,
    catalogue_review_backlog,
)
from gongkai.catalogue.selectors.review import DiffLine, items_at_risk, version_diff
from gongkai.catalogue.selectors.search import (
    ORDER_NEWEST,
    ORDER_RELEVANCE,
    ORDER_TITLE,
    PER_PAGE,
    SearchHit,
    SearchPage,
    SearchSuggestion,
    catalogue_search,
    catalogue_search_ids,
    catalogue_search_queryset,
    catalogue_search_suggestion,
)
from gongkai.catalogue.selectors.shared import normalise_document_number

__all__ = [
    "ITEM_MODEL",
    "ORDER_NEWEST",
    "ORDER_RELEVANCE",
    "ORDER_TITLE",
    "PER_PAGE",
    "DiffLine",
    "SearchHit",
    "SearchPage",
    "SearchSuggestion",
    "agency_ids",
    "catalogue_article20_1",
    "catalogue_items_published",
    "catalogue_published_with_personal_data",
    "catalogue_review_backlog",
    "catalogue_search",
    "catalogue_search_ids",
    "catalogue_search_queryset",
    "catalogue_search_suggestion",
    "category_tree",
    "category_with_descendants",
    "default_guide_text",
    "disclosure_guide_text",
    "guide_blocks",
    "items_at_risk",
    "items_browse",
    "items_for_feed",
    "normalise_document_number",
    "last_changes_by_year",
    "open_findings",
    "problems_of",
    "publication_years",
    "publication_years_of",
    "published_years",
    "validity_choices_for_filter",
    "version_diff",
    "word_lists_for",
]
