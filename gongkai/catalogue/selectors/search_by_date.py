"""Search results newest first: the portal's "按发布日期" order beside the default relevance order.

Relevance (title hits first, then the newest) is `selectors.catalogue_search`; this module gives the same page of
hits ordered by publication date alone, from the same matching set (`catalogue_search_queryset`).
"""

from django.urls import reverse
from django.utils import timezone

from gongkai.catalogue import search
from gongkai.catalogue.models import Item
from gongkai.catalogue.search import results
from gongkai.catalogue.selectors.search import (
    PER_PAGE,
    SearchHit,
    SearchPage,
    _highlight,
    _snippet,
    catalogue_search_queryset,
)


def catalogue_search_by_date(*, query: str, page: int = 1, per_page: int = PER_PAGE, **filters) -> SearchPage:
    """One page of the hits for `query`, newest first; totals capped like the relevance order's."""
    query = (query or "").strip()
    if not query:
        return SearchPage(query, [], 0, 1, 0)
    matching = catalogue_search_queryset(query=query, **filters).order_by("-published_at", "-pk")
    counted = matching[: results.COUNT_CAP + 1].count()
    total = min(counted, results.COUNT_CAP)
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    ids = list(matching.values_list("pk", flat=True)[(page - 1) * per_page : page * per_page])
    by_id = (
        Item.objects.select_related("agency", "category")
        .only("title", "summary", "body_text", "document_number", "published_at", "agency__name", "category__name")
        .order_by()
        .in_bulk(ids)
    )
    runs = search.runs(query) or [query.lower()]
    hits = []
    for pk in ids:
        item = by_id.get(pk)
        if item is None:
            continue
        meta = [item.agency.name, item.document_number, f"{timezone.localdate(item.published_at):%Y-%m-%d}"]
        meta.append(item.category.name if item.category is not None else "")
        hits.append(
            SearchHit(
                item,
                _highlight(item.title, runs),
                _snippet(item, runs),
                reverse("catalogue:item", args=[pk]),
                " · ".join(m for m in meta if m),
            )
        )
    return SearchPage(query, hits, total, page, pages, counted > results.COUNT_CAP)
