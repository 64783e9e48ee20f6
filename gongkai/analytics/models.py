"""Visit analytics of the public portal, kept without any identifier of the visitor.

A raw `Hit` holds only a hash of (the day's random salt, client address, browser string); the salt is
deleted once its day is over, so a hash cannot be recomputed or linked across days (the way privacy-first
tools such as Plausible count). `DailyCount`, `DailyPageCount` and `DailySearchCount` are the roll-ups the
statistics read; raw hits are pruned after they are rolled up.
"""

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

# A visit ends after this long without a page view from the same visitor (the usual analytics convention).
VISIT_GAP = dt.timedelta(minutes=30)


class DailySalt(models.Model):
    """The random salt of one day. Deleted after the day, which makes that day's hashes unlinkable."""

    day = models.DateField(_("日期"), unique=True)
    salt = models.CharField(_("盐值"), max_length=64)

    class Meta:
        verbose_name = _("每日盐值")
        verbose_name_plural = _("每日盐值")

    def __str__(self) -> str:
        return str(self.day)


class Hit(models.Model):
    """One page view of the portal, as recorded before roll-up. No address, cookie or user is stored."""

    created_at = models.DateTimeField(_("时间"))
    day = models.DateField(_("日期"))
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("机关栏目"), on_delete=models.CASCADE, related_name="+"
    )
    path = models.CharField(_("页面路径"), max_length=300)
    search_term = models.CharField(_("搜索词"), max_length=100, blank=True)
    visitor = models.CharField(_("访客摘要"), max_length=32)
    is_new_visitor = models.BooleanField(_("新访客"), default=False)

    class Meta:
        verbose_name = _("原始访问记录")
        verbose_name_plural = _("原始访问记录")
        # What the nightly roll-up and pruning read: a day's views, per section. Not also ordered by visitor: the
        # random visitor digests put each view of a batch in a page of its own in such an index, which made
        # writing the views cost 17 µs each instead of 7 (issue #15, docs/benchmarks.md); the roll-up sorts a
        # section's day instead, once a night.
        indexes = [models.Index(fields=["day", "agency"], name="analytics_hit_day_agency")]

    def __str__(self) -> str:
        return f"{self.day} {self.path}"


class RolledUpDay(models.Model):
    """A day whose raw hits have been rolled up; the roll-up skips it next time, the pruning may delete them."""

    day = models.DateField(_("日期"), unique=True)
    rolled_up_at = models.DateTimeField(_("汇总时间"))
    hits = models.PositiveIntegerField(_("原始记录数"))
    pruned_at = models.DateTimeField(_("清理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("已汇总日期")
        verbose_name_plural = _("已汇总日期")

    def __str__(self) -> str:
        return str(self.day)


class DailyCount(models.Model):
    """The day's totals for one agency's section of the portal."""

    day = models.DateField(_("日期"))
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("机关栏目"), on_delete=models.CASCADE, related_name="+"
    )
    visits = models.PositiveIntegerField(_("访问次数"), default=0)
    page_views = models.PositiveIntegerField(_("浏览量"), default=0)
    visitors = models.PositiveIntegerField(_("访客数"), default=0)
    new_visitors = models.PositiveIntegerField(_("新访客数"), default=0)
    # True for history carried over from the counter the site used before (the demo's 2024 figures), whose
    # definitions are that counter's, not ours; False for days rolled up from our own raw hits.
    imported = models.BooleanField(_("导入的历史数据"), default=False)

    class Meta:
        verbose_name = _("每日访问统计")
        verbose_name_plural = _("每日访问统计")
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["day", "agency"], name="analytics_dailycount_unique")]
        indexes = [models.Index(fields=["agency", "day"], name="analytics_daily_agency_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.agency_id}"


class DailyPageCount(models.Model):
    day = models.DateField(_("日期"))
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("机关栏目"), on_delete=models.CASCADE, related_name="+"
    )
    path = models.CharField(_("页面路径"), max_length=300)
    page_views = models.PositiveIntegerField(_("浏览量"), default=0)

    class Meta:
        verbose_name = _("每日页面浏览量")
        verbose_name_plural = _("每日页面浏览量")
        constraints = [models.UniqueConstraint(fields=["day", "agency", "path"], name="analytics_dailypage_unique")]

    def __str__(self) -> str:
        return f"{self.day} {self.path}"


class DailySearchCount(models.Model):
    day = models.DateField(_("日期"))
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("机关栏目"), on_delete=models.CASCADE, related_name="+"
    )
    term = models.CharField(_("搜索词"), max_length=100)
    searches = models.PositiveIntegerField(_("搜索次数"), default=0)

    class Meta:
        verbose_name = _("每日搜索词")
        verbose_name_plural = _("每日搜索词")
        constraints = [models.UniqueConstraint(fields=["day", "agency", "term"], name="analytics_dailysearch_unique")]

    def __str__(self) -> str:
        return f"{self.day} {self.term}"
