"""Article 20 records: licensing, penalty and coercive decisions, and administrative fees collected.

条例 第二十条（五）（六）（八）: an agency discloses the results of its licensing, the penalty decisions it considers
to have a certain social impact, and its administrative fees; the annual report counts the decisions and the fees.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency


class DecisionKind(models.TextChoices):
    LICENSING = "licensing", _("行政许可")
    PENALTY = "penalty", _("行政处罚")
    COERCIVE = "coercive", _("行政强制")


class SubjectKind(models.TextChoices):
    ORGANISATION = "organisation", _("法人或其他组织")
    PERSON = "person", _("自然人")


class Decision(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("机关"))
    kind = models.CharField(_("类别"), max_length=12, choices=DecisionKind.choices)
    decided_on = models.DateField(_("决定日期"), db_index=True)
    number = models.CharField(_("决定文号"), max_length=100)
    subject = models.CharField(_("行政相对人"), max_length=200)
    subject_kind = models.CharField(
        _("相对人类型"), max_length=12, choices=SubjectKind.choices, default=SubjectKind.ORGANISATION
    )
    summary = models.TextField(_("内容摘要"))
    # 条例 第二十条（六）: only penalty decisions the agency judges to have a certain social impact are published.
    social_impact = models.BooleanField(_("具有一定社会影响"), default=False)
    published_on = models.DateField(_("公开日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("行政决定")
        verbose_name_plural = _("行政决定")
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "kind", "number"], name="decision_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    def can_be_published(self) -> bool:
        return self.kind == DecisionKind.PENALTY and self.social_impact

    @property
    def on_portal(self) -> bool:
        """Shown on the portal: every licensing result (条例 第二十条（五）, 行政许可法 第四十条, listed as soon as it is
        recorded), and a penalty decision of social impact once published (第二十条（六））."""
        return self.kind == DecisionKind.LICENSING or self.published_on is not None

    @property
    def awaits_publication(self) -> bool:
        return not self.on_portal and self.can_be_published()

    def public_subject(self) -> str:
        """A natural person's name shows only its first character (张**); organisations show in full."""
        if self.subject_kind == SubjectKind.PERSON and self.subject:
            return self.subject[0] + "*" * max(len(self.subject) - 1, 1)
        return self.subject


class FeeRecord(models.Model):
    """An amount of administrative fees (行政事业性收费) collected, in yuan."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("机关"))
    collected_on = models.DateField(_("收取日期"), db_index=True)
    item = models.CharField(_("收费项目"), max_length=200)
    basis = models.CharField(_("收费依据及标准"), max_length=300, blank=True)
    amount = models.DecimalField(
        _("金额（元）"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("行政事业性收费")
        verbose_name_plural = _("行政事业性收费")
        ordering = ["-collected_on", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gte=0), name="fee_amount_not_negative")]

    def __str__(self) -> str:
        return f"{self.item} {self.amount}"
