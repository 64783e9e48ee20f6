"""API keys that lift the public API's rate limit, and the bulk files written for the 数据下载 page."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiKey(models.Model):
    """A key the site administrator issues to a heavy user (a provincial platform, a researcher).

    Only the SHA-256 of the key is stored; the key itself is shown once, when issued. A key never grants access
    to anything unpublished: it only lifts the per-address rate limit.
    """

    name = models.CharField(_("使用者"), max_length=100, help_text=_("单位或个人名称，及用途"))
    prefix = models.CharField(_("密钥前缀"), max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("签发人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口密钥")
        verbose_name_plural = _("接口密钥")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class BulkFormat(models.TextChoices):
    JSONL = "jsonl", "JSON Lines"
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class BulkKind(models.TextChoices):
    CATALOGUE = "catalogue", _("政府信息公开目录")
    ANNUAL_REPORTS = "annual_reports", _("政府信息公开工作年度报告")


class BulkFile(models.Model):
    """One written bulk file: the catalogue of an agency for a year (JSONL, CSV), or the annual reports of a
    subtree (XLSX). Rewritten in place by `opendata_bulk`; size and SHA-256 are shown on the 数据下载 page."""

    agency = models.ForeignKey("agencies.Agency", verbose_name=_("机关"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("内容"), max_length=20, choices=BulkKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    format = models.CharField(_("格式"), max_length=8, choices=BulkFormat.choices)
    path = models.CharField(max_length=255)
    rows = models.PositiveIntegerField(_("记录数"), default=0)
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0)
    sha256 = models.CharField("SHA-256", max_length=64)
    written_at = models.DateTimeField(_("生成时间"))

    class Meta:
        verbose_name = _("数据下载文件")
        verbose_name_plural = _("数据下载文件")
        ordering = ["agency__path", "kind", "-year", "format"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "kind", "year", "format"], name="api_bulk_file_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.kind}/{self.year}.{self.format}"

    @property
    def filename(self) -> str:
        return self.path.rsplit("/", 1)[-1]
