from gongkai.audit.context import reset_client_address, set_client_address
from gongkai.core.client import client_address


class AuditContextMiddleware:
    """Records the client's address (gongkai.core.client) for the audit events written during the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_client_address(client_address(request))
        try:
            return self.get_response(request)
        finally:
            reset_client_address(token)
