"""The public JSON API (/api/v1/), built with django-ninja. Read-only and without accounts.

Every endpoint is thin: it asks the owning app's selector or access function what is public (published items
of active agencies, published records, frozen figures of published reports) and shapes the answer. No rule
about what is public is written here a second time. Errors are RFC 9457 problem details; rate limits and
conditional requests are added around every response by `http.ApiHttpMiddleware`.
"""

import datetime as dt
import json
import logging

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Path, Query, Router
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import Swagger
from ninja.renderers import JSONRenderer

from gongkai.agencies.models import Agency
from gongkai.agencies.selectors import agencies_public, agency_by_slug
from gongkai.annual_reports.exports import export_json
from gongkai.annual_reports.models import ReportScope
from gongkai.annual_reports.selectors import (
    report_agencies,
    report_document,
    report_figures_compile,
    reports_published,
)
from gongkai.annual_reports.sources import compile_applications_table
from gongkai.annual_reports.structure import TABLE2_COLUMN_CODES, TABLE2_ROWS
from gongkai.api import schemas as s
from gongkai.api.http import PROBLEM_TYPE, problem, set_last_modified
from gongkai.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, BadCursor, encode_cursor, keyset_page, offset_page
from gongkai.catalogue.access import item_get_published, items_published
from gongkai.catalogue.models import Category, DocumentType, Item, Validity
from gongkai.catalogue.search import MAX_QUERY_CHARS
from gongkai.catalogue.selectors import catalogue_search_ids, disclosure_guide_text, items_browse
from gongkai.enforcement.selectors import fee_items, licensing_results, penalties_published
from gongkai.gazette.selectors import gazette_issue_documents, gazette_issues_published
from gongkai.participation.selectors import (
    comments_public,
    concerns_published,
    consultations_published,
    interpretations_published,
    survey_results,
    surveys_published,
)

logger = logging.getLogger(__name__)

SLUG = r"^[-a-zA-Z0-9_]{1,50}$"
MAX_ID = 2**53  # larger ids are refused before they reach the database (SQLite integers stop at 2**63)
YEAR_MIN, YEAR_MAX = 1990, 2100
COMPILED_SECONDS = 3600  # figures counted from the records (no published report) are kept this long
ERROR_STATUSES = {
    "400": "请求参数有误（problem details）",
    "404": "没有这条公开记录（problem details）",
    "429": "超过频率限制（problem details，带 Retry-After）",
}

DESCRIPTION = """政府信息公开平台的开放数据接口：只读、无需账号，只提供门户网站已经公开的内容。

* 分页：列表返回 `next_cursor`，把它作为 `cursor` 参数取下一页；排序稳定，翻页期间新增的记录不会造成重复或遗漏。
* 增量采集：目录条目可用 `updated_since`（ISO 8601 时间）取某时刻以后新增或修改的条目，按修改时间从早到晚排列。
* 条件请求：每个成功的响应都带 `ETag`（部分带 `Last-Modified`）；带 `If-None-Match` / `If-Modified-Since` 再次请求，内容未变时返回 304。
* 频率限制：按客户端地址每分钟计数，响应头 `RateLimit-Limit`、`RateLimit-Remaining`、`RateLimit-Reset`；超过时返回 429 和 `Retry-After`。网站管理员签发的接口密钥（请求头 `X-API-Key`）可解除限制。
* 错误：RFC 9457 problem details（`application/problem+json`）。
* 批量下载：见 /data/ 数据下载页面。
"""


class GongkaiAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Ninja's document plus what the middleware adds to every operation: the problem-details error
        responses, 304 for conditional requests, and the rate-limit and validator headers."""
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Problem"] = s.Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        headers = {
            name: {"description": text, "schema": {"type": "string"}}
            for name, text in (
                ("ETag", "实体标签，用于 If-None-Match"),
                ("RateLimit-Limit", "每分钟允许的请求数"),
                ("RateLimit-Remaining", "本分钟剩余的请求数"),
                ("RateLimit-Reset", "距本分钟结束的秒数"),
            )
        }
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_STATUSES.items():
                    responses[status] = {
                        "description": description,
                        "content": {PROBLEM_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
                    }
                responses["304"] = {"description": "内容未变（条件请求）"}
                if "200" in responses:
                    responses["200"].setdefault("headers", {}).update(headers)
        return schema


class ChineseJSONRenderer(JSONRenderer):
    """UTF-8 JSON with Chinese as characters, not \\u escapes (a third of the size, and readable in a terminal)."""

    json_dumps_params = {"ensure_ascii": False}  # noqa: RUF012


api = GongkaiAPI(
    renderer=ChineseJSONRenderer(),
    title="公开 Gongkai 开放数据接口",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs=Swagger(settings={"defaultModelsExpandDepth": 0}),
    docs_url="/docs/",
    openapi_url="/openapi.json",
)


# ------------------------------------------------------------------------------------------- errors
@api.exception_handler(NinjaValidationError)
def _invalid(request, exc):
    errors = [
        {"loc": [str(p) for p in e.get("loc", [])], "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
        for e in exc.errors
    ]
    return problem(400, _("请求参数不符合接口说明，见 errors。"), errors=errors)


@api.exception_handler(BadCursor)
def _bad_cursor(request, exc):
    return problem(400, _("cursor 参数无效：请使用上一页响应中的 next_cursor。"))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem(404, _("没有这条公开记录。"))


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return problem(exc.status_code, str(exc))


@api.exception_handler(Exception)
def _server_error(request, exc):
    logger.exception("API error on %s", request.path, exc_info=exc)
    return problem(500, _("服务器处理请求时出错，已记录。"))


# ------------------------------------------------------------------------------------------ helpers
def _agency(slug: str) -> Agency:
    agency = agency_by_slug(slug)
    if agency is None:
        raise Http404
    return agency


def _ref(agency: Agency) -> dict:
    return {"slug": agency.slug, "name": agency.name}


def _abs(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def _item_ref(request, item: Item) -> dict:
    return {"id": item.pk, "title": item.title, "api_url": _abs(request, reverse("api-v1:item", args=[item.pk]))}


def _item_summary(request, item: Item) -> dict:
    category = item.category if item.category_id else None
    return {
        "id": item.pk,
        "index_number": item.index_number,
        "title": item.title,
        "summary": item.summary,
        "agency": _ref(item.agency),
        "category": {"id": category.pk, "code": category.code, "name": category.name} if category else None,
        "genre": item.genre,
        "document_type": item.document_type,
        "document_number": item.document_number,
        "issuer": item.issuer,
        "date_written": item.date_written,
        "validity": item.validity,
        "published_at": item.published_at,
        "updated_at": item.updated_at,
        "version": item.version,
        "url": _abs(request, reverse("catalogue:item", args=[item.pk])),
        "api_url": _abs(request, reverse("api-v1:item", args=[item.pk])),
    }


def _since(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _clean_text(value: str | None) -> str:
    """Query text as the portal's search form would take it: NUL and other control characters dropped."""
    return "".join(ch for ch in (value or "") if ch.isprintable() or ch == " ")[:MAX_QUERY_CHARS]


def _newest(rows, attribute: str = "updated_at"):
    values = [getattr(r, attribute) for r in rows if getattr(r, attribute, None) is not None]
    return max(values) if values else None


Limit = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="每页条数")
Cursor = Query(None, max_length=200, description="上一页的 next_cursor")
SlugPath = Path(..., pattern=SLUG, description="机关的网址代码，如 qdn")
IdPath = Path(..., ge=1, le=MAX_ID)

agencies = Router(tags=["机关"])
catalogue = Router(tags=["政府信息公开目录"])
participation = Router(tags=["政策解读、回应关切、网上征集、网上调查"])
gazette = Router(tags=["政府公报"])
enforcement = Router(tags=["第二十条信息"])
reports = Router(tags=["年度报告与统计"])


# ----------------------------------------------------------------------------------------- agencies
def _agency_out(agency: Agency, parents: dict[int, str]) -> dict:
    return {
        "slug": agency.slug,
        "name": agency.name,
        "short_name": agency.short_name,
        "kind": agency.kind,
        "kind_label": str(agency.get_kind_display()),
        "parent": parents.get(agency.parent_id) if agency.parent_id else None,
        "depth": agency.depth,
        "credit_code": agency.credit_code,
        "region_code": agency.region_code,
    }


@agencies.get("/agencies", response=list[s.AgencyOut], url_name="agencies", summary="机关树（按层级路径排序）")
def agency_list(request):
    rows = list(agencies_public())
    slugs = {a.pk: a.slug for a in rows}
    return [_agency_out(a, slugs) for a in rows]


@agencies.get(
    "/agencies/{slug}", response=s.AgencyDetailOut, url_name="agency", summary="机关及政府信息公开工作机构联系方式"
)
def agency_detail(request, slug: str = SlugPath):
    agency = _agency(slug)
    parent = agency_by_slug(agency.parent.slug) if agency.parent_id else None
    children = agencies_public().filter(parent=agency)
    data = _agency_out(agency, {agency.parent_id: parent.slug} if parent else {})
    data.update(
        contact={
            "office_name": agency.office_name,
            "address": agency.office_address,
            "postcode": agency.office_postcode,
            "phone": agency.office_phone,
            "fax": agency.office_fax,
            "email": agency.office_email,
            "hours": agency.office_hours,
        },
        children=[_ref(c) for c in children],
        site_name=agency.site_name,
        links={
            "guide": _abs(request, reverse("api-v1:guide", args=[slug])),
            "items": _abs(request, reverse("api-v1:items") + f"?agency={slug}"),
            "portal": _abs(request, reverse("catalogue:browse", args=[slug])),
        },
    )
    return data


@agencies.get(
    "/agencies/{slug}/guide", response=s.GuideOut, url_name="guide", summary="政府信息公开指南（条例第十二条）"
)
def agency_guide(request, slug: str = SlugPath):
    agency = _agency(slug)
    text, custom = disclosure_guide_text(agency)
    return {"agency": _ref(agency), "custom": custom, "paragraphs": text.split("\n")}


# ---------------------------------------------------------------------------------------- catalogue
@catalogue.get("/items", response=s.ItemPage, url_name="items", summary="目录条目：列表、筛选、全文检索、增量采集")
def item_list(
    request,
    response: HttpResponse,
    q: str | None = Query(None, max_length=MAX_QUERY_CHARS, description="全文检索（标题、正文、文号、附件文字）"),
    agency: str | None = Query(None, pattern=SLUG, description="发布机构的网址代码"),
    category: int | None = Query(None, ge=1, le=MAX_ID, description="主题分类 id（须同时指定 agency，含下级分类）"),
    year: int | None = Query(None, ge=YEAR_MIN, le=YEAR_MAX, description="发布年份"),
    document_type: DocumentType | None = Query(None, description="文件类型"),
    validity: Validity | None = Query(None, description="有效性"),
    updated_since: dt.datetime | None = Query(None, description="只取此时刻及以后新增或修改的条目，按修改时间升序"),
    cursor: str | None = Cursor,
    limit: int = Limit,
):
    chosen = _agency(agency) if agency else None
    chosen_category = None
    if category is not None:
        if chosen is None:
            raise HttpError(400, _("按主题分类筛选时须同时指定 agency。"))
        chosen_category = Category.objects.filter(agency=chosen, pk=category, is_active=True).first()
        if chosen_category is None:
            raise Http404
    query = _clean_text(q).strip()
    if query:
        if updated_since is not None:
            raise HttpError(400, _("全文检索（q）不能与 updated_since 同时使用。"))
        offset = offset_page(cursor)
        result = catalogue_search_ids(
            query=query,
            agencies=[chosen] if chosen else None,
            category=chosen_category,
            year=year,
            document_type=document_type or None,
            validity=validity or None,
            limit=limit,
            offset=offset,
        )
        # The selector returns only published items of active agencies (its contract, the index holds no
        # other); they are loaded by primary key as the portal's search page loads them. (Through
        # items_published() SQLite would walk the status index instead: 0.3 s a page at 200,000 items.)
        by_id = (
            Item.objects.select_related("agency", "category").defer("body", "body_text").order_by().in_bulk(result.ids)
        )
        rows = [by_id[pk] for pk in result.ids if pk in by_id]
        more = offset + limit < result.total
        set_last_modified(response, _newest(rows))
        return {
            "items": [_item_summary(request, i) for i in rows],
            "next_cursor": encode_cursor([offset + limit]) if more else None,
            "total": result.total,
            "total_capped": result.more,
        }
    items = items_browse(agency=chosen, category=chosen_category, year=year)
    if document_type:
        items = items.filter(document_type=document_type)
    if validity:
        items = items.filter(validity=validity)
    if updated_since is not None:
        items = items.filter(updated_at__gte=_since(updated_since))
        page = keyset_page(items, key="updated_at", key_type="datetime", cursor=cursor, limit=limit, descending=False)
    else:
        page = keyset_page(items, key="published_at", key_type="datetime", cursor=cursor, limit=limit, descending=True)
    set_last_modified(response, _newest(page.rows))
    return {"items": [_item_summary(request, i) for i in page.rows], "next_cursor": page.next_cursor}


@catalogue.get(
    "/items/{item_id}", response=s.ItemDetailOut, url_name="item", summary="目录条目详情：元数据、文件关系、附件"
)
def item_detail(request, response: HttpResponse, item_id: int = IdPath):
    item = item_get_published(item_id)
    published = items_published().select_related("agency")
    data = _item_summary(request, item)

    def linked(pk):
        target = published.filter(pk=pk).first() if pk else None
        return _item_ref(request, target) if target else None

    data.update(
        keywords=item.keywords,
        effective_from=item.effective_from,
        expires_on=item.expires_on,
        repealed_on=item.repealed_on,
        interpretation_form=item.interpretation_form,
        body_html=item.body,
        body_text=item.body_text,
        interprets=linked(item.interprets_id),
        amends=linked(item.amends_id),
        repeals=linked(item.repeals_id),
        interpretations=[
            _item_ref(request, i) for i in published.filter(interprets=item).order_by("published_at", "pk")
        ],
        amended_by=[_item_ref(request, i) for i in published.filter(amends=item).order_by("published_at", "pk")],
        repealed_by=[_item_ref(request, i) for i in published.filter(repeals=item).order_by("published_at", "pk")],
        attachments=[
            {"name": a.name, "content_type": a.content_type, "size": a.size, "url": _abs(request, a.file.url)}
            for a in item.attachments.all()
        ],
        corrections=[
            {"version": v.number, "note": v.correction_note, "corrected_at": v.created_at}
            for v in item.versions.exclude(correction_note="").order_by("number")
        ],
    )
    set_last_modified(response, item.updated_at)
    return data


# ------------------------------------------------------------------------------------ participation
@participation.get(
    "/agencies/{slug}/interpretations", response=s.InterpretationPage, url_name="interpretations", summary="政策解读"
)
def interpretation_list(request, slug: str = SlugPath, cursor: str | None = Cursor, limit: int = Limit):
    agency = _agency(slug)
    page = keyset_page(
        interpretations_published(agency), key="published_at", key_type="datetime", cursor=cursor, limit=limit,
        descending=True,
    )  # fmt: skip
    items = []
    for item in page.rows:
        data = _item_summary(request, item)
        data["interprets"] = _item_ref(request, item.interprets) if item.interprets else None
        data["interpretation_form"] = item.interpretation_form
        items.append(data)
    return {"items": items, "next_cursor": page.next_cursor}


def _concern(c) -> dict:
    return {
        "id": c.pk, "agency": _ref(c.agency), "title": c.title, "raised_where": c.raised_where,
        "concern_summary": c.concern_summary, "response": c.response, "responded_on": c.responded_on,
        "published_on": c.published_on,
    }  # fmt: skip


@participation.get("/agencies/{slug}/concerns", response=s.ConcernPage, url_name="concerns", summary="回应关切")
def concern_list(request, slug: str = SlugPath, cursor: str | None = Cursor, limit: int = Limit):
    agency = _agency(slug)
    page = keyset_page(
        concerns_published(agency).select_related("agency"), key="id", key_type="int", cursor=cursor, limit=limit,
        descending=True,
    )  # fmt: skip
    return {"items": [_concern(c) for c in page.rows], "next_cursor": page.next_cursor}


@participation.get("/agencies/{slug}/concerns/{record_id}", response=s.ConcernOut, url_name="concern")
def concern_detail(request, slug: str = SlugPath, record_id: int = IdPath):
    concern = concerns_published(_agency(slug)).select_related("agency").filter(pk=record_id).first()
    if concern is None:
        raise Http404
    return _concern(concern)


def _consultation(c) -> dict:
    return {
        "id": c.pk, "agency": _ref(c.agency), "title": c.title, "summary": c.summary, "opens_on": c.opens_on,
        "closes_on": c.closes_on, "published_on": c.published_on,
        "feedback_published_on": c.feedback_published_on,
    }  # fmt: skip


@participation.get(
    "/agencies/{slug}/consultations", response=s.ConsultationPage, url_name="consultations", summary="网上征集"
)
def consultation_list(request, slug: str = SlugPath, cursor: str | None = Cursor, limit: int = Limit):
    agency = _agency(slug)
    page = keyset_page(
        consultations_published(agency).select_related("agency"), key="id", key_type="int", cursor=cursor,
        limit=limit, descending=True,
    )  # fmt: skip
    return {"items": [_consultation(c) for c in page.rows], "next_cursor": page.next_cursor}


@participation.get(
    "/agencies/{slug}/consultations/{record_id}", response=s.ConsultationDetailOut, url_name="consultation",
    summary="网上征集详情：征求意见稿、公开的意见和意见采纳情况",
)  # fmt: skip
def consultation_detail(request, slug: str = SlugPath, record_id: int = IdPath):
    consultation = consultations_published(_agency(slug)).select_related("agency").filter(pk=record_id).first()
    if consultation is None:
        raise Http404
    data = _consultation(consultation)
    # The adopted feedback is public once the agency publishes it, as on the portal page.
    data["feedback"] = consultation.feedback if consultation.feedback_published_on else ""
    data["draft_text"] = consultation.draft_text
    data["comments"] = [
        {"content": c.content, "submitted_at": c.submitted_at}
        for c in comments_public(consultation).order_by("submitted_at", "pk")
    ]
    return data


def _survey(survey, today) -> dict:
    return {
        "id": survey.pk, "agency": _ref(survey.agency), "title": survey.title, "summary": survey.summary,
        "opens_on": survey.opens_on, "closes_on": survey.closes_on, "published_on": survey.published_on,
        "results_public": survey.results_public_on(today),
    }  # fmt: skip


@participation.get("/agencies/{slug}/surveys", response=s.SurveyPage, url_name="surveys", summary="网上调查")
def survey_list(request, slug: str = SlugPath, cursor: str | None = Cursor, limit: int = Limit):
    agency = _agency(slug)
    page = keyset_page(
        surveys_published(agency).select_related("agency"), key="id", key_type="int", cursor=cursor, limit=limit,
        descending=True,
    )  # fmt: skip
    today = timezone.localdate()
    return {"items": [_survey(x, today) for x in page.rows], "next_cursor": page.next_cursor}


@participation.get(
    "/agencies/{slug}/surveys/{record_id}", response=s.SurveyDetailOut, url_name="survey",
    summary="网上调查详情：调查结束后公布结果",
)  # fmt: skip
def survey_detail(request, slug: str = SlugPath, record_id: int = IdPath):
    survey = surveys_published(_agency(slug)).select_related("agency").filter(pk=record_id).first()
    if survey is None:
        raise Http404
    today = timezone.localdate()
    data = _survey(survey, today)
    total, results = survey_results(survey) if survey.results_public_on(today) else (0, [])
    data["responses"] = total
    data["results"] = [
        {
            "position": r.position, "text": r.text, "kind": r.kind, "text_answers": r.text_answers,
            "choices": [{"text": c.text, "count": c.count, "percent": c.percent} for c in r.choices],
        }
        for r in results
    ]  # fmt: skip
    return data


# ------------------------------------------------------------------------------------------ gazette
def _issue(request, issue) -> dict:
    pdf = reverse("gazette:issue_pdf", args=[issue.agency.slug, issue.pk])
    return {
        "id": issue.pk, "agency": _ref(issue.agency), "title": issue.title, "year": issue.year,
        "number": issue.number, "serial_number": issue.serial_number, "issued_on": issue.issued_on,
        "published_on": issue.published_on, "pdf_url": _abs(request, pdf),
    }  # fmt: skip


@gazette.get("/agencies/{slug}/gazette", response=s.GazettePage, url_name="gazette_issues", summary="政府公报")
def gazette_list(request, slug: str = SlugPath, cursor: str | None = Cursor, limit: int = Limit):
    agency = _agency(slug)
    page = keyset_page(
        gazette_issues_published(agency).select_related("agency"), key="id", key_type="int", cursor=cursor,
        limit=limit, descending=True,
    )  # fmt: skip
    return {"items": [_issue(request, i) for i in page.rows], "next_cursor": page.next_cursor}


@gazette.get("/agencies/{slug}/gazette/{record_id}", response=s.GazetteIssueDetailOut, url_name="gazette_issue")
def gazette_detail(request, slug: str = SlugPath, record_id: int = IdPath):
    issue = gazette_issues_published(_agency(slug)).select_related("agency").filter(pk=record_id).first()
    if issue is None:
        raise Http404
    data = _issue(request, issue)
    data["documents"] = [
        {
            "item_id": d.item_id, "title": d.title, "document_number": d.document_number, "issuer": d.agency_name,
            "date_written": d.date_written, "url": _abs(request, d.url) if d.url else "",
            "api_url": _abs(request, reverse("api-v1:item", args=[d.item_id])) if d.url else "",
        }
        for d in gazette_issue_documents(issue)
    ]  # fmt: skip
    return data


# -------------------------------------------------------------------------------------- enforcement
def _decision(d) -> dict:
    return {
        "id": d.pk, "agency": _ref(d.agency), "kind": d.kind, "number": d.number, "subject": d.public_subject(),
        "summary": d.summary, "decided_on": d.decided_on, "published_on": d.published_on,
    }  # fmt: skip


@enforcement.get(
    "/agencies/{slug}/penalties", response=s.DecisionPage, url_name="penalties",
    summary="具有一定社会影响的行政处罚决定（条例第二十条第（六）项）",
)  # fmt: skip
def penalty_list(request, slug: str = SlugPath, cursor: str | None = Cursor, limit: int = Limit):
    page = keyset_page(
        penalties_published(_agency(slug)).select_related("agency"), key="id", key_type="int", cursor=cursor,
        limit=limit, descending=True,
    )  # fmt: skip
    return {"items": [_decision(d) for d in page.rows], "next_cursor": page.next_cursor}


@enforcement.get(
    "/agencies/{slug}/licensing", response=s.DecisionPage, url_name="licensing",
    summary="行政许可结果（条例第二十条第（五）项）",
)  # fmt: skip
def licensing_list(request, slug: str = SlugPath, cursor: str | None = Cursor, limit: int = Limit):
    page = keyset_page(
        licensing_results(_agency(slug)).select_related("agency"), key="id", key_type="int", cursor=cursor,
        limit=limit, descending=True,
    )  # fmt: skip
    return {"items": [_decision(d) for d in page.rows], "next_cursor": page.next_cursor}


@enforcement.get(
    "/agencies/{slug}/fees", response=s.FeesOut, url_name="fees",
    summary="行政事业性收费项目及其依据、标准和年度金额（条例第二十条第（八）项）",
)  # fmt: skip
def fee_list(request, slug: str = SlugPath, year: int = Query(..., ge=YEAR_MIN, le=YEAR_MAX)):
    agency = _agency(slug)
    return {
        "agency": _ref(agency),
        "year": year,
        "items": [
            {"item": f.item, "basis": f.basis, "year_total_yuan": str(f.year_total), "last_collected": f.last_collected}
            for f in fee_items(agency, year)
        ],
    }


# -------------------------------------------------------------------------------- annual reports
def _report_summary(request, report) -> dict:
    slug = report.agency.slug
    api_path = (
        reverse("api-v1:annual_report", args=[slug, report.year])
        if report.scope == ReportScope.AGENCY
        else reverse("api-v1:rollup", args=[slug, report.year])
    )
    return {
        "id": report.pk, "agency": _ref(report.agency), "year": report.year, "scope": report.scope,
        "title": report.title, "published_at": report.published_at, "updated_at": report.updated_at,
        "api_url": _abs(request, api_path),
        "exports": {
            fmt: _abs(request, reverse("opendata:report_export", args=[slug, report.year, report.scope, fmt]))
            for fmt in ("json", "xlsx", "docx", "pdf")
        },
    }  # fmt: skip


def _report_json(report) -> dict:
    return json.loads(export_json(report_document(report)))


@reports.get(
    "/agencies/{slug}/annual-reports", response=s.AnnualReportPage, url_name="annual_reports",
    summary="已发布的政府信息公开工作年度报告（条例第四十九条、第五十条）",
)  # fmt: skip
def annual_report_list(request, slug: str = SlugPath, cursor: str | None = Cursor, limit: int = Limit):
    agency = _agency(slug)
    page = keyset_page(
        reports_published().filter(agency=agency), key="id", key_type="int", cursor=cursor, limit=limit,
        descending=True,
    )  # fmt: skip
    return {"items": [_report_summary(request, r) for r in page.rows], "next_cursor": page.next_cursor}


@reports.get(
    "/agencies/{slug}/annual-reports/{year}", response=s.AnnualReportOut, url_name="annual_report",
    summary="一份已发布的年度报告（与 JSON 导出结构相同）",
)  # fmt: skip
def annual_report_detail(
    request, response: HttpResponse, slug: str = SlugPath, year: int = Path(..., ge=YEAR_MIN, le=YEAR_MAX)
):
    report = reports_published().filter(agency=_agency(slug), year=year, scope=ReportScope.AGENCY).first()
    if report is None:
        raise Http404
    data = _report_summary(request, report)
    data["report"] = _report_json(report)
    set_last_modified(response, report.updated_at)
    return data


@reports.get(
    "/agencies/{slug}/annual-reports/{year}/rollup", response=s.RollupOut, url_name="rollup",
    summary="本机关及所有下级机关的年度报告汇总",
)  # fmt: skip
def annual_report_rollup(request, slug: str = SlugPath, year: int = Path(..., ge=YEAR_MIN, le=YEAR_MAX)):
    """The published roll-up report when the agency has one; otherwise the figures compiled from the records
    of the subtree by the annual report's own selector (the same one a roll-up report is drafted from)."""
    agency = _agency(slug)
    members = report_agencies(agency, ReportScope.ROLLUP)  # whose records a roll-up counts
    report = reports_published().filter(agency=agency, year=year, scope=ReportScope.ROLLUP).first()
    if report is not None:
        body, source = _report_json(report), "published_report"
    else:
        if year > timezone.localdate().year:
            raise Http404
        # Compiling a province's subtree reads millions of records: kept for an hour per (agency, year).
        body = cache.get_or_set(
            f"api:rollup:{agency.pk}:{year}",
            lambda: _figures_json(
                agency, year, report_figures_compile(agency=agency, year=year, scope=ReportScope.ROLLUP)
            ),
            COMPILED_SECONDS,
        )
        source = "compiled"
    return {
        "agency": _ref(agency), "year": year, "source": source,
        "agencies": [_ref(a) for a in sorted(members, key=lambda a: a.path)], "report": body,
    }  # fmt: skip


def _figures_json(agency, year: int, figures) -> dict:
    """Compiled figures in the export's JSON schema, with the narrative parts empty (there is no report)."""
    from gongkai.annual_reports.exports import ReportDocument

    document = ReportDocument(
        title="", agency=agency.name, year=year, preamble="", section1={}, figures=figures, problems="",
        improvements="", other="",
    )  # fmt: skip
    return json.loads(export_json(document))


@reports.get(
    "/agencies/{slug}/statistics/{year}", response=s.StatisticsOut, url_name="statistics",
    summary="依申请公开情况统计（年度报告表三：25 行 × 7 列，只有数字，不含任何申请）",
)  # fmt: skip
def application_statistics(request, slug: str = SlugPath, year: int = Path(..., ge=YEAR_MIN, le=YEAR_MAX)):
    agency = _agency(slug)
    report = reports_published().filter(agency=agency, year=year, scope=ReportScope.AGENCY).first()
    if report is not None:
        section = _report_json(report)["section3"]
        source = "published_report"
    else:
        if year > timezone.localdate().year:
            raise Http404
        from gongkai.agencies.selectors import agency_report_members

        def table() -> dict:
            figures = compile_applications_table(agencies=agency_report_members(agency), year=year)
            return {
                "columns": TABLE2_COLUMN_CODES,
                "rows": {
                    row.code: {
                        "label": row.label,
                        "values": [figures.t2(row.code, c).value for c in TABLE2_COLUMN_CODES],
                    }
                    for row in TABLE2_ROWS
                },
            }

        section = cache.get_or_set(f"api:statistics:{agency.pk}:{year}", table, COMPILED_SECONDS)
        source = "records"
    return {"agency": _ref(agency), "year": year, "source": source, **section}


for router in (agencies, catalogue, participation, gazette, enforcement, reports):
    api.add_router("", router)
