"""The automatic checks' findings and the word lists (敏感词, 错别字) they use."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.catalogue.models.items import Item


class FindingKind(models.TextChoices):
    RESIDENT_ID = "resident_id", _("身份证号码")
    MOBILE = "mobile", _("手机号码")
    BANK_CARD = "bank_card", _("银行卡号")
    SENSITIVE_WORD = "sensitive_word", _("敏感词")
    TYPO = "typo", _("错别字")
    BROKEN_LINK = "broken_link", _("失效的站内链接")
    MISSING_METADATA = "missing_metadata", _("缺少元数据")


PERSONAL_DATA_KINDS = frozenset({FindingKind.RESIDENT_ID, FindingKind.MOBILE, FindingKind.BANK_CARD})


class Finding(models.Model):
    """One problem the automatic checks found in an item; it blocks review until fixed or overridden."""

    item = models.ForeignKey(Item, verbose_name=_("条目"), on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(_("问题类型"), max_length=20, choices=FindingKind.choices)
    location = models.CharField(_("位置"), max_length=200)  # 标题 / 正文 / 附件 name
    fingerprint = models.CharField(max_length=64)  # kind + what matched, so an override survives rescans
    excerpt = models.CharField(_("上下文"), max_length=300)  # context, with personal data already masked
    suggestion = models.CharField(_("建议"), max_length=300, blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("忽略人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    override_reason = models.TextField(_("忽略理由"), blank=True)
    overridden_at = models.DateTimeField(_("忽略时间"), null=True, blank=True)
    found_at = models.DateTimeField(_("发现时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("检查发现")
        verbose_name_plural = _("检查发现")
        ordering = ["item", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "fingerprint"], name="catalogue_finding_unique_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.excerpt}"

    @property
    def is_open(self) -> bool:
        return self.overridden_at is None


class WordListKind(models.TextChoices):
    SENSITIVE = "sensitive", _("敏感词")
    TYPO = "typo", _("错别字")


class WordListEntry(models.Model):
    """A sensitive word, or a known wrong form with its correction. Entries without an agency apply everywhere."""

    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("机关"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="catalogue_words",
    )
    kind = models.CharField(_("类型"), max_length=20, choices=WordListKind.choices)
    word = models.CharField(_("词语"), max_length=50)
    suggestion = models.CharField(_("建议改为"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("词表条目")
        verbose_name_plural = _("词表条目")
        ordering = ["kind", "word"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "kind", "word"], name="catalogue_word_unique"),
        ]

    def __str__(self) -> str:
        return self.word
