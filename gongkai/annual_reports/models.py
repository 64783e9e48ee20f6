"""Annual reports (条例 第四十九条、第五十条) and their corrections."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.annual_reports.structure import SECTION1_PARTS
from gongkai.core.workflow import Transitions
from gongkai.supervision.annual_reports import report_deadline


class ReportScope(models.TextChoices):
    AGENCY = "agency", _("本机关（含合并报告机关）")
    ROLLUP = "rollup", _("本机关及所有下级机关汇总")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    REVIEWED = "reviewed", _("已审核")
    APPROVED = "approved", _("已批准")
    PUBLISHED = "published", _("已发布")


# The allowed moves. Approving freezes the figures; publishing shows the report on the portal; a published
# report is changed only by a correction, which republishes it with a visible note.
REPORT_TRANSITIONS = Transitions(
    {
        ReportStatus.DRAFT: {ReportStatus.REVIEWED},
        ReportStatus.REVIEWED: {ReportStatus.APPROVED, ReportStatus.DRAFT},
        ReportStatus.APPROVED: {ReportStatus.PUBLISHED, ReportStatus.DRAFT},
        ReportStatus.PUBLISHED: set(),
    },
    ReportStatus,
    describe=lambda report: report.title,
)


class AnnualReport(models.Model):
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("报告机关"), on_delete=models.PROTECT, related_name="annual_reports"
    )
    year = models.PositiveSmallIntegerField(_("报告年度"))
    scope = models.CharField(_("统计范围"), max_length=10, choices=ReportScope.choices, default=ReportScope.AGENCY)
    title = models.CharField(_("标题"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT, db_index=True
    )
    preamble = models.TextField(_("前言"), blank=True)
    proactive = models.TextField(_("（一）主动公开"), blank=True)
    on_application = models.TextField(_("（二）依申请公开"), blank=True)
    management = models.TextField(_("（三）政府信息管理"), blank=True)
    platform = models.TextField(_("（四）政府信息公开平台建设"), blank=True)
    supervision = models.TextField(_("（五）监督保障"), blank=True)
    problems = models.TextField(_("存在的主要问题"), blank=True)
    improvements = models.TextField(_("改进情况"), blank=True)
    other = models.TextField(_("其他需要报告的事项"), blank=True)
    # The figures as approved: later changes to the records no longer move them (see the difference list).
    snapshot = models.JSONField(_("冻结数据"), null=True, blank=True)
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("年度报告")
        verbose_name_plural = _("年度报告")
        ordering = ["-year", "agency__path"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "scope"], name="one_report_per_agency_year_scope")
        ]

    def __str__(self) -> str:
        return self.title

    def section1_texts(self) -> dict[str, str]:
        return {key: getattr(self, key) for key, _title in SECTION1_PARTS}

    @property
    def is_frozen(self) -> bool:
        return self.snapshot is not None

    def publication_deadline(self) -> dt.date:
        """条例 第四十九条: departments publish by 31 January, a government's report by 31 March.

        The rule lives once, in supervision (which checks it for every agency below a supervisor).
        """
        return report_deadline(self.agency, self.year)


class ReportCorrection(models.Model):
    """A change to a published report: the figures or text before and after, and the note shown to readers."""

    report = models.ForeignKey(
        AnnualReport, verbose_name=_("年度报告"), on_delete=models.CASCADE, related_name="corrections"
    )
    note = models.TextField(_("更正说明"))
    snapshot_before = models.JSONField(_("更正前数据"))
    created_at = models.DateTimeField(_("更正时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("更正人"), on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("年度报告更正")
        verbose_name_plural = _("年度报告更正")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.report} 更正 {self.created_at:%Y-%m-%d}"


# ------------------------------------------------------------------------------------------ imported reports
class ImportedReport(models.Model):
    """A report made elsewhere (年报审查): one per agency and year once confirmed, its files kept as versions.

    Until a person confirms the agency and year guessed from the text, the report is unconfirmed and binds
    nothing; confirming it into an (agency, year) that already has a report adds its file as a new version.
    """

    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("报告机关"),
        on_delete=models.PROTECT,
        related_name="imported_reports",
        null=True,
        blank=True,
    )
    year = models.PositiveSmallIntegerField(_("报告年度"), null=True, blank=True)
    confirmed = models.BooleanField(_("机关和年度已确认"), default=False, db_index=True)
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("导入的年度报告")
        verbose_name_plural = _("导入的年度报告")
        ordering = ["-year", "agency__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year"],
                condition=models.Q(confirmed=True),
                name="one_imported_report_per_agency_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency or '?'} {self.year or '?'}"


class ImportedReportVersion(models.Model):
    """One uploaded file of an imported report, as read: the text, every cell with its state and span, findings."""

    report = models.ForeignKey(
        ImportedReport, verbose_name=_("导入的年度报告"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("版本"))
    sha256 = models.CharField(_("内容摘要"), max_length=64, unique=True)
    file_name = models.CharField(_("文件名"), max_length=255)
    kind = models.CharField(_("文件类型"), max_length=10)
    text = models.TextField(_("读出的文本"), blank=True)
    title = models.CharField(_("标题"), max_length=300, blank=True)
    agency_guess = models.CharField(_("文中机关名称"), max_length=200, blank=True)
    year_guess = models.PositiveSmallIntegerField(_("文中年度"), null=True, blank=True)
    layout = models.CharField(_("表格格式"), max_length=4, blank=True)
    unreadable = models.TextField(_("无法读取的原因"), blank=True)
    parsed = models.JSONField(_("读出的内容"), default=dict)  # cells (state, value, span), sections, narrative
    findings = models.JSONField(_("审查发现"), default=list)
    errors = models.PositiveIntegerField(_("错误数"), default=0)
    warnings = models.PositiveIntegerField(_("警告数"), default=0)
    infos = models.PositiveIntegerField(_("提示数"), default=0)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("导入报告的版本")
        verbose_name_plural = _("导入报告的版本")
        ordering = ["report", "-number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="one_number_per_imported_version")]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"

    @property
    def status(self) -> str:
        """unreadable / findings by worst severity / imported (clean)."""
        if self.unreadable:
            return "unreadable"
        if self.errors:
            return "error"
        if self.warnings:
            return "warning"
        return "imported"
