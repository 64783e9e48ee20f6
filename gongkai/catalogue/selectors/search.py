"""The portal's full-text search (one selector, both databases): a page of hits with highlighted title and
snippet, the ids of a page, or every match as a queryset. The index behind it is `gongkai.catalogue.search`."""

import datetime as dt
import html
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from gongkai.catalogue import search
from gongkai.catalogue.access import items_published
from gongkai.catalogue.models import Category, Item
from gongkai.catalogue.selectors.browse import agency_ids, category_with_descendants

PER_PAGE = 20


@dataclass(frozen=True)
class SearchHit:
    item: Item
    title_html: SafeString
    snippet_html: SafeString
    url: str = ""
    meta: str = ""  # 发布机构 · 文号 · 发布日期 · 主题分类, built here rather than by twenty template lookups


@dataclass(frozen=True)
class SearchPage:
    query: str
    hits: list[SearchHit]
    total: int
    page: int
    pages: int
    more: bool = False  # more than search.results.COUNT_CAP matches: `total` is the cap, the pages stop there


def _highlight(text: str, query_runs: list[str]) -> SafeString:
    """Escape text and wrap the query's runs in <mark>.

    The standard library's `html.escape` (which Django's `escape` calls) directly: a page of hits calls it a few
    hundred times, and Django's wrapper for lazy strings cost a third of the highlighting.
    """
    lower = text.lower()
    spans: list[tuple[int, int]] = []
    for run in query_runs:
        position = lower.find(run)
        while position != -1 and run:
            spans.append((position, position + len(run)))
            position = lower.find(run, position + len(run))
    spans.sort()
    out, cursor = [], 0
    for start, end in spans:
        if start < cursor:
            continue
        out.append(html.escape(text[cursor:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        cursor = end
    out.append(html.escape(text[cursor:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece above is escaped


def _search_filters(
    *, agencies, category: Category | None, year: int | None, document_type: str | None, validity: str | None
) -> search.SearchFilters:
    from gongkai.agencies.models import Agency

    published_from = published_before = None
    if year:
        published_from, published_before = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    return search.SearchFilters(
        agency_ids=agency_ids(agencies) if agencies is not None else None,
        excluded_agency_ids=list(Agency.objects.filter(is_active=False).values_list("pk", flat=True)),
        category_ids=category_with_descendants(category) if category is not None else None,
        published_from=published_from,
        published_before=published_before,
        document_type=document_type or None,
        validity=validity or None,
    )


def _substring_scan(query: str, filters: search.SearchFilters) -> QuerySet[Item]:
    """For a query without any bigram (a single character): a plain scan, bounded by the filters."""
    items = items_published().filter(Q(title__icontains=query) | Q(body_text__icontains=query))
    if filters.agency_ids is not None:
        items = items.filter(agency_id__in=filters.agency_ids)
    if filters.excluded_agency_ids:
        items = items.exclude(agency_id__in=filters.excluded_agency_ids)
    if filters.category_ids is not None:
        items = items.filter(category_id__in=filters.category_ids)
    if filters.published_from is not None:
        items = items.filter(
            published_at__date__gte=filters.published_from, published_at__date__lt=filters.published_before
        )
    if filters.document_type:
        items = items.filter(document_type=filters.document_type)
    if filters.validity:
        items = items.filter(validity=filters.validity)
    in_title = When(title__icontains=query, then=Value(1))
    return items.annotate(title_hit=Case(in_title, default=Value(0), output_field=IntegerField())).order_by(
        "-title_hit", "-published_at", "-pk"
    )


def _search_input(query, agencies, category, year, document_type, validity):
    """The trimmed query, the index's filters and the query's phrases, as both id selectors read them (no
    filters are built for an empty query)."""
    query = (query or "").strip()[: search.MAX_QUERY_CHARS]
    if not query:
        return query, None, []
    filters = _search_filters(
        agencies=agencies, category=category, year=year, document_type=document_type, validity=validity
    )
    return query, filters, search.query_phrases(query)


def catalogue_search_ids(
    *,
    query: str,
    agencies: Iterable | None = None,
    category: Category | None = None,
    year: int | None = None,
    document_type: str | None = None,
    validity: str | None = None,
    limit: int = PER_PAGE,
    offset: int = 0,
) -> search.SearchResult:
    """The ids of one page of published items containing the query, best first (title hits, then the
    newest), and the total, exact up to search.results.COUNT_CAP.

    Same results on SQLite and PostgreSQL; see the package gongkai/catalogue/search/ for the bigram index behind it.
    """
    query, filters, phrases = _search_input(query, agencies, category, year, document_type, validity)
    if not query:
        return search.SearchResult([], 0)
    if phrases:
        return search.search_page(phrases, filters, limit=limit, offset=offset)
    items = _substring_scan(query, filters)
    total = items[: search.results.COUNT_CAP + 1].count()
    offset = min(offset, search.results.COUNT_CAP)
    ids = list(items.values_list("pk", flat=True)[offset : min(offset + limit, search.results.COUNT_CAP)])
    return search.SearchResult(ids, min(total, search.results.COUNT_CAP), total > search.results.COUNT_CAP)


def catalogue_search_queryset(
    *,
    query: str,
    agencies: Iterable | None = None,
    category: Category | None = None,
    year: int | None = None,
    document_type: str | None = None,
    validity: str | None = None,
) -> QuerySet[Item]:
    """Every published item matching, uncapped (unordered queryset), for callers that want them all."""
    query, filters, phrases = _search_input(query, agencies, category, year, document_type, validity)
    if not query:
        return Item.objects.none()
    if not phrases:
        return _substring_scan(query, filters)
    sql, params = search.match_subquery(phrases, filters)
    return Item.objects.filter(pk__in=RawSQL(sql, params))  # noqa: S611 - fixed SQL, values as parameters


def _snippet(item: Item, runs: list[str], width: int = 120) -> SafeString:
    """A window of the body where the query occurs (else of the summary where it does, else the start of the
    body), whitespace collapsed, with the query marked."""
    for text in (item.body_text, item.summary):
        lower = text.lower()
        found = [p for p in (lower.find(run) for run in runs) if p >= 0]
        if found:
            first = min(found)
            break
    else:
        text, first = item.body_text or item.summary, 0
    start = max(0, first - width // 3)
    window = " ".join(text[start : start + width + width // 2].split())
    prefix = "…" if start > 0 else ""
    suffix = "…" if len(window) > width or start + width + width // 2 < len(text) else ""
    return mark_safe(prefix + _highlight(window[:width], runs) + suffix)  # noqa: S308 - _highlight escapes


def catalogue_search(
    *,
    query: str,
    agencies: Iterable | None = None,
    category: Category | None = None,
    year: int | None = None,
    document_type: str | None = None,
    validity: str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> SearchPage:
    """The portal's full-text search: a page of hits with highlighted title and snippet.

    Any query of two or more letters or digits finds every published item whose title, summary, body,
    document number, keywords or attachment text contains it (see gongkai/catalogue/search/ for the bigram index).
    """
    query = (query or "").strip()[: search.MAX_QUERY_CHARS]
    if not query:
        return SearchPage(query, [], 0, 1, 0)
    page = max(1, page)
    result = catalogue_search_ids(
        query=query,
        agencies=agencies,
        category=category,
        year=year,
        document_type=document_type,
        validity=validity,
        limit=per_page,
        offset=(page - 1) * per_page,
    )
    ids, total = result.ids, result.total
    pages = max(1, -(-total // per_page))
    if page > pages:
        return catalogue_search(
            query=query, agencies=agencies, category=category, year=year, document_type=document_type,
            validity=validity, page=pages, per_page=per_page,
        )  # fmt: skip
    # Only what a hit shows; no ordering (the ids carry it).
    by_id = (
        Item.objects.select_related("agency", "category")
        .only("title", "summary", "body_text", "document_number", "published_at", "agency__name", "category__name")
        .order_by()
        .in_bulk(ids)
    )
    runs = search.runs(query) or [query.lower()]
    item_url = reverse("catalogue:item", args=[0])[:-2]  # "…/0/" without the id, to add each hit's id
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
                f"{item_url}{pk}/",
                " · ".join(m for m in meta if m),
            )
        )
    return SearchPage(query, hits, total, page, pages, result.more)
