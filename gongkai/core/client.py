"""The client's address: the one place that reads REMOTE_ADDR and X-Forwarded-For.

Behind `GONGKAI_PROXY_COUNT` trusted reverse proxies, each proxy appends the address it received the request
from to `X-Forwarded-For` (nginx: `$proxy_add_x_forwarded_for`). The client's real address is therefore the
N-th entry counted from the right; everything to its left was sent by the client and may be forged. Rate
limits (django-ratelimit's `key="ip"`, through `RATELIMIT_IP_META_KEY`), login lockouts (django-axes,
through `AXES_CLIENT_IP_CALLABLE`), the audit trail's client address and the portal statistics all call
`client_address`, so they agree on who the client is.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=4096)  # parsing costs more than the rest of a page served from the cache; visitors return
def _valid_address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The client's IP address; with N trusted proxies, the N-th address of X-Forwarded-For from the right.

    A header shorter than N, or an entry that is not an address, means the request did not come through the
    configured proxies as expected: the immediate peer's address is used, which never trusts a value the
    client chose.
    """
    peer = request.META.get("REMOTE_ADDR") or None
    proxies = settings.PROXY_COUNT
    if proxies > 0:
        forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies and (address := _valid_address(forwarded[-proxies])):
            return address
    return peer


def client_address_or_unknown(request) -> str:
    """The client's address for keys that must be a string (django-ratelimit, django-axes)."""
    return client_address(request) or "0.0.0.0"  # noqa: S104 - a key, never bound to
