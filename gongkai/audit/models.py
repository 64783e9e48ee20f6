"""The audit trail: one append-only table, chained by hashes so that any later change is detectable."""

import hashlib
import hmac
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit events are append-only")

    def delete(self):
        raise AppendOnlyError("audit events are append-only")

    def for_object(self, obj):
        return self.filter(object_type=object_type_of(obj), object_id=str(obj.pk))


def object_type_of(obj) -> str:
    return obj._meta.label_lower


class AuditEvent(models.Model):
    """One thing that happened: who did what to which object of which agency, when, from where."""

    created_at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The actor's name as it was at the time, so that renaming a user does not rewrite history.
    actor_label = models.CharField(_("操作人名称"), max_length=150, blank=True)
    verb = models.CharField(_("操作"), max_length=80, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=100)
    object_id = models.CharField(_("对象编号"), max_length=64)
    object_repr = models.CharField(_("对象名称"), max_length=300, blank=True)
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("所属机关"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    client_address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    prev_hash = models.CharField(_("前一事件哈希"), max_length=64)
    hash = models.CharField(_("事件哈希"), max_length=64, unique=True)
    # Which key made `hash` (key_fingerprint); empty for events written before the chain was keyed, whose
    # hash is a plain SHA-256 (docs/audit.md: they are covered by the first keyed event after them).
    key_id = models.CharField(_("密钥标识"), max_length=16, blank=True, default="")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id", "id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.verb} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("_first_write", False):
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events are append-only")

    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for each field the event touched, for the timeline."""
        before, after = self.before or {}, self.after or {}
        if not isinstance(before, dict) or not isinstance(after, dict):
            return [("", before, after)]
        keys = list(dict.fromkeys([*before, *after]))
        return [(k, before.get(k), after.get(k)) for k in keys]

    def content(self) -> dict:
        """The fields the hash covers, in a stable, JSON-serialisable form."""
        return {
            "created_at": self.created_at.isoformat(),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "verb": self.verb,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "agency_id": self.agency_id,
            "client_address": self.client_address,
            "before": self.before,
            "after": self.after,
            "note": self.note,
        }

    def compute_hash(self, key: str | None = None) -> str:
        """HMAC-SHA256 with `key` of the previous hash and the content; plain SHA-256 without a key (legacy)."""
        payload = json.dumps(self.content(), ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
        message = (self.prev_hash + "\n" + payload).encode()
        if key is None:
            return hashlib.sha256(message).hexdigest()
        return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def key_fingerprint(key: str) -> str:
    """A short public name of a key, stored with each event so verification knows which key to use."""
    return hashlib.sha256(b"gongkai audit key\n" + key.encode()).hexdigest()[:16]


class AuditChainHead(models.Model):
    """A single row holding the newest event's hash and the event count.

    Writers lock this row, so events are chained one at a time even with many app processes, and deleting
    the newest events is detected because the head no longer matches the table.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64, default="")
    event_count = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("审计链头")

    def __str__(self) -> str:
        return f"{self.event_count} events, head {self.last_hash[:12]}"
