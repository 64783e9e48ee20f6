"""Catalogue items (条例 第十九条 to 第二十六条): settings, categories, the item and its versions,
attachments, and the narrow search entry. Models hold fields, constraints and pure methods; every change goes
through services."""

import datetime as dt
import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongkai.core.errors import IllegalTransition
from gongkai.core.workflow import Transitions

# 条例 第二十六条: 属于主动公开范围的政府信息，应当自该政府信息形成或者变更之日起20个工作日内及时公开。
PUBLISH_WITHIN_WORKING_DAYS = 20
# The back office warns this many working days before the Article 26 limit.
AT_RISK_WORKING_DAYS = 5

DEFAULT_INDEX_TEMPLATE = "{credit_code}/{year}-{seq:05d}"


class CatalogueSettings(models.Model):
    """Per-agency catalogue settings: the index-number template (索引号 has no national format, spec §4.2)."""

    agency = models.OneToOneField(
        "agencies.Agency", verbose_name=_("机关"), on_delete=models.CASCADE, related_name="catalogue_settings"
    )
    index_template = models.CharField(
        _("索引号模板"),
        max_length=100,
        default=DEFAULT_INDEX_TEMPLATE,
        help_text=_("可用占位符：{credit_code} 统一社会信用代码，{year} 年份，{month} 月份，{seq:05d} 当年序号"),
    )

    class Meta:
        verbose_name = _("目录设置")
        verbose_name_plural = _("目录设置")

    def __str__(self) -> str:
        return str(self.agency)


class IndexSequence(models.Model):
    """The last index-number sequence used by an agency in a year (locked while incremented)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="catalogue_one_sequence_per_year")]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}: {self.last}"


def format_index_number(template: str, *, credit_code: str, when: dt.date, seq: int) -> str:
    """The index number for the `seq`-th item of `when`'s year, from an agency's template."""
    return template.format(credit_code=credit_code, year=when.year, month=f"{when.year}{when.month:02d}", seq=seq)


class Category(models.Model):
    """One node of an agency's subject-category tree (主题分类); the agency administrator edits the tree."""

    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("机关"), on_delete=models.CASCADE, related_name="catalogue_categories"
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("上级分类"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(_("分类名称"), max_length=50)
    code = models.SlugField(_("分类代码"), max_length=50, allow_unicode=False)
    sort_order = models.PositiveIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("目录分类")
        verbose_name_plural = _("目录分类")
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="catalogue_category_code_unique_per_agency"),
        ]

    def __str__(self) -> str:
        return self.name


class DocumentType(models.TextChoices):
    """What kind of document an item is; the annual report's 第二十条第（一）项 block tells these apart."""

    RULES = "rules", _("规章")
    NORMATIVE = "normative", _("行政规范性文件")
    OTHER = "other", _("其他文件")
    INTERPRETATION = "interpretation", _("政策解读")
    INFORMATION = "information", _("其他信息")


class Genre(models.TextChoices):
    """体裁分类 (GB/T 9704 document kinds and common web genres)."""

    ORDER = "order", _("令")
    DECISION = "decision", _("决定")
    NOTICE = "notice", _("通知")
    ANNOUNCEMENT = "announcement", _("公告")
    CIRCULAR = "circular", _("通告")
    OPINION = "opinion", _("意见")
    MEASURES = "measures", _("办法")
    PROVISIONS = "provisions", _("规定")
    PLAN = "plan", _("规划")
    SCHEME = "scheme", _("方案")
    REPORT = "report", _("报告")
    REPLY = "reply", _("批复")
    LETTER = "letter", _("函")
    INTERPRETATION = "interpretation", _("解读")
    OTHER = "other", _("其他")


class InterpretationForm(models.TextChoices):
    TEXT = "text", _("文字")
    GRAPHIC = "graphic", _("图解")
    VIDEO = "video", _("视频")
    QA = "qa", _("问答")


class Validity(models.TextChoices):
    IN_FORCE = "in_force", _("有效")
    EXPIRED = "expired", _("失效")
    REPEALED = "repealed", _("废止")


class ItemStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    IN_REVIEW = "in_review", _("审核中")
    SCHEDULED = "scheduled", _("定时发布")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


# Only services move an item, and only along these arrows.
ITEM_TRANSITIONS = Transitions(
    {
        ItemStatus.DRAFT: {ItemStatus.IN_REVIEW},
        # Inside review the item moves step by step (status unchanged); rejection sends it back to draft;
        # the last step publishes it or schedules it.
        ItemStatus.IN_REVIEW: {ItemStatus.IN_REVIEW, ItemStatus.DRAFT, ItemStatus.PUBLISHED, ItemStatus.SCHEDULED},
        ItemStatus.SCHEDULED: {ItemStatus.PUBLISHED, ItemStatus.WITHDRAWN},
        ItemStatus.PUBLISHED: {ItemStatus.PUBLISHED, ItemStatus.WITHDRAWN},
        # Back to draft to be fixed; straight back to published only when the re-scan withdrew it (item_restore).
        ItemStatus.WITHDRAWN: {ItemStatus.DRAFT, ItemStatus.PUBLISHED},
    },
    ItemStatus,
)


def check_item_transition(current: str, target: str) -> None:
    if not ITEM_TRANSITIONS.allows(current, target):
        raise IllegalTransition(
            _("条目当前状态为“{current}”，不能变为“{target}”。").format(
                current=ITEM_TRANSITIONS.label(current), target=ITEM_TRANSITIONS.label(target)
            )
        )


DOCUMENT_NUMBER_RE = re.compile(r"^(?P<issuer>[^\s〔\[(（]+)[〔\[(（](?P<year>\d{4})[〕\])）]第?(?P<seq>\d+)号$")


# Government rules are numbered as orders: 黔东南州人民政府令第3号.
ORDER_NUMBER_RE = re.compile(r"^(?P<issuer>[^\s]+令)第(?P<seq>[1-9]\d*)号$")


def normalise_document_number(value: str) -> str:
    """A 文号 in the GB/T 9704 form 黔东南府发〔2024〕3号, accepting [] () （） brackets, or an order number
    (…令第3号); '' if it is neither."""
    value = (value or "").strip().replace(" ", "")
    match = DOCUMENT_NUMBER_RE.match(value)
    if match and int(match["seq"]) > 0:
        # GB/T 9704-2012 §7.2.5: no 第 and no leading zeros in the sequence.
        return f"{match['issuer']}〔{match['year']}〕{int(match['seq'])}号"
    order = ORDER_NUMBER_RE.match(value)
    return f"{order['issuer']}第{order['seq']}号" if order else ""


class Item(models.Model):
    """One catalogue item (条目): a piece of government information published proactively."""

    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("发布机构"), on_delete=models.PROTECT, related_name="catalogue_items"
    )
    index_number = models.CharField(_("索引号"), max_length=60, blank=True, default="")
    title = models.CharField(_("标题"), max_length=200)
    summary = models.TextField(_("内容概述"), blank=True)
    body = models.TextField(_("正文"), blank=True)  # sanitised HTML
    body_text = models.TextField(_("正文纯文本"), blank=True, editable=False)  # for checks and search
    category = models.ForeignKey(
        Category, verbose_name=_("主题分类"), null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    genre = models.CharField(_("体裁分类"), max_length=20, choices=Genre.choices, default=Genre.NOTICE)
    document_type = models.CharField(
        _("文件类型"), max_length=20, choices=DocumentType.choices, default=DocumentType.OTHER, db_index=True
    )
    issuer = models.CharField(_("发文机关"), max_length=100, blank=True)
    document_number = models.CharField(_("文号"), max_length=60, blank=True)
    date_written = models.DateField(_("成文日期"), null=True, blank=True)
    keywords = models.CharField(_("主题词"), max_length=200, blank=True)

    validity = models.CharField(
        _("有效性"), max_length=20, choices=Validity.choices, default=Validity.IN_FORCE, db_index=True
    )
    effective_from = models.DateField(_("施行日期"), null=True, blank=True)
    expires_on = models.DateField(_("失效日期"), null=True, blank=True)
    repealed_on = models.DateField(_("废止日期"), null=True, blank=True)

    # Links between documents.
    interprets = models.ForeignKey(
        "self",
        verbose_name=_("解读的文件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interpretations",
    )
    interpretation_form = models.CharField(_("解读形式"), max_length=20, choices=InterpretationForm.choices, blank=True)
    amends = models.ForeignKey(
        "self", verbose_name=_("修改的文件"), null=True, blank=True, on_delete=models.PROTECT, related_name="amended_by"
    )
    repeals = models.ForeignKey(
        "self",
        verbose_name=_("废止的文件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repealed_by",
    )

    # Workflow.
    status = models.CharField(_("状态"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.DRAFT)
    review_chain = models.JSONField(_("审核流程"), default=list, blank=True)  # [[name, role], ...] fixed at submit
    review_position = models.PositiveSmallIntegerField(_("当前审核步骤"), default=0)
    publish_at = models.DateTimeField(_("定时发布时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布日期"), null=True, blank=True, db_index=True)
    publish_due = models.DateField(_("应公开期限"), null=True, blank=True, db_index=True)
    withdrawn_reason = models.TextField(_("撤回原因"), blank=True)
    # Withdrawn by the nightly re-scan (常态化监测) because it found personal data: an approver restores it
    # (item_restore) or reopens it to fix it; until then it is on the approvers' to-do list.
    withdrawn_by_rescan = models.BooleanField(_("因常态化监测撤回"), default=False, db_index=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    # The latest automatic check.
    last_checked_at = models.DateTimeField(_("最近检查时间"), null=True, blank=True)
    personal_data_found = models.BooleanField(_("发现未遮盖的个人信息"), default=False, db_index=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("起草人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("目录条目")
        verbose_name_plural = _("目录条目")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "index_number"],
                condition=~Q(index_number=""),
                name="catalogue_index_number_unique_per_agency",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "status", "published_at"], name="catalogue_item_agency_pub"),
            models.Index(fields=["status", "publish_at"], name="catalogue_item_scheduled"),
            # Section 二's first block reads the rules and normative documents of many agencies at once (a
            # province's roll-up): a few percent of the items, found through this index instead of a scan.
            models.Index(fields=["document_type", "status"], name="catalogue_item_doctype"),
            # The open-data API lists the whole catalogue newest first and, for harvesting, by last change: the
            # status, then the date (then the id, which every index ends with), so a page of the newest is
            # read straight off the index instead of sorting every published item (SQLite: 1.3-5 s at
            # 200,000 items without them).
            models.Index(fields=["status", "published_at", "id"], name="catalogue_item_status_pub"),
            models.Index(fields=["status", "updated_at", "id"], name="catalogue_item_status_upd"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == ItemStatus.PUBLISHED

    def current_step(self) -> tuple[str, str] | None:
        """(name, role) of the review step the item waits in, or None when not in review."""
        if self.status != ItemStatus.IN_REVIEW or self.review_position >= len(self.review_chain):
            return None
        name, role = self.review_chain[self.review_position]
        return name, role

    def is_last_step(self) -> bool:
        return self.review_position >= len(self.review_chain) - 1

    def validity_on(self, day: dt.date) -> str:
        """The validity the item had on `day`, from its dates (for rules and normative documents)."""
        if self.repealed_on and day >= self.repealed_on:
            return Validity.REPEALED
        if self.expires_on and day > self.expires_on:
            return Validity.EXPIRED
        if self.validity == Validity.REPEALED and not self.repealed_on:
            return Validity.REPEALED
        return Validity.IN_FORCE

    def in_force_on(self, day: dt.date) -> bool:
        started = (self.effective_from or self.date_written or day) <= day
        return started and self.validity_on(day) == Validity.IN_FORCE

    def missing_metadata(self) -> list[str]:
        """Names of the metadata the public expects on the item page that are still empty (spec §4.1)."""
        missing = []
        if not self.title.strip():
            missing.append("title")
        if not self.summary.strip():
            missing.append("summary")
        if self.category_id is None:
            missing.append("category")
        if self.date_written is None:
            missing.append("date_written")
        if not self.body_text.strip() and not getattr(self, "_has_attachments", False):
            missing.append("body")
        if self.document_type in (DocumentType.RULES, DocumentType.NORMATIVE) and not self.document_number:
            missing.append("document_number")
        if self.document_type == DocumentType.INTERPRETATION and self.interprets_id is None:
            missing.append("interprets")
        return missing


class ItemVersion(models.Model):
    """A saved version of an item's content: every edit keeps the previous text, so versions can be diffed."""

    item = models.ForeignKey(Item, verbose_name=_("条目"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    title = models.CharField(_("标题"), max_length=200)
    summary = models.TextField(_("内容概述"), blank=True)
    body = models.TextField(_("正文"), blank=True)
    metadata = models.JSONField(_("元数据"), default=dict)
    correction_note = models.TextField(_("更正说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("保存时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("条目版本")
        verbose_name_plural = _("条目版本")
        ordering = ["item", "number"]
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="catalogue_version_unique")]

    def __str__(self) -> str:
        return f"{self.item_id} v{self.number}"


ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


def attachment_path(instance, filename: str) -> str:
    return f"catalogue/{instance.item.agency_id}/{instance.item_id}/{filename}"


class Attachment(models.Model):
    item = models.ForeignKey(Item, verbose_name=_("条目"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=255)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    extracted_text = models.TextField(_("提取的文字"), blank=True)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["item", "id"]

    def __str__(self) -> str:
        return self.name


class SearchEntry(models.Model):
    """Which items are in the full-text index, and under which sort key (see gongkai.catalogue.search).

    Written only by gongkai.catalogue.search, in the item's own transaction. On SQLite the sort key is the
    index row's id, so removing an item from the index starts here.
    """

    item = models.OneToOneField(Item, primary_key=True, on_delete=models.CASCADE, related_name="+")
    # Indexed for the newest and oldest key of a filter's span, which the count's estimate reads (search/index.py
    # `_count`): without it each estimate scanned every entry (150 ms at a million items on SQLite).
    sort_key = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return f"{self.item_id}@{self.sort_key}"
