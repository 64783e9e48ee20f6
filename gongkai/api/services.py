"""Issuing and revoking API keys (the site administrator). The key is shown once; only its hash is kept."""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.api.models import ApiKey
from gongkai.api.selectors import api_key_hash
from gongkai.audit.services import audit_record

KEY_PREFIX = "gk_"


def _require_site_admin(actor) -> None:
    if not getattr(actor, "is_site_admin", False):
        raise PermissionDenied


def api_key_issue(*, actor, name: str) -> tuple[ApiKey, str]:
    """A new key for `name`; returns the record and the key itself, which is never stored or shown again."""
    _require_site_admin(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写使用者（单位或个人名称，及用途）。")})
    raw = KEY_PREFIX + secrets.token_urlsafe(30)
    with transaction.atomic():
        key = ApiKey.objects.create(name=name[:100], prefix=raw[:10], key_hash=api_key_hash(raw), created_by=actor)
        audit_record(actor=actor, verb="api_key.issue", obj=key, after={"name": key.name, "prefix": key.prefix})
    return key, raw


def api_key_revoke(*, actor, key: ApiKey) -> ApiKey:
    _require_site_admin(actor)
    if key.revoked_at is not None:
        raise ValidationError(_("该密钥已被吊销。"))
    with transaction.atomic():
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit_record(actor=actor, verb="api_key.revoke", obj=key, after={"revoked_at": key.revoked_at.isoformat()})
    return key
