"""Supervision of disclosure work below a supervising agency: new-media accounts and their follower counts,
training sessions, inspections of subordinate agencies' sites and accounts, and the portal's own site checks.
"""

import datetime as dt

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.core.workflow import Transitions

# 国办秘函〔2019〕19号 (政务新媒体检查指标): an account with no update for two weeks fails the inspection.
NEW_MEDIA_STALE_AFTER = dt.timedelta(days=14)


class Platform(models.TextChoices):
    WECHAT = "wechat", _("微信公众号")
    WEIBO = "weibo", _("政务微博")
    DOUYIN = "douyin", _("抖音")
    TOUTIAO = "toutiao", _("今日头条")
    KUAISHOU = "kuaishou", _("快手")
    OTHER = "other", _("其他")


class NewMediaAccount(models.Model):
    """An agency's 政务新媒体 account (条例 第二十三条: new media are a channel of proactive disclosure)."""

    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("主办机关"), on_delete=models.PROTECT, related_name="new_media_accounts"
    )
    platform = models.CharField(_("平台"), max_length=20, choices=Platform.choices)
    name = models.CharField(_("账号名称"), max_length=100)
    handle = models.CharField(_("账号ID"), max_length=100, blank=True)
    url = models.URLField(_("主页地址"), blank=True)
    is_active = models.BooleanField(_("运营中"), default=True)
    # The latest date the account was seen updated (its last post, or the last count when no post date was
    # given); kept on the row, by the services, so "not updated for two weeks" is one indexed query.
    last_updated_on = models.DateField(_("最近更新日期"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("政务新媒体账号")
        verbose_name_plural = _("政务新媒体账号")
        ordering = ["agency__path", "platform", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "platform", "name"], name="supervision_account_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()}：{self.name}"

    def is_stale(self, today: dt.date) -> bool:
        """Not updated for two weeks (or never recorded), while still operating."""
        return self.is_active and (self.last_updated_on is None or today - self.last_updated_on > NEW_MEDIA_STALE_AFTER)


class FollowerCount(models.Model):
    """The follower (subscriber) count of an account on a date, entered or imported."""

    account = models.ForeignKey(
        NewMediaAccount, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="follower_counts"
    )
    recorded_on = models.DateField(_("统计日期"))
    followers = models.PositiveIntegerField(_("关注/订阅数"))
    last_post_on = models.DateField(_("最近发布日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("关注数记录")
        verbose_name_plural = _("关注数记录")
        ordering = ["account", "-recorded_on"]
        constraints = [
            models.UniqueConstraint(fields=["account", "recorded_on"], name="supervision_followercount_unique")
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.recorded_on} {self.followers}"

    def updated_on(self) -> dt.date:
        return self.last_post_on or self.recorded_on


class TrainingSession(models.Model):
    """A disclosure-work training session held by an agency (report section 一(五))."""

    # 条例 第四十八条: the competent department trains disclosure staff regularly.

    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("举办机关"), on_delete=models.PROTECT, related_name="training_sessions"
    )
    held_on = models.DateField(_("举办日期"))
    topic = models.CharField(_("培训主题"), max_length=200)
    audience = models.CharField(_("培训对象"), max_length=200)
    trained_count = models.PositiveIntegerField(_("培训人数"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("培训")
        verbose_name_plural = _("培训")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"


class Inspection(models.Model):
    """A supervising agency's check of its subordinate agencies' sites and new-media accounts."""

    # 条例 第四十七条: the competent department supervises and inspects, and urges rectification.

    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("检查机关"), on_delete=models.PROTECT, related_name="inspections"
    )
    title = models.CharField(_("检查名称"), max_length=200)
    inspected_on = models.DateField(_("检查日期"))
    scope = models.TextField(_("检查范围"), blank=True)

    class Meta:
        verbose_name = _("检查")
        verbose_name_plural = _("检查")
        ordering = ["-inspected_on", "-id"]

    def __str__(self) -> str:
        return self.title


class ProblemCategory(models.TextChoices):
    # The veto items and routine checks of 国办秘函〔2019〕19号 (disclosure-spec §4.3).
    SECURITY = "security", _("安全、泄密等严重问题")
    UNREACHABLE = "unreachable", _("站点无法访问")
    HOME_STALE = "home_stale", _("首页不更新")
    COLUMN_STALE = "column_stale", _("栏目不更新")
    INTERACTION = "interaction", _("互动回应差")
    SERVICE = "service", _("服务不实用")
    TYPO = "typo", _("错别字")
    PRIVACY = "privacy", _("个人隐私泄露")
    NEW_MEDIA_STALE = "new_media_stale", _("政务新媒体不更新")
    OTHER = "other", _("其他")


class TargetKind(models.TextChoices):
    SITE = "site", _("政府网站")
    NEW_MEDIA = "new_media", _("政务新媒体")


class ProblemStatus(models.TextChoices):
    FOUND = "found", _("待核实")
    VERIFIED = "verified", _("已核实")
    DISMISSED = "dismissed", _("经核实不属实")
    FED_BACK = "fed_back", _("已反馈待整改")
    RECTIFIED = "rectified", _("已整改待验收")
    CLOSED = "closed", _("已销号")


# The allowed moves: verify (or dismiss), feed back to the responsible agency, rectify, then close, or send
# an unconvincing rectification back.
PROBLEM_TRANSITIONS = Transitions(
    {
        ProblemStatus.FOUND: {ProblemStatus.VERIFIED, ProblemStatus.DISMISSED},
        ProblemStatus.VERIFIED: {ProblemStatus.FED_BACK},
        ProblemStatus.FED_BACK: {ProblemStatus.RECTIFIED},
        ProblemStatus.RECTIFIED: {ProblemStatus.CLOSED, ProblemStatus.FED_BACK},
        ProblemStatus.DISMISSED: set(),
        ProblemStatus.CLOSED: set(),
    },
    ProblemStatus,
)
OPEN_STATUSES = frozenset(
    {ProblemStatus.FOUND, ProblemStatus.VERIFIED, ProblemStatus.FED_BACK, ProblemStatus.RECTIFIED}
)


class InspectionProblem(models.Model):
    """One problem an inspection found, followed through verification, feedback and rectification to closing."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("检查"), on_delete=models.CASCADE, related_name="problems"
    )
    responsible_agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("责任机关"), on_delete=models.PROTECT, related_name="inspection_problems"
    )
    target_kind = models.CharField(_("检查对象"), max_length=20, choices=TargetKind.choices)
    target = models.CharField(_("网站栏目或账号"), max_length=300, help_text=_("网址，或新媒体账号名称"))
    category = models.CharField(_("问题类别"), max_length=20, choices=ProblemCategory.choices)
    description = models.TextField(_("问题描述"))
    deadline = models.DateField(_("整改期限"), db_index=True)
    status = models.CharField(_("状态"), max_length=20, choices=ProblemStatus.choices, default=ProblemStatus.FOUND)
    verification_note = models.TextField(_("核实情况"), blank=True)
    feedback_note = models.TextField(_("反馈意见"), blank=True)
    rectification_note = models.TextField(_("整改情况"), blank=True)
    closing_note = models.TextField(_("验收意见"), blank=True)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("检查发现的问题")
        verbose_name_plural = _("检查发现的问题")
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return f"{self.get_category_display()}：{self.target}"

    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: dt.date) -> bool:
        """Past its deadline and not yet rectified."""
        return (
            self.status in {ProblemStatus.FOUND, ProblemStatus.VERIFIED, ProblemStatus.FED_BACK}
            and today > self.deadline
        )


class SiteCheckRun(models.Model):
    """One walk of the portal's own pages by the `site_check` command."""

    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("检查页面数"), default=0)

    class Meta:
        verbose_name = _("网站检查")
        verbose_name_plural = _("网站检查")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"site check {self.started_at:%Y-%m-%d %H:%M}"


class FindingKind(models.TextChoices):
    BROKEN_LINK = "broken_link", _("链接无法访问")
    STALE_COLUMN = "stale_column", _("栏目未按期更新")
    EMPTY_COLUMN = "empty_column", _("空白栏目")


class SiteCheckFinding(models.Model):
    run = models.ForeignKey(SiteCheckRun, verbose_name=_("网站检查"), on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(_("类型"), max_length=20, choices=FindingKind.choices)
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("机关"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    url = models.CharField(_("网址"), max_length=500)
    found_on = models.CharField(_("所在页面"), max_length=500, blank=True)
    detail = models.CharField(_("说明"), max_length=300)

    class Meta:
        verbose_name = _("网站检查发现")
        verbose_name_plural = _("网站检查发现")
        ordering = ["kind", "url"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.url}"
