"""The portal's full-text search (one selector, both databases): a page of hits with highlighted title and
snippet, the ids of a page, or every match as a queryset. The index behind it is `gongkai.catalogue.search`."""

import datetime as dt
import html
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

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
# The orders of a page of results (`order=`); the portal offers relevance and newest first.
ORDER_TITLE = search.results.ORDER_TITLE  # title hits, then newest (the default, as before relevance existed)
ORDER_RELEVANCE = search.results.ORDER_RELEVANCE  # title hits, then relevance (BM25), then newest
ORDER_NEWEST = search.results.ORDER_NEWEST  # newest first by publication date alone


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
    # How many match (with `more`): exact up to search.results.COUNT_EXACT, else an estimate, shown as 约 N.
    count: int = -1
    count_exact: bool = True

    def __post_init__(self):
        if self.count < 0:
            object.__setattr__(self, "count", self.total)


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


def _term_q(term: search.Term) -> Q:
    """A scan's test of one term: each run in the title or the body (a phrase: its runs, one by one)."""
    q = Q()
    for run in term.runs:
        q &= Q(title__icontains=run) | Q(body_text__icontains=run)
    return q


def _substring_scan(parsed: search.ParsedQuery, filters: search.SearchFilters) -> QuerySet[Item]:
    """For a query without any bigram (single characters): a plain scan, bounded by the filters. A quoted
    phrase of single characters is scanned for its characters, not their order."""
    items = items_published()
    for group in parsed.groups:
        alternatives = Q()
        for term in group:
            alternatives |= _term_q(term)
        items = items.filter(alternatives)
    for term in parsed.excluded:
        items = items.exclude(_term_q(term))
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
    in_title = Q()
    for group in parsed.groups:
        alternatives = Q()
        for term in group:
            for run in term.runs:
                alternatives |= Q(title__icontains=run)
        in_title &= alternatives
    return items.annotate(
        title_hit=Case(When(in_title, then=Value(1)), default=Value(0), output_field=IntegerField())
    ).order_by("-title_hit", "-published_at", "-pk")


def _search_input(query, agencies, category, year, document_type, validity):
    """The trimmed query, the index's filters and the parsed query (syntax.py: OR, -word, "phrases"), as both id
    selectors read them (no filters are built for an empty query). The parsed query is empty when no word has
    two characters: `_scan_query` is then what a scan looks for."""
    query = (query or "").strip()[: search.MAX_QUERY_CHARS]
    if not query:
        return query, None, search.ParsedQuery()
    filters = _search_filters(
        agencies=agencies, category=category, year=year, document_type=document_type, validity=validity
    )
    return query, filters, with_synonyms(search.parse(query))


MAX_ALTERNATIVES = 8  # a word and at most seven synonyms: each is a lookup of its own


def search_synonyms() -> dict[str, list[str]]:
    """Each word of the deployment's synonym list (normalised, runs joined by a space) with its synonyms."""
    from gongkai.catalogue.models import SearchSynonym

    out: dict[str, list[str]] = {}
    for word, synonym in SearchSynonym.objects.values_list("word", "synonym"):
        out.setdefault(word, []).append(synonym)
        out.setdefault(synonym, []).append(word)
    return out


def with_synonyms(parsed: search.ParsedQuery, synonyms: dict[str, list[str]] | None = None) -> search.ParsedQuery:
    """The query with every word that is on the synonym list turned into an OR of it and its synonyms (an
    excluded word excludes its synonyms too). Whole words only: 低保 expands, 低保金 does not. Read at each
    search, so a pair the site administrator adds applies to the next search without a re-index."""
    if not parsed.groups and not parsed.excluded:
        return parsed
    synonyms = search_synonyms() if synonyms is None else synonyms
    if not synonyms:
        return parsed

    def expand(term: search.Term) -> list[search.Term]:
        alternatives = [term]
        for other in synonyms.get(term.text, ()):
            parts = tuple(other.split(" "))
            alternative = search.Term(parts, phrase=len(parts) > 1)
            if alternative.indexed:
                alternatives.append(alternative)
        return alternatives[:MAX_ALTERNATIVES]

    return parsed.map_terms(expand)


def _scan_query(query: str) -> search.ParsedQuery:
    """A query of single characters as a scan reads it: every term kept."""
    return search.parse(query, index_only=False)


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
    order: str = ORDER_TITLE,
    count: bool = False,
) -> search.SearchResult:
    """The ids of one page of published items containing the query, in `order`, and the total, exact up to
    search.results.COUNT_CAP.

    `order`: ORDER_TITLE ("title", the default: title hits, then the newest), ORDER_RELEVANCE ("relevance":
    title hits, then the relevance score, then the newest) or ORDER_NEWEST ("newest": by publication date alone).
    `count`: past the cap, also count the matches (exact to COUNT_EXACT, else an estimate; see search_page).

    Same results on SQLite and PostgreSQL; see the package gongkai/catalogue/search/ for the bigram index behind it.
    """
    query, filters, parsed = _search_input(query, agencies, category, year, document_type, validity)
    if not query:
        return search.SearchResult([], 0)
    if parsed:
        return search.search_page(parsed, filters, limit=limit, offset=offset, order=order, count=count)
    scan = _scan_query(query)
    if not scan:
        return search.SearchResult([], 0)
    items = _substring_scan(scan, filters)
    if order == ORDER_NEWEST:  # a scan has no score: relevance is the title order there
        items = items.order_by("-published_at", "-pk")
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
    query, filters, parsed = _search_input(query, agencies, category, year, document_type, validity)
    if not query:
        return Item.objects.none()
    if not parsed:
        scan = _scan_query(query)
        return _substring_scan(scan, filters) if scan else Item.objects.none()
    sql, params = search.match_subquery(parsed, filters)
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
    order: str = ORDER_TITLE,
    count: bool = False,
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
        order=order,
        count=count,
    )
    ids, total = result.ids, result.total
    pages = max(1, -(-total // per_page))
    if page > pages:
        return catalogue_search(
            query=query, agencies=agencies, category=category, year=year, document_type=document_type,
            validity=validity, page=pages, per_page=per_page, order=order, count=count,
        )  # fmt: skip
    # Only what a hit shows; no ordering (the ids carry it).
    by_id = (
        Item.objects.select_related("agency", "category")
        .only("title", "summary", "body_text", "document_number", "published_at", "agency__name", "category__name")
        .order_by()
        .in_bulk(ids)
    )
    runs = with_synonyms(_scan_query(query)).highlight_runs() or [query.lower()]
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
    return SearchPage(query, hits, total, page, pages, result.more, result.count, result.count_exact)


# --- "did you mean": a suggestion when nothing is found ---


@dataclass(frozen=True)
class SearchSuggestion:
    """A query that finds something, offered when the one typed found nothing (您是不是要找 …)."""

    query: str
    total: int
    more: bool = False  # more than search.results.COUNT_CAP


SUGGESTION_TRIES = 8  # most searches tried, beside the original one, for a suggestion
SPLIT_RUNS = (4, 16)  # a run of this many characters (at least, at most) may be split in two


def _term_text(term: search.Term) -> str:
    return f'"{term.text}"' if term.phrase else term.text


def _query_text(groups, excluded=()) -> str:
    words = [" OR ".join(_term_text(t) for t in group) for group in groups]
    return " ".join(words + [f"-{_term_text(t)}" for t in excluded])


def _synonym_forms(parsed: search.ParsedQuery, synonyms: dict[str, list[str]]) -> list[str]:
    """The query with a word on the synonym list that stands inside a longer word replaced by its synonym
    (低保金 → 最低生活保障金): whole words are expanded by the search already."""
    out = []
    for n, group in enumerate(parsed.groups):
        for term in group:
            if term.phrase or len(term.runs) != 1:
                continue
            for word, others in synonyms.items():
                if " " in word or word == term.text or word not in term.text:
                    continue
                for other in others:
                    changed = search.Term((term.text.replace(word, other.replace(" ", "")),))
                    groups = [*parsed.groups[:n], (changed,), *parsed.groups[n + 1 :]]
                    out.append(_query_text(groups, parsed.excluded))
    return out


def _fewer_words(parsed: search.ParsedQuery) -> list[str]:
    """The query without one of its words (its excluded words are kept)."""
    out = []
    if len(parsed.groups) > 1:
        out += [
            _query_text(parsed.groups[:n] + parsed.groups[n + 1 :], parsed.excluded) for n in range(len(parsed.groups))
        ]
    return out


def _split_words(parsed: search.ParsedQuery) -> list[str]:
    """A query of one long run (黔东南州森林防火) as two words, the most even cut first: the run may be several
    words that are never written together."""
    if len(parsed.groups) != 1 or len(parsed.groups[0]) != 1:
        return []
    term = parsed.groups[0][0]
    if term.phrase or len(term.runs) != 1 or not SPLIT_RUNS[0] <= len(term.text) <= SPLIT_RUNS[1]:
        return []
    text = term.text
    cuts = sorted(range(2, len(text) - 1), key=lambda cut: (abs(len(text) - 2 * cut), cut))
    return [
        _query_text([(search.Term((text[:cut],)),), (search.Term((text[cut:],)),)], parsed.excluded) for cut in cuts
    ]


def catalogue_search_suggestion(
    *,
    query: str,
    agencies: Iterable | None = None,
    category: Category | None = None,
    year: int | None = None,
    document_type: str | None = None,
    validity: str | None = None,
) -> SearchSuggestion | None:
    """For a query that finds nothing under these filters, a query that finds something, or None.

    Tried in this order, the first kind that finds anything wins: a synonym's form inside a longer word
    (低保金 → 最低生活保障金); dropping one word (the variant that finds most); cutting one long word in two
    (the most even cut that finds anything). At most SUGGESTION_TRIES searches beside the query itself, each
    a capped count like the page's own. None when the query finds something, or has no word of two
    characters, or nothing is found.
    """
    filters: dict[str, Any] = {
        "agencies": agencies, "category": category, "year": year, "document_type": document_type, "validity": validity
    }  # fmt: skip
    query = (query or "").strip()[: search.MAX_QUERY_CHARS]
    parsed = search.parse(query)
    if not parsed or catalogue_search_ids(query=query, limit=0, **filters).total:
        return None
    tries = SUGGESTION_TRIES
    for kind, best_of_all in (
        (_synonym_forms(parsed, search_synonyms()), False),
        (_fewer_words(parsed), True),
        (_split_words(parsed), False),
    ):
        best = None
        for candidate in kind:
            if tries <= 0:
                return best
            tries -= 1
            result = catalogue_search_ids(query=candidate, limit=0, **filters)
            if result.total and (best is None or (result.more, result.total) > (best.more, best.total)):
                best = SearchSuggestion(candidate, result.total, result.more)
                if not best_of_all:
                    return best
        if best is not None:
            return best
    return None
