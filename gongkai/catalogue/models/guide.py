"""The disclosure guide (政府信息公开指南) and bulk-import jobs."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DisclosureGuide(models.Model):
    """政府信息公开指南: an agency's own text; without one the portal shows a default generated from its data."""

    agency = models.OneToOneField(
        "agencies.Agency", verbose_name=_("机关"), on_delete=models.CASCADE, related_name="disclosure_guide"
    )
    body = models.TextField(_("指南正文"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("政府信息公开指南")
        verbose_name_plural = _("政府信息公开指南")

    def __str__(self) -> str:
        return str(self.agency)


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("等待处理")
    RUNNING = "running", _("正在导入")
    FAILED = "failed", _("有错误，未导入")
    DONE = "done", _("已导入")


class ImportJob(models.Model):
    """A bulk import of items from an older system: all rows go in, or none do."""

    agency = models.ForeignKey("agencies.Agency", verbose_name=_("机关"), on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("导入文件"), upload_to="catalogue/imports/", max_length=255)
    file_format = models.CharField(_("格式"), max_length=10)
    status = models.CharField(_("状态"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    total = models.PositiveIntegerField(_("总行数"), default=0)
    processed = models.PositiveIntegerField(_("已处理"), default=0)
    errors = models.JSONField(_("错误"), default=list)  # [{"row": n, "field": name, "message": text}]
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("批量导入")
        verbose_name_plural = _("批量导入")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.file_format} #{self.pk}"

    @property
    def percent(self) -> int:
        return int(100 * self.processed / self.total) if self.total else 0
