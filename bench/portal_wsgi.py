"""The portal and its two ceilings in one WSGI application, for bench/load_portal.py.

gunicorn serves this with config/gunicorn.py (`make run`'s configuration), so the three are measured in the same
processes, the same run, on the same machine load:

- every path but one: the portal (config.wsgi), including its static files through WhiteNoise (the static
  ceiling: what the server delivers when no Django view runs);
- `/__bare__/`: a bare Django view (Django's own request handling, no middleware, no URL walk, no database,
  answering "ok": the ceiling of issue #15, what any Django page costs at the least).
"""

from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpResponse
from django.urls import ResolverMatch

from config.wsgi import application as portal

BARE_PATH = "/__bare__/"


def hello(request):
    return HttpResponse("ok", content_type="text/plain")


class BareHandler(WSGIHandler):
    """Django's WSGI handler with no middleware, resolving every request to `hello`."""

    def load_middleware(self, is_async=False):
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        self._middleware_chain = convert_exception_to_response(self._get_response)

    def resolve_request(self, request):
        match = ResolverMatch(hello, (), {}, url_name="bare", route=BARE_PATH[1:])
        request.resolver_match = match
        return match


bare = BareHandler()


def application(environ, start_response):
    if environ.get("PATH_INFO") == BARE_PATH:
        return bare(environ, start_response)
    return portal(environ, start_response)
