"""三审三校: an agency's configured review chain and the record of each review act."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.catalogue.models.items import Item

# The default 三审 chain (spec §4.4): 初审 by an editor, 复审 by a section head, 终审 by the leader in charge.
DEFAULT_REVIEW_CHAIN: tuple[tuple[str, str], ...] = (
    ("初审", "reviewer"),
    ("复审", "reviewer"),
    ("终审", "approver"),
)


class ReviewStep(models.Model):
    """One step of an agency's configured review chain; an agency without steps uses DEFAULT_REVIEW_CHAIN."""

    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("机关"), on_delete=models.CASCADE, related_name="review_steps"
    )
    position = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("步骤名称"), max_length=20)
    role = models.CharField(_("审核角色"), max_length=20)

    class Meta:
        verbose_name = _("审核步骤")
        verbose_name_plural = _("审核步骤")
        ordering = ["agency", "position"]
        constraints = [models.UniqueConstraint(fields=["agency", "position"], name="catalogue_review_step_unique")]

    def __str__(self) -> str:
        return self.name


class ReviewDecision(models.TextChoices):
    SUBMIT = "submit", _("提交审核")
    APPROVE = "approve", _("通过")
    REJECT = "reject", _("退回")
    OVERRIDE = "override", _("忽略检查结果")


class ReviewRecord(models.Model):
    """One act in the review of an item: who, at which step, what decision, with comments and sign-off."""

    item = models.ForeignKey(Item, verbose_name=_("条目"), on_delete=models.CASCADE, related_name="reviews")
    version_number = models.PositiveIntegerField(_("版本号"))
    step_position = models.PositiveSmallIntegerField(_("步骤"), default=0)
    step_name = models.CharField(_("步骤名称"), max_length=20, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"), on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(_("审核结果"), max_length=20, choices=ReviewDecision.choices)
    comment = models.TextField(_("审核意见"), blank=True)
    proofread = models.BooleanField(_("已校对"), default=False)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")
        ordering = ["item", "id"]

    def __str__(self) -> str:
        return f"{self.step_name} {self.get_decision_display()}"
