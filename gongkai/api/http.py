"""What every API response shares: RFC 9457 problem details, per-client rate limits, ETag / Last-Modified
and conditional requests (304). `ApiHttpMiddleware` applies them to every path under /api/ in one place, so
no endpoint repeats them.
"""

import hashlib
import json
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PROBLEM_TYPE = "application/problem+json"
API_PREFIX = "/api/"
KEY_HEADER = "X-API-Key"
WINDOW_SECONDS = 60

TITLES = {
    400: gettext_lazy("请求参数有误"),
    404: gettext_lazy("未找到"),
    405: gettext_lazy("不支持该请求方法"),
    429: gettext_lazy("请求过于频繁"),
    500: gettext_lazy("服务器内部错误"),
}


def problem(status: int, detail: str = "", *, errors: list | None = None, headers: dict | None = None) -> HttpResponse:
    """An RFC 9457 problem-details response (application/problem+json)."""
    body = {"type": "about:blank", "title": str(TITLES.get(status, _("错误"))), "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _client_address(request) -> str:
    """The one place the API asks who the client is (its rate-limit key). The audit trail's reading of the
    address honours GONGKAI_PROXY_COUNT; swap in core.client.client_address here when it lands."""
    from gongkai.audit.middleware import client_address

    return client_address(request) or "unknown"


def _api_key(request):
    """The active ApiKey named by the X-API-Key header, or None (an unknown or revoked key is ignored)."""
    raw = request.headers.get(KEY_HEADER, "").strip()
    if not raw:
        return None
    from gongkai.api.selectors import api_key_active

    return api_key_active(raw)


def rate_limit(request) -> tuple[int, int, int, bool]:
    """Count the request in the client's current window: (limit, remaining, seconds to reset, allowed).

    A fixed one-minute window per address in the shared cache (database or Redis), so every app process
    counts together. A valid API key is counted under its own key with the keyed limit (0 = no limit).
    """
    now = int(time.time())
    window = now - now % WINDOW_SECONDS
    reset = window + WINDOW_SECONDS - now
    key = _api_key(request)
    if key is not None:
        limit = settings.API_KEY_RATE_PER_MINUTE
        bucket = f"api-rate:key:{key.pk}:{window}"
    else:
        limit = settings.API_RATE_PER_MINUTE
        bucket = f"api-rate:ip:{hashlib.sha256(_client_address(request).encode()).hexdigest()[:32]}:{window}"
    if limit <= 0:
        return 0, 0, reset, True
    cache.add(bucket, 0, timeout=WINDOW_SECONDS + 5)
    try:
        used = cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.set(bucket, 1, timeout=WINDOW_SECONDS + 5)
        used = 1
    return limit, max(limit - used, 0), reset, used <= limit


def _rate_headers(limit: int, remaining: int, reset: int) -> dict[str, str]:
    if limit <= 0:
        return {}
    # The IETF httpapi draft's names and the older X-RateLimit-* ones most clients still read.
    return {
        "RateLimit-Limit": str(limit),
        "RateLimit-Remaining": str(remaining),
        "RateLimit-Reset": str(reset),
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": str(reset),
    }


class ApiHttpMiddleware:
    """For paths under /api/: rate limit first (429 with Retry-After), then the endpoint, then errors as
    problem details and the conditional-request headers on successful reads."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        limit, remaining, reset, allowed = rate_limit(request)
        headers = _rate_headers(limit, remaining, reset)
        if not allowed:
            response = problem(
                429,
                _("每个地址每分钟最多 %(limit)d 次请求，请 %(reset)d 秒后再试，或向网站管理员申请接口密钥。")
                % {"limit": limit, "reset": reset},
                headers={**headers, "Retry-After": str(reset)},
            )
            return response
        response = self.get_response(request)
        response = self._as_problem(request, response)
        for name, value in headers.items():
            response[name] = value
        if request.method in ("GET", "HEAD") and response.status_code == 200 and not response.streaming:
            response = self._conditional(request, response)
        response.headers.setdefault("Access-Control-Allow-Origin", "*")
        patch_vary_headers(response, ("Accept-Encoding", KEY_HEADER))
        return response

    @staticmethod
    def _as_problem(request, response):
        """Django's own 404 and 405 pages (an unknown path under /api/) become problem details."""
        content_type = response.get("Content-Type", "")
        if response.status_code in (404, 405, 500) and not content_type.startswith(("application/json", PROBLEM_TYPE)):
            return problem(response.status_code)
        return response

    @staticmethod
    def _conditional(request, response):
        if not response.has_header("ETag"):
            response["ETag"] = '"%s"' % hashlib.sha256(response.content).hexdigest()[:32]
        response.headers.setdefault("Cache-Control", "public, max-age=60")
        last_modified = response.get("Last-Modified")
        last = parse_http_date_safe(last_modified) if last_modified else None
        return get_conditional_response(request, etag=response["ETag"], last_modified=last, response=response)


def set_last_modified(response: HttpResponse, when) -> None:
    """Give a read its Last-Modified (the newest change among the records it returns)."""
    if when is not None:
        response["Last-Modified"] = http_date(when.timestamp())
