"""Reads of the catalogue: full-text search (one selector, both databases), browsing, the Article 26 at-risk
list, version diffs, the disclosure guide, and the numbers the annual report and dashboards count."""

import datetime as dt
import difflib
import html
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from gongkai.catalogue import search
from gongkai.catalogue.access import items_published
from gongkai.catalogue.models import (
    AT_RISK_WORKING_DAYS,
    Category,
    DisclosureGuide,
    DocumentType,
    Item,
    ItemStatus,
    ItemVersion,
    Validity,
)
from gongkai.core.stats import Cell, NotIndexed, cell_of, cell_where
from gongkai.workdays.selectors import add_working_days

ITEM_MODEL = "catalogue.item"
PER_PAGE = 20


def _agency_ids(agencies) -> list[int]:
    return [getattr(a, "pk", a) for a in agencies]


# --- the annual report's cells (section 二, 第二十条第（一）项) and dashboard counts ---


def catalogue_article20_1(*, agencies, year: int) -> dict[str, Cell]:
    """规章 and 行政规范性文件: issued in the year (date written), repealed in the year, in force on 31 December.

    条例 第二十条第（一）项 and the report format's section 二 first block. Only published documents count.
    One grouped count; each cell carries the filter that lists its documents (`Item.in_force_on` as a query).
    """
    year_end = dt.date(year, 12, 31)
    conditions = {
        "issued": (Q(date_written__year=year), "成文日期在本年"),
        "repealed": (Q(repealed_on__year=year), "废止日期在本年"),
        "in_force": (_in_force_on(year_end), "12月31日现行有效"),
    }
    base = Q(agency_id__in=_agency_ids(agencies), status=ItemStatus.PUBLISHED)
    counts = {
        row["document_type"]: row
        for row in Item.objects.filter(base, document_type__in=[DocumentType.RULES, DocumentType.NORMATIVE])
        .order_by()  # no sort: the model's newest-first ordering would force a scan of the date index
        .values("document_type")
        .annotate(**{name: Count("pk", filter=condition) for name, (condition, _source) in conditions.items()})
    }
    cells: dict[str, Cell] = {}
    for key, kind in (("rules", DocumentType.RULES), ("normative", DocumentType.NORMATIVE)):
        for name, (condition, source) in conditions.items():
            value = counts.get(kind, {}).get(name, 0)
            cells[f"{key}.{name}"] = cell_where(
                ITEM_MODEL, value, base, Q(document_type=kind), condition, source=source
            )
    return cells


def _in_force_on(day: dt.date) -> Q:
    """`Item.in_force_on(day)` for a document written by `day`, as a filter (the same rules, in the same order)."""
    return (
        Q(date_written__lte=day)
        & (Q(effective_from__isnull=True) | Q(effective_from__lte=day))
        & (Q(repealed_on__isnull=True) | Q(repealed_on__gt=day))
        & (Q(expires_on__isnull=True) | Q(expires_on__gte=day))
        & ~Q(validity=Validity.REPEALED, repealed_on__isnull=True)
    )


def catalogue_items_published(*, agencies, year: int) -> Cell:
    """Items first published in the year (the portal's count for section 一), with the filter that lists them."""
    ids = _agency_ids(agencies)
    # Counted through the agencies' (agency, status, published_at) index alone: the publication date's own
    # index would cost a table read per item, millions in a province. Counting needs no order either.
    count = (
        Item.objects.filter(agency_id__in=ids)
        .alias(published=NotIndexed("published_at"))
        .filter(published__year=year)
        .order_by()
        .count()
    )
    return cell_where(ITEM_MODEL, count, Q(agency_id__in=ids, published_at__year=year), source="发布日期在本年")


def catalogue_review_backlog(*, agencies) -> Cell:
    ids = Item.objects.filter(agency_id__in=_agency_ids(agencies), status=ItemStatus.IN_REVIEW).values_list(
        "pk", flat=True
    )
    return cell_of(ITEM_MODEL, ids, "审核中")


def catalogue_published_with_personal_data(*, agencies) -> Cell:
    ids = Item.objects.filter(
        agency_id__in=_agency_ids(agencies), status=ItemStatus.PUBLISHED, personal_data_found=True
    ).values_list("pk", flat=True)
    return cell_of(ITEM_MODEL, ids, "最近一次检查发现未遮盖的个人信息")


# --- back office ---


def items_at_risk(*, items: QuerySet[Item], today: dt.date) -> list[Item]:
    """条例 第二十六条: unpublished items whose 20-working-day limit is within AT_RISK_WORKING_DAYS or passed."""
    threshold = add_working_days(today, AT_RISK_WORKING_DAYS).date
    return list(
        items.filter(
            status__in=[ItemStatus.DRAFT, ItemStatus.IN_REVIEW, ItemStatus.SCHEDULED],
            publish_due__isnull=False,
            publish_due__lte=threshold,
        )
        .select_related("agency")
        .order_by("publish_due", "pk")
    )


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "add", "del", "same", "head"
    text: str


def version_diff(older: ItemVersion, newer: ItemVersion) -> list[DiffLine]:
    """A line diff of title, summary, plain body and metadata between two versions of an item."""
    from gongkai.catalogue.extract import html_to_text

    def lines(version: ItemVersion) -> list[str]:
        out = [f"标题：{version.title}", f"内容概述：{version.summary}"]
        out += [f"{k}：{v}" for k, v in sorted(version.metadata.items())]
        out += html_to_text(version.body).splitlines()
        return out

    result = []
    for line in difflib.unified_diff(lines(older), lines(newer), lineterm="", n=2):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            result.append(DiffLine("head", "…"))
        elif line.startswith("+"):
            result.append(DiffLine("add", line[1:]))
        elif line.startswith("-"):
            result.append(DiffLine("del", line[1:]))
        else:
            result.append(DiffLine("same", line[1:]))
    return result


# --- portal: browsing ---


def category_tree(agency) -> list[tuple[Category, list[Category]]]:
    """The agency's active categories as (top level, children) pairs, in order."""
    categories = list(Category.objects.filter(agency=agency, is_active=True).order_by("sort_order", "pk"))
    children: dict[int, list[Category]] = {}
    for category in categories:
        if category.parent_id:
            children.setdefault(category.parent_id, []).append(category)
    return [(c, children.get(c.pk, [])) for c in categories if c.parent_id is None]


def category_with_descendants(category: Category) -> list[int]:
    ids = [category.pk]
    frontier = [category.pk]
    while frontier:
        frontier = list(Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids += frontier
    return ids


def items_browse(*, agency=None, category: Category | None = None, year: int | None = None) -> QuerySet[Item]:
    items = items_published().select_related("agency", "category").defer("body", "body_text")
    if agency is not None:
        items = items.filter(agency=agency)
    if category is not None:
        items = items.filter(category_id__in=category_with_descendants(category))
    if year:
        items = items.filter(published_at__year=year)
    return items.order_by("-published_at", "-pk")


def published_years(agency) -> list[int]:
    return sorted({d.year for d in items_published().filter(agency=agency).dates("published_at", "year")}, reverse=True)


# --- portal: search ---


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
        agency_ids=_agency_ids(agencies) if agencies is not None else None,
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

    Same results on SQLite and PostgreSQL; see search.py for the bigram index behind it.
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
    document number, keywords or attachment text contains it (see search.py for the bigram index).
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
        meta.append(item.category.name if item.category_id else "")
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


# --- portal: the disclosure guide ---


def disclosure_guide_text(agency) -> tuple[str, bool]:
    """The agency's guide, or a complete default generated from its data; (text, is_custom)."""
    guide = DisclosureGuide.objects.filter(agency=agency).first()
    if guide is not None:
        return guide.body, True
    return default_guide_text(agency), False


def default_guide_text(agency) -> str:
    """A complete 政府信息公开指南 in the structure common after 2019 (spec §4.1), from the agency's details."""
    categories = "、".join(c.name for c, _children in category_tree(agency)) or "机构职能、政策文件、规划计划等"
    office = agency.office_name
    contact = [
        f"办公地址：{agency.office_address}",
        f"邮政编码：{agency.office_postcode}",
        f"联系电话：{agency.office_phone}",
        f"办公时间：{agency.office_hours}",
    ]
    if agency.office_fax:
        contact.append(f"传真：{agency.office_fax}")
    if agency.office_email:
        contact.append(f"电子邮箱：{agency.office_email}")
    site = agency.site_name or f"{agency.name}门户网站"
    return "\n".join(
        [
            f"为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》（以下简称《条例》），编制本指南。"
            f"本指南由{agency.name}负责解释，并适时更新。",
            "",
            "一、主动公开",
            "（一）公开范围",
            f"根据《条例》第十九条、第二十条等规定，{agency.name}主动公开以下政府信息：{categories}。"
            "依照《条例》第十四条、第十五条、第十六条规定不予公开的政府信息除外。",
            "（二）公开方式",
            f"主动公开的政府信息通过{site}“政府信息公开”专栏公开，并可通过政府公报、政务新媒体、新闻发布会等途径公开。"
            "公众可在专栏中按主题分类、发布机构和年份浏览，或通过全文检索查找。",
            "（三）公开时限",
            "属于主动公开范围的政府信息，自该政府信息形成或者变更之日起20个工作日内予以公开（《条例》第二十六条）。"
            "法律、法规对公开期限另有规定的，从其规定。",
            "",
            "二、依申请公开",
            "（一）受理机构",
            f"{office}负责受理向{agency.name}提出的政府信息公开申请。",
            *contact,
            "（二）申请方式",
            "申请人可以通过网上申请、信函、当面提交等方式提出申请，并应当填写《政府信息公开申请表》。"
            "申请内容应当包括申请人的姓名或者名称、身份证明、联系方式，申请公开的政府信息的名称、文号或者便于检索的其他特征性描述，"
            "以及申请公开的政府信息的形式要求（《条例》第二十九条）。",
            "（三）办理时限",
            "能够当场答复的，当场予以答复；不能当场答复的，自收到申请之日起20个工作日内予以答复；需要延长答复期限的，"
            "经政府信息公开工作机构负责人同意并告知申请人，延长的期限最长不得超过20个工作日（《条例》第三十三条）。"
            "征求第三方和其他机关意见所需时间不计算在前述期限内。",
            "（四）收费",
            "行政机关依申请提供政府信息，不收取费用。申请人申请公开政府信息的数量、频次明显超过合理范围的，"
            "可以按照《政府信息公开信息处理费管理办法》收取信息处理费（《条例》第四十二条）。",
            "",
            "三、监督和救济",
            "公民、法人或者其他组织认为行政机关在政府信息公开工作中侵犯其合法权益的，可以向上一级行政机关或者政府信息公开工作主管部门投诉、举报，"
            "也可以依法申请行政复议或者提起行政诉讼（《条例》第五十一条）。",
        ]
    )


def items_for_feed(*, agency, category: Category | None = None, limit: int = 50) -> list[Item]:
    return list(items_browse(agency=agency, category=category)[:limit])


def validity_choices_for_filter() -> list[tuple[str, str]]:
    return list(Validity.choices)
