"""The gazette (政府公报): numbered issues, each carrying catalogue documents, printed and published online.

条例 第二十三条 / 第二十四条: the gazette is a channel of proactive disclosure; the annual report counts the issues,
the copies printed and the documents the issues carried.
"""

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency
from gongkai.core.workflow import Transitions


class IssueStatus(models.TextChoices):
    DRAFT = "draft", _("编辑中")
    SUBMITTED = "submitted", _("待审核")
    PUBLISHED = "published", _("已出版")


# A clerk compiles an issue and submits it; a reviewer or approver publishes it or sends it back. A published
# issue is a printed periodical and is never unpublished.
ISSUE_TRANSITIONS = Transitions(
    {
        IssueStatus.DRAFT: {IssueStatus.SUBMITTED},
        IssueStatus.SUBMITTED: {IssueStatus.PUBLISHED, IssueStatus.DRAFT},
        IssueStatus.PUBLISHED: set(),
    },
    IssueStatus,
    describe=lambda issue: issue.label(),
)


class GazetteIssue(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("机关"))
    title = models.CharField(_("公报名称"), max_length=100, help_text=_("例如：黔东南州人民政府公报"))
    year = models.PositiveSmallIntegerField(
        _("年份"), validators=[MinValueValidator(1949), MaxValueValidator(2100)], db_index=True
    )
    number = models.PositiveSmallIntegerField(_("期号"), validators=[MinValueValidator(1), MaxValueValidator(99)])
    serial_number = models.PositiveIntegerField(_("总期号"), null=True, blank=True)
    issued_on = models.DateField(_("出版日期"))
    copies = models.PositiveIntegerField(_("印数（册）"))
    status = models.CharField(_("状态"), max_length=10, choices=IssueStatus.choices, default=IssueStatus.DRAFT)
    published_on = models.DateField(_("网上发布日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("政府公报")
        verbose_name_plural = _("政府公报")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "number"], name="gazette_issue_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.label()}"

    def label(self) -> str:
        text = _("%(year)s年第%(number)s期") % {"year": self.year, "number": self.number}
        if self.serial_number:
            text += _("（总第%(serial)s期）") % {"serial": self.serial_number}
        return str(text)

    @property
    def is_published(self) -> bool:
        return self.status == IssueStatus.PUBLISHED

    def year_matches_date(self, day: dt.date | None = None) -> bool:
        return (day or self.issued_on).year == self.year


class GazetteEntry(models.Model):
    """One catalogue document carried by an issue, in the order of the issue's table of contents."""

    issue = models.ForeignKey(GazetteIssue, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey("catalogue.Item", on_delete=models.PROTECT, related_name="gazette_entries")
    position = models.PositiveSmallIntegerField(_("顺序"))

    class Meta:
        verbose_name = _("公报收录文件")
        verbose_name_plural = _("公报收录文件")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "item"], name="gazette_entry_once_per_issue"),
        ]

    def __str__(self) -> str:
        return f"{self.issue_id}:{self.item_id}"
