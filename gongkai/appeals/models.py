"""Appeals against disclosure decisions: administrative reconsideration (行政复议) and litigation (行政诉讼).

条例 第五十一条: an applicant who thinks an agency's disclosure work infringed their rights may apply for
reconsideration or sue. Section 四 of the annual report counts these cases (15 columns).
"""

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.core.storage import private_storage


class ReportColumn(models.TextChoices):
    """The four result columns of the annual report's table 四 (spec §2.4)."""

    UPHELD = "upheld", _("结果维持")
    CORRECTED = "corrected", _("结果纠正")
    OTHER = "other", _("其他结果")
    PENDING = "pending", _("尚未审结")


class AppealResult(models.TextChoices):
    PENDING = "pending", _("尚未审结")
    UPHELD = "upheld", _("维持")
    REVOKED = "revoked", _("撤销")
    CHANGED = "changed", _("变更")
    CONFIRMED_ILLEGAL = "confirmed_illegal", _("确认违法")
    ORDERED_TO_PERFORM = "ordered_to_perform", _("责令履行")
    DISMISSED = "dismissed", _("驳回")
    TERMINATED = "terminated", _("终止")
    WITHDRAWN = "withdrawn", _("撤回")
    SETTLED = "settled", _("和解（调解）")


# Why each result falls in its column (also in docs/appeals.md):
# - 维持: the body upheld the disclosure decision as it was.
# - 撤销, 变更, 确认违法, 责令履行: the body found the decision wrong and corrected it (or ordered a new one).
# - 驳回, 终止, 撤回, 和解: the case ended without a ruling on the decision's merits (the request was dismissed or
#   inadmissible, the applicant withdrew, or the parties settled), so neither upheld nor corrected.
# - still open at the end of the year: 尚未审结.
RESULT_COLUMNS = {
    AppealResult.PENDING: ReportColumn.PENDING,
    AppealResult.UPHELD: ReportColumn.UPHELD,
    AppealResult.REVOKED: ReportColumn.CORRECTED,
    AppealResult.CHANGED: ReportColumn.CORRECTED,
    AppealResult.CONFIRMED_ILLEGAL: ReportColumn.CORRECTED,
    AppealResult.ORDERED_TO_PERFORM: ReportColumn.CORRECTED,
    AppealResult.DISMISSED: ReportColumn.OTHER,
    AppealResult.TERMINATED: ReportColumn.OTHER,
    AppealResult.WITHDRAWN: ReportColumn.OTHER,
    AppealResult.SETTLED: ReportColumn.OTHER,
}


def deadline_state(due: dt.date | None, done_on: dt.date | None, today: dt.date, due_soon_days: int) -> str:
    """'done', 'overdue', 'due_soon' or 'open' for one of the agency's own steps with a legal deadline."""
    if done_on:
        return "done"
    if due is None:
        return "open"
    if today > due:
        return "overdue"
    return "due_soon" if (due - today).days <= due_soon_days else "open"


class Reconsideration(models.Model):
    """A reconsideration case in which the agency is the respondent (被申请人)."""

    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("被申请人（本机关）"),
        on_delete=models.PROTECT,
        related_name="reconsiderations",
    )
    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("涉及的公开申请"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reconsiderations",
    )
    applicant_name = models.CharField(_("复议申请人"), max_length=100)
    organ = models.CharField(_("复议机关"), max_length=100)
    case_number = models.CharField(_("复议案号"), max_length=100, blank=True)
    subject = models.CharField(_("复议事项"), max_length=300)
    filed_on = models.DateField(_("申请复议日期"))
    received_on = models.DateField(_("收到复议申请书副本日期"), null=True, blank=True)
    answer_due = models.DateField(_("书面答复期限"), null=True, blank=True, db_index=True)
    answer_sent_on = models.DateField(_("提交书面答复日期"), null=True, blank=True)
    decided_on = models.DateField(_("复议决定日期"), null=True, blank=True)
    result = models.CharField(_("复议结果"), max_length=20, choices=AppealResult.choices, default=AppealResult.PENDING)
    decision_summary = models.TextField(_("决定要点"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("行政复议")
        verbose_name_plural = _("行政复议")
        ordering = ["-filed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(result="pending") | models.Q(decided_on__isnull=False),
                name="reconsideration_decided_has_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_number or '行政复议'}：{self.applicant_name}诉{self.subject}"

    def column_at(self, day: dt.date) -> str:
        """The table 四 column of this case as things stood on `day` (the year's last day for the report)."""
        if self.result == AppealResult.PENDING or self.decided_on is None or self.decided_on > day:
            return ReportColumn.PENDING
        return RESULT_COLUMNS[AppealResult(self.result)]

    def answer_state(self, today: dt.date, *, due_soon_days: int = 3) -> str:
        """The state of the agency's written answer: 'done', 'overdue', 'due_soon' or 'open'."""
        return deadline_state(self.answer_due, self.answer_sent_on, today, due_soon_days)


class DefendantRole(models.TextChoices):
    ORIGINAL = "original", _("原行政行为机关")
    RECONSIDERATION_ORGAN = "reconsideration_organ", _("复议机关（共同被告）")


class Lawsuit(models.Model):
    """An administrative lawsuit in which the agency is a defendant (被告)."""

    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("被告（本机关）"), on_delete=models.PROTECT, related_name="lawsuits"
    )
    defendant_role = models.CharField(
        _("被告身份"),
        max_length=30,
        choices=DefendantRole.choices,
        default=DefendantRole.ORIGINAL,
        help_text=_("复议机关作共同被告的案件，只由原行政行为机关统计（国办公开办函〔2016〕201号）"),
    )
    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("涉及的公开申请"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lawsuits",
    )
    reconsideration = models.ForeignKey(
        Reconsideration,
        verbose_name=_("复议案件（复议后起诉）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lawsuits",
    )
    plaintiff = models.CharField(_("原告"), max_length=100)
    court = models.CharField(_("受理法院"), max_length=100)
    case_number = models.CharField(_("案号"), max_length=100, blank=True)
    subject = models.CharField(_("诉讼请求"), max_length=300)
    filed_on = models.DateField(_("起诉日期"))
    served_on = models.DateField(_("收到起诉状副本日期"), null=True, blank=True)
    defence_due = models.DateField(_("答辩期限"), null=True, blank=True, db_index=True)
    defence_sent_on = models.DateField(_("提交答辩状日期"), null=True, blank=True)
    hearing_on = models.DateField(_("开庭日期"), null=True, blank=True)
    judgment_on = models.DateField(_("一审裁判日期"), null=True, blank=True)
    result = models.CharField(_("一审结果"), max_length=20, choices=AppealResult.choices, default=AppealResult.PENDING)
    appealed_on = models.DateField(_("上诉日期"), null=True, blank=True)
    appeal_court = models.CharField(_("二审法院"), max_length=100, blank=True)
    appeal_case_number = models.CharField(_("二审案号"), max_length=100, blank=True)
    appeal_decided_on = models.DateField(_("二审裁判日期"), null=True, blank=True)
    appeal_result = models.CharField(
        _("二审结果"), max_length=20, choices=AppealResult.choices, default=AppealResult.PENDING, blank=True
    )
    judgment_summary = models.TextField(_("裁判要点"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("行政诉讼")
        verbose_name_plural = _("行政诉讼")
        ordering = ["-filed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case_number or '行政诉讼'}：{self.plaintiff}诉{self.subject}"

    @property
    def after_reconsideration(self) -> bool:
        return self.reconsideration_id is not None

    def column_at(self, day: dt.date) -> str:
        """The table 四 column on `day`: an appealed case counts by its second-instance outcome."""
        if self.appealed_on and self.appealed_on <= day:
            if (
                self.appeal_decided_on is None
                or self.appeal_decided_on > day
                or self.appeal_result == AppealResult.PENDING
            ):
                return ReportColumn.PENDING
            return RESULT_COLUMNS[AppealResult(self.appeal_result)]
        if self.result == AppealResult.PENDING or self.judgment_on is None or self.judgment_on > day:
            return ReportColumn.PENDING
        return RESULT_COLUMNS[AppealResult(self.result)]

    def defence_state(self, today: dt.date, *, due_soon_days: int = 3) -> str:
        """The state of the agency's defence in court: 'done', 'overdue', 'due_soon' or 'open'."""
        return deadline_state(self.defence_due, self.defence_sent_on, today, due_soon_days)


class AppealDocument(models.Model):
    """A document of a case: the application for reconsideration, the answer, the complaint, the judgment…"""

    reconsideration = models.ForeignKey(
        Reconsideration, null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    lawsuit = models.ForeignKey(Lawsuit, null=True, blank=True, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("文书名称"), max_length=200)
    # Case documents name applicants: the private root, sent only by the access-checked staff view.
    file = models.FileField(_("文件"), upload_to="appeals/%Y/%m/", storage=private_storage)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("案件文书")
        verbose_name_plural = _("案件文书")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reconsideration__isnull=False, lawsuit__isnull=True)
                | models.Q(reconsideration__isnull=True, lawsuit__isnull=False),
                name="appeal_document_belongs_to_one_case",
            )
        ]

    def __str__(self) -> str:
        return self.title
