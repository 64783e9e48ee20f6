"""The outbox: one row per e-mail or SMS to send, written in the transaction of the change that causes it.

The worker delivers queued rows (services.notices_deliver); a mail server that is down delays notices, it never
loses them. Models hold fields and pure methods only.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.core.identifiers import mask_phone
from gongkai.notices.texts import EVENTS


class NoticeChannel(models.TextChoices):
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")


class NoticeState(models.TextChoices):
    QUEUED = "queued", _("待发送")
    # Taken by one delivery run for one send: written (with the attempt counted) before the message goes to the
    # server, so a worker that dies mid-send leaves a trace, and no other run sends the notice meanwhile.
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


def mask_email(address: str) -> str:
    """z***@example.com: the first character of the mailbox and the domain stay readable."""
    local, _at, domain = (address or "").partition("@")
    if not domain:
        return "*" * len(address or "")
    return f"{local[:1]}***@{domain}"


class Notice(models.Model):
    """一条通知: an e-mail or SMS to one recipient about one event of one case or object."""

    # Sent as the Message-ID, so a receiving system can recognise a message it already has.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The event's own identity ("application.receipt:42"): queueing the same event twice adds no second row.
    key = models.CharField(_("去重标识"), max_length=200, unique=True, null=True, blank=True)
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("机关"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=NoticeChannel.choices)
    recipient = models.CharField(_("收件人"), max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("工作人员"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    event = models.CharField(_("事件"), max_length=60, db_index=True)
    subject = models.CharField(_("标题"), max_length=200, blank=True)
    body = models.TextField(_("正文"))
    # The case or object the notice belongs to, named as in the audit trail ("applications.application", "42").
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_label = models.CharField(_("对象名称"), max_length=200, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=NoticeState.choices, default=NoticeState.QUEUED)
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    # Sends cut off by a worker that died between handing the message to the server and recording the outcome:
    # the server may or may not have it, so it is sent again with the same Message-ID (docs/notifications.md).
    interrupted = models.PositiveIntegerField(_("中断次数"), default=0)
    last_error = models.TextField(_("错误信息"), blank=True)
    next_attempt_at = models.DateTimeField(_("下次发送时间"))
    # Which delivery run holds the notice (queued: claimed in a batch; sending: being sent); the run's lease ends
    # at next_attempt_at, after which a notice still "sending" is taken for one whose worker died.
    claim = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="notice_due_idx"),
            models.Index(fields=["object_type", "object_id"], name="notice_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.masked_recipient} {self.event}"

    @property
    def masked_recipient(self) -> str:
        if self.channel == NoticeChannel.SMS:
            return mask_phone(self.recipient)
        return mask_email(self.recipient)

    @property
    def event_label(self) -> str:
        return str(EVENTS.get(self.event, self.event))

    @property
    def message_id(self) -> str:
        return f"<{self.uuid}@gongkai>"

    @property
    def retried(self) -> bool:
        return self.attempts > 1


class NoticeTemplate(models.Model):
    """An agency's own text of one notice; `agency` empty is the text every agency without its own uses."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    event = models.CharField(_("事件"), max_length=60)
    channel = models.CharField(_("渠道"), max_length=10, choices=NoticeChannel.choices)
    subject = models.CharField(_("邮件标题"), max_length=200, blank=True)
    body = models.TextField(_("正文模板"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("通知模板")
        verbose_name_plural = _("通知模板")
        constraints = [models.UniqueConstraint(fields=["agency", "event", "channel"], name="unique_notice_template")]

    def __str__(self) -> str:
        return f"{self.event} {self.channel}"


class NoticePreference(models.Model):
    """A staff member's own choice of notices: for now, whether to receive the daily e-mail digest of 待办."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("工作人员"), on_delete=models.CASCADE, related_name="notice_preference"
    )
    daily_digest = models.BooleanField(_("每日待办邮件摘要"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("通知设置")
        verbose_name_plural = _("通知设置")

    def __str__(self) -> str:
        return f"{self.user} digest={self.daily_digest}"
