"""Limits on failed tracking look-ups: per case number and per client address; successes are never counted.

A tracking code (16 hex characters) cannot be guessed; a case number is printed on letters and a 6-character
suffix of a phone number has only a million values, so look-ups by case number are limited per case number
(GONGKAI_TRACK_FAILURES_PER_CASE in GONGKAI_TRACK_FAILURE_WINDOW seconds) and every failed look-up, by code
or by number, per client address (GONGKAI_TRACK_FAILURES_PER_ADDRESS). When a case number is at its limit,
look-ups by that number are refused without being checked (so the limit cannot be beaten by guessing on),
while its tracking code keeps working. A successful look-up or download is never counted, so an office
behind one address where many people follow their cases is not locked out by its own successes.

Counters are fixed windows in the default cache (Redis in production), shared by every process.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

from gongkai.core.client import client_address_or_unknown


def client_address(request) -> str:
    """The address of the client, for the failure limits: the real client behind GONGKAI_PROXY_COUNT trusted
    proxies (`core.client`), so one office's proxy is not one budget for everyone behind it."""
    return client_address_or_unknown(request)


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return f"gk:track-fail:{kind}:{digest}"


def _over(key: str, limit: int) -> bool:
    return (cache.get(key) or 0) >= limit


def _count(key: str) -> None:
    window = settings.TRACK_FAILURE_WINDOW
    cache.add(key, 0, timeout=window)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)


def address_limited(request) -> bool:
    return _over(_key("addr", client_address(request)), settings.TRACK_FAILURES_PER_ADDRESS)


def case_limited(number: str) -> bool:
    return _over(_key("case", number.strip().upper()), settings.TRACK_FAILURES_PER_CASE)


def record_failure(request, number: str = "") -> None:
    """Count one failed look-up against the client's address, and against the case number if one was given."""
    _count(_key("addr", client_address(request)))
    if number:
        _count(_key("case", number.strip().upper()))
