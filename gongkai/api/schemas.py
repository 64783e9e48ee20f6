"""The API's response shapes. Field names are English (stable for programs); values are the records' Chinese
text. Every schema lists only what the portal itself shows the public: no reviewer, author, applicant,
commenter's name or contact, and no unpublished status."""

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field


class Problem(Schema):
    """RFC 9457 problem details (served as application/problem+json)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[dict[str, Any]] | None = None


class AgencyRef(Schema):
    slug: str
    name: str


class AgencyOut(Schema):
    slug: str
    name: str
    short_name: str
    kind: str
    kind_label: str
    parent: str | None = Field(None, description="上级机关的 slug")
    depth: int
    credit_code: str
    region_code: str


class ContactOut(Schema):
    office_name: str
    address: str
    postcode: str
    phone: str
    fax: str
    email: str
    hours: str


class AgencyDetailOut(AgencyOut):
    contact: ContactOut
    children: list[AgencyRef]
    site_name: str
    links: dict[str, str]


class GuideOut(Schema):
    agency: AgencyRef
    custom: bool = Field(description="机关自行编写的指南（否则为按机关信息生成的默认指南）")
    paragraphs: list[str]


class CategoryRef(Schema):
    id: int
    code: str
    name: str


class ItemSummaryOut(Schema):
    id: int
    index_number: str
    title: str
    summary: str
    agency: AgencyRef
    category: CategoryRef | None = None
    genre: str
    document_type: str
    document_number: str
    issuer: str
    date_written: dt.date | None = None
    validity: str
    published_at: dt.datetime
    updated_at: dt.datetime
    version: int
    url: str = Field(description="门户网站上的页面")
    api_url: str


class ItemRef(Schema):
    id: int
    title: str
    api_url: str


class AttachmentOut(Schema):
    name: str
    content_type: str
    size: int
    url: str


class CorrectionOut(Schema):
    version: int
    note: str
    corrected_at: dt.datetime


class ItemDetailOut(ItemSummaryOut):
    keywords: str
    effective_from: dt.date | None = None
    expires_on: dt.date | None = None
    repealed_on: dt.date | None = None
    interpretation_form: str
    body_html: str
    body_text: str
    interprets: ItemRef | None = None
    amends: ItemRef | None = None
    repeals: ItemRef | None = None
    interpretations: list[ItemRef]
    amended_by: list[ItemRef]
    repealed_by: list[ItemRef]
    attachments: list[AttachmentOut]
    corrections: list[CorrectionOut]


class ItemPage(Schema):
    items: list[ItemSummaryOut]
    next_cursor: str | None = Field(None, description="下一页的游标；为空表示已是最后一页")
    total: int | None = Field(None, description="全文检索时的命中总数（最多计到 total_capped）")
    total_capped: bool = False


class InterpretationOut(ItemSummaryOut):
    interprets: ItemRef | None = None
    interpretation_form: str


class InterpretationPage(Schema):
    items: list[InterpretationOut]
    next_cursor: str | None = None


class ConcernOut(Schema):
    id: int
    agency: AgencyRef
    title: str
    raised_where: str
    concern_summary: str
    response: str
    responded_on: dt.date
    published_on: dt.date | None = None


class ConcernPage(Schema):
    items: list[ConcernOut]
    next_cursor: str | None = None


class ConsultationOut(Schema):
    id: int
    agency: AgencyRef
    title: str
    summary: str
    opens_on: dt.date
    closes_on: dt.date
    published_on: dt.date | None = None
    feedback_published_on: dt.date | None = None


class CommentOut(Schema):
    content: str
    submitted_at: dt.datetime


class ConsultationDetailOut(ConsultationOut):
    draft_text: str
    feedback: str = Field(description="意见采纳情况（发布后才有）")
    comments: list[CommentOut] = Field(description="经审核公开的意见（不含姓名和联系方式）")


class ConsultationPage(Schema):
    items: list[ConsultationOut]
    next_cursor: str | None = None


class SurveyOut(Schema):
    id: int
    agency: AgencyRef
    title: str
    summary: str
    opens_on: dt.date
    closes_on: dt.date
    published_on: dt.date | None = None
    results_public: bool


class ChoiceResultOut(Schema):
    text: str
    count: int
    percent: float


class QuestionResultOut(Schema):
    position: int
    text: str
    kind: str
    choices: list[ChoiceResultOut]
    text_answers: list[str]


class SurveyDetailOut(SurveyOut):
    responses: int = Field(description="答卷数（调查结束后公布）")
    results: list[QuestionResultOut]


class SurveyPage(Schema):
    items: list[SurveyOut]
    next_cursor: str | None = None


class GazetteIssueOut(Schema):
    id: int
    agency: AgencyRef
    title: str
    year: int
    number: int
    serial_number: int | None = None
    issued_on: dt.date
    published_on: dt.date | None = None
    pdf_url: str


class GazetteDocumentOut(Schema):
    item_id: int
    title: str
    document_number: str
    issuer: str
    date_written: dt.date | None = None
    url: str
    api_url: str


class GazetteIssueDetailOut(GazetteIssueOut):
    documents: list[GazetteDocumentOut]


class GazettePage(Schema):
    items: list[GazetteIssueOut]
    next_cursor: str | None = None


class DecisionOut(Schema):
    id: int
    agency: AgencyRef
    kind: str
    number: str
    subject: str = Field(description="行政相对人；自然人只显示姓氏")
    summary: str
    decided_on: dt.date
    published_on: dt.date | None = None


class DecisionPage(Schema):
    items: list[DecisionOut]
    next_cursor: str | None = None


class FeeItemOut(Schema):
    item: str
    basis: str
    year_total_yuan: str
    last_collected: dt.date | None = None


class FeesOut(Schema):
    agency: AgencyRef
    year: int
    items: list[FeeItemOut]


class AnnualReportSummaryOut(Schema):
    id: int
    agency: AgencyRef
    year: int
    scope: str
    title: str
    published_at: dt.datetime | None = None
    updated_at: dt.datetime
    api_url: str
    exports: dict[str, str]


class AnnualReportPage(Schema):
    items: list[AnnualReportSummaryOut]
    next_cursor: str | None = None


class AnnualReportOut(AnnualReportSummaryOut):
    report: dict[str, Any] = Field(description="年度报告，与 JSON 导出相同的结构（schema gongkai.annual-report/1）")


class RollupOut(Schema):
    agency: AgencyRef
    year: int
    source: str = Field(description="published_report：已发布的汇总报告；compiled：按本级及下级机关的记录汇总")
    agencies: list[AgencyRef]
    report: dict[str, Any]


class StatisticsOut(Schema):
    agency: AgencyRef
    year: int
    source: str = Field(description="published_report：取自已发布的年度报告（冻结数据）；records：按办理记录实时统计")
    columns: list[str]
    rows: dict[str, dict[str, Any]]
