"""The portal and its two ceilings in one WSGI application, for bench/load_portal.py.

gunicorn serves this with config/gunicorn.py (`make run`'s configuration), so the three are measured in the same
processes, the same run, on the same machine load:

- every path but one: the portal (config.wsgi), including its static files through WhiteNoise (the static
  ceiling: what the server delivers when no Django view runs);
- `/__bare__/`: a bare Django view (Django's own request handling, no middleware, no URL walk, no database,
  answering "ok": the ceiling of issue #15, what any Django page costs at the least).

With GONGKAI_BENCH_CPU_DIR set, each process also counts the CPU time of the thread serving each request, by
kind of request (`kind_of`: the load mix's kinds), and its own CPU time in all, and keeps the sums in
`<dir>/cpu-<pid>.json` (rewritten at most once a second): what the server spends on each kind under load,
which bench/load_portal.py reads before and after each run. The rest of a process's CPU is spent outside the
application: gunicorn reading and parsing each request, writing its answer, and its event loop; and the
page-view writer.
"""

import json
import os
import re
import threading
import time
from pathlib import Path

from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpResponse
from django.urls import ResolverMatch

from config.wsgi import application as portal
from gongkai.portal.pagecache import PAGE_MARK

if os.environ.get("GONGKAI_BENCH_SQLITE_WAITS"):  # bench/load_portal.py --sqlite-waits (a diagnostic)
    from sqlite_waits import install

    install(os.environ["GONGKAI_BENCH_SQLITE_WAITS"])

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


def serve(environ, start_response):
    """The bare view or the portal; every answer names the process that gave it (bench/load_portal.py's warm-up
    reads each page until every process has answered it)."""
    worker = ("X-Bench-Worker", str(os.getpid()))

    def naming(status, headers, exc_info=None):
        return start_response(status, [*headers, worker], exc_info)

    if environ.get("PATH_INFO") == BARE_PATH:
        return bare(environ, naming)
    return portal(environ, naming)


APPLY = re.compile(r"^/applications/[\w-]+/apply/$")
CASE = re.compile(r"^/staff/applications/\d+/$")


def kind_of(method: str, path: str) -> str:
    """The kind of a request, as bench/load_portal.py names them."""
    if path == BARE_PATH:
        return "bare"
    if path.startswith("/static/"):
        return "static"
    if path.startswith("/applications/track/"):
        return "tracking"
    if APPLY.match(path):
        return "apply (submit)" if method == "POST" else "apply (form)"
    if path == "/applications/submitted/":
        return "apply (receipt)"
    if path == "/staff/applications/":
        return "staff queue"
    if CASE.match(path):
        return "staff case page"
    if path.startswith("/staff/"):
        return "staff, other"
    return "public pages"


class CpuByKind:
    """This process's CPU per kind of request: [requests, thread CPU seconds], written to its file now and then."""

    def __init__(self, directory: str) -> None:
        Path(directory).mkdir(parents=True, exist_ok=True)
        self.pid = os.getpid()
        self.file = Path(directory) / f"cpu-{self.pid}.json"
        self.sums: dict[str, list[float]] = {}
        self.lock = threading.Lock()
        self.written = 0.0

    def add(self, kind: str, seconds: float) -> None:
        with self.lock:
            entry = self.sums.setdefault(kind, [0, 0.0])
            entry[0] += 1
            entry[1] += seconds
            now = time.monotonic()
            if now - self.written < 1.0:
                return
            self.written = now
            part = self.file.with_suffix(".part")
            part.write_text(json.dumps({"process": time.process_time(), "kinds": self.sums}), encoding="utf-8")
            part.replace(self.file)


_cpu: CpuByKind | None = None
_cpu_dir = os.environ.get("GONGKAI_BENCH_CPU_DIR", "")


def application(environ, start_response):
    global _cpu
    if not _cpu_dir:
        return serve(environ, start_response)
    if _cpu is None or _cpu.pid != os.getpid():  # made in the worker, after the fork
        _cpu = CpuByKind(_cpu_dir)
    start = time.thread_time()
    answered: list[str] = []

    def noting(status, headers, exc_info=None):
        answered.extend(value for name, value in headers if name == "X-Page-Cache")
        return start_response(status, headers, exc_info)

    try:
        return serve(environ, noting)
    finally:
        kind = kind_of(environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", ""))
        if kind == "public pages":
            # The fast path answers a page it has seen without Django; the middleware marks what Django's page
            # cache answered or stored (portal/pagecache.py PAGE_MARK).
            if PAGE_MARK in environ:
                kind = "public, page cache" if answered == ["hit"] else "public, rendered"
            elif answered == ["hit"]:
                kind = "public, fast path"
        _cpu.add(kind, time.thread_time() - start)
