from django.conf import settings

from gongkai.audit.context import reset_client_address, set_client_address


def client_address(request) -> str | None:
    """The client's address; behind GONGKAI_PROXY_COUNT trusted proxies, the address they forwarded."""
    proxies = settings.AXES_IPWARE_PROXY_COUNT
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_client_address(client_address(request))
        try:
            return self.get_response(request)
        finally:
            reset_client_address(token)
