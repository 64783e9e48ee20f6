"""Public participation: responses to public concerns, online consultations and online surveys.

条例 第六条 / 第十九条: information that needs the public's participation is disclosed proactively, and an agency
answers false or incomplete information that affects society; the annual report counts each kind.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency
from gongkai.core.workflow import Transitions
from gongkai.participation.privacy import mask_personal_data


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


# The review chain of everything this app publishes: a clerk drafts and submits, a reviewer or approver
# publishes or sends it back; a published record can be withdrawn and redrafted.
PUBLICATION_TRANSITIONS = Transitions(
    {
        PublicationStatus.DRAFT: {PublicationStatus.SUBMITTED},
        PublicationStatus.SUBMITTED: {PublicationStatus.PUBLISHED, PublicationStatus.DRAFT},
        PublicationStatus.PUBLISHED: {PublicationStatus.WITHDRAWN},
        PublicationStatus.WITHDRAWN: {PublicationStatus.DRAFT},
    },
    PublicationStatus,
)


class Publishable(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("机关"))
    title = models.CharField(_("标题"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=12, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT
    )
    published_on = models.DateField(_("发布日期"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == PublicationStatus.PUBLISHED


class ConcernResponse(Publishable):
    """回应关切: an official answer to a topic the public raised."""

    raised_where = models.CharField(_("关切来源"), max_length=200, help_text=_("例如：12345热线、网民留言、媒体报道"))
    concern_summary = models.TextField(_("关切内容"))
    response = models.TextField(_("回应内容"))
    responded_on = models.DateField(_("回应日期"))

    class Meta:
        verbose_name = _("回应关切")
        verbose_name_plural = _("回应关切")
        ordering = ["-responded_on", "-id"]


class Consultation(Publishable):
    """网上征集: a draft opened for public comment over a period, then the feedback on adoption."""

    summary = models.TextField(_("征集说明"))
    draft_text = models.TextField(_("征求意见稿"))
    opens_on = models.DateField(_("征集开始日期"))
    closes_on = models.DateField(_("征集截止日期"))
    feedback = models.TextField(_("意见采纳情况"), blank=True)
    feedback_published_on = models.DateField(_("采纳情况发布日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("网上征集")
        verbose_name_plural = _("网上征集")
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="consultation_period",
                violation_error_message=_("截止日期不能早于开始日期。"),
            ),
        ]

    def clean(self) -> None:
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("截止日期不能早于开始日期。")})

    def is_open_on(self, day: dt.date) -> bool:
        return self.is_published and self.opens_on <= day <= self.closes_on

    def is_closed_on(self, day: dt.date) -> bool:
        return day > self.closes_on


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已公开")
    REJECTED = "rejected", _("不予公开")


COMMENT_TRANSITIONS = Transitions(
    {
        CommentStatus.PENDING: {CommentStatus.APPROVED, CommentStatus.REJECTED},
        CommentStatus.APPROVED: {CommentStatus.REJECTED},
        CommentStatus.REJECTED: {CommentStatus.APPROVED},
    },
    CommentStatus,
    describe=lambda comment: _("意见"),
)


class Comment(models.Model):
    """One public comment. Name and contact are kept for the agency only and never shown on the portal."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="comments")
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    contact = models.CharField(_("联系方式"), max_length=100, blank=True)
    content = models.TextField(_("意见内容"))
    status = models.CharField(_("状态"), max_length=10, choices=CommentStatus.choices, default=CommentStatus.PENDING)
    submitted_at = models.DateTimeField(_("提交时间"), db_index=True)
    client_key = models.CharField(max_length=64, editable=False, db_index=True)

    class Meta:
        verbose_name = _("征集意见")
        verbose_name_plural = _("征集意见")
        ordering = ["submitted_at", "id"]

    def __str__(self) -> str:
        return self.content[:40]

    def public_content(self) -> str:
        """What the portal shows: the text with any identity, phone or bank-card numbers in it masked."""
        return mask_personal_data(self.content)


class Survey(Publishable):
    """网上调查: a questionnaire open over a period; its results are published once it closes."""

    summary = models.TextField(_("调查说明"))
    opens_on = models.DateField(_("调查开始日期"))
    closes_on = models.DateField(_("调查截止日期"))

    class Meta:
        verbose_name = _("网上调查")
        verbose_name_plural = _("网上调查")
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="survey_period",
                violation_error_message=_("截止日期不能早于开始日期。"),
            ),
        ]

    def clean(self) -> None:
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("截止日期不能早于开始日期。")})

    def is_open_on(self, day: dt.date) -> bool:
        return self.is_published and self.opens_on <= day <= self.closes_on

    def results_public_on(self, day: dt.date) -> bool:
        return self.is_published and day > self.closes_on


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("单选")
    MULTIPLE = "multiple", _("多选")
    TEXT = "text", _("填空")


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("序号"))
    text = models.CharField(_("题目"), max_length=300)
    kind = models.CharField(_("题型"), max_length=10, choices=QuestionKind.choices)
    required = models.BooleanField(_("必答"), default=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "position"], name="question_position_unique")]

    def __str__(self) -> str:
        return self.text


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(_("序号"))
    text = models.CharField(_("选项"), max_length=200)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class SurveyResponse(models.Model):
    """One person's answers. `respondent_key` is a keyed hash of the browser token and address, never the address."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    submitted_at = models.DateTimeField(_("提交时间"))
    respondent_key = models.CharField(max_length=64, editable=False)
    client_key = models.CharField(max_length=64, editable=False, db_index=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "respondent_key"], name="one_response_per_respondent"),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}#{self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    choices = models.ManyToManyField(Choice, blank=True)
    text = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}"
