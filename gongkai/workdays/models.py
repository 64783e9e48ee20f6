"""Administrator-maintained holiday data, for years and corrections the chinese_calendar package lacks."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HolidayNotice(models.Model):
    """The State Council General Office notice that fixes one year's holidays (部分节假日安排的通知).

    Recording it marks the year as verified: its days are then taken from the overrides entered with it
    (or from the library when it also knows the year).
    """

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    title = models.CharField(_("通知标题"), max_length=200)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("节假日安排通知")
        verbose_name_plural = _("节假日安排通知")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}：{self.title}"


class WorkdayOverride(models.Model):
    """One day whose status the administrators set: a holiday or a make-up working day (调休上班)."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("名称"), max_length=50, blank=True, help_text=_("如：春节、调休上班"))
    notice = models.ForeignKey(
        HolidayNotice, verbose_name=_("依据通知"), null=True, blank=True, on_delete=models.PROTECT, related_name="days"
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("工作日调整")
        verbose_name_plural = _("工作日调整")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {'工作日' if self.is_workday else '休息日'} {self.name}"
