"""Reads of the api app's own records: API keys and the bulk files of the 数据下载 page."""

import hashlib

from django.db.models import QuerySet

from gongkai.api.models import ApiKey, BulkFile


def api_key_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_key_active(raw: str) -> ApiKey | None:
    """The unrevoked key whose hash matches, or None."""
    if len(raw) > 100:
        return None
    return ApiKey.objects.filter(key_hash=api_key_hash(raw), revoked_at__isnull=True).first()


def api_keys_all() -> QuerySet[ApiKey]:
    return ApiKey.objects.select_related("created_by")


def bulk_files_listed(agency=None) -> QuerySet[BulkFile]:
    """The files the 数据下载 page lists, of active agencies only (an agency taken off the portal leaves it)."""
    files = BulkFile.objects.filter(agency__is_active=True).select_related("agency")
    if agency is not None:
        files = files.filter(agency=agency)
    return files.order_by("agency__path", "kind", "-year", "format")
