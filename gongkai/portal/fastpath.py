"""Anonymous portal pages served from the page cache before Django's request handling (issue #21).

A page served from the cache through the whole stack cost about 1.5 ms of the server's CPU, of which the
middleware chain, Django's request and response objects and the request signals took two thirds, against
0.3 ms for a static file (docs/benchmarks.md). `PageCacheFastPath` wraps the WSGI application (config/wsgi.py)
and answers a request it has seen before, byte for byte the way the full stack answered it, without them:

- Only a GET the full stack answered with a cached or stored page (`PublicPageCacheMiddleware` marks it) is
  remembered, under the exact request: host, scheme, forwarded scheme, path, raw query string and language
  cookie; with the page's key, the version-token keys, and the final headers of that answer (the security
  headers, CSP, language...) minus the per-response ones. Anything else goes to Django.
- A visitor with a session or a message cookie always goes to Django (staff and anyone mid-form).
- The version tokens are read from the shared cache on every request and the process's copy of the page is
  served only while they match, exactly as in the middleware: a change is visible on the next request.
- The view is counted in the visit statistics as `VisitRecorderMiddleware` counts it (same agency, same
  rules for bots, the same returning-visitor cookie), through the same batched `hit_record`.
- Conditional requests get a 304 as from the middleware. Any error falls back to Django.

Kept pages with holes (issue #15; applications/kept.py: a case's tracking page, the blank application form) are
answered the same way once the full stack has answered the same request with one: through the function the view
used (the view marks the environ with `KEPT_MARK`), with only CSRF's middleware run around it, so the visitor
gets a fresh CSRF token and the cookie exactly as from Django; with the final headers the full stack sent, and
counted as it counted the page. When that function cannot answer from what is kept, Django answers.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import lru_cache
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest, get_path_info, get_script_name
from django.core.signals import request_finished
from django.http import HttpResponse, parse_cookie
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import translation
from django.utils.http import http_date, parse_http_date_safe

from gongkai.analytics.middleware import RETURNING_COOKIE, RETURNING_MAX_AGE, VISIT_MARK, is_bot
from gongkai.analytics.services import hit_record
from gongkai.applications.kept import KEPT_MARK, registered_answer
from gongkai.core.client import client_address
from gongkai.core.pagecache import current_tokens, has_visitor_state, kept_tokens
from gongkai.portal.pagecache import PAGE_MARK, CachedPage, local_pages

logger = logging.getLogger(__name__)


# Headers that belong to one response, never to the page: recomputed (or left out) on each answer.
PER_RESPONSE = {"date", "content-length", "etag", "last-modified", "cache-control", "x-accel-expires",
                "x-page-cache", "set-cookie", "server", "content-encoding"}  # fmt: skip
INDEX_SIZE = 20_000


@dataclass(frozen=True)
class Entry:
    page_key: str
    token_keys: tuple[str, ...]
    headers: tuple[tuple[str, str], ...]
    agency_id: int | None  # None: the full stack did not count it (not HTML, or a crawler's request)
    countable: bool
    kept: tuple | None = None  # a kept page with holes: (its answer's name, arguments, language); see KEPT_MARK


class _Meta:
    """Enough of a request for `client_address` (which reads META only)."""

    def __init__(self, environ):
        self.META = environ


class PageCacheFastPath:
    def __init__(self, application):
        self.application = application
        self.enabled = settings.GONGKAI_PAGE_CACHE and settings.GONGKAI_PAGE_CACHE_LOCAL_MB > 0
        self.index: dict[tuple, Entry] = {}
        self.header_sets: dict[tuple, tuple] = {}
        self.lock = threading.Lock()
        self.language_cookie = settings.LANGUAGE_COOKIE_NAME
        self.proxy_seconds = settings.GONGKAI_PROXY_CACHE_SECONDS
        self.csrf = CsrfViewMiddleware(lambda request: HttpResponse())  # stateless: its two hooks only

    def __call__(self, environ, start_response):
        if not self.enabled or environ.get("REQUEST_METHOD") != "GET":
            return self.application(environ, start_response)
        cookies = parse_cookie(environ.get("HTTP_COOKIE", ""))
        if has_visitor_state(cookies):
            return self.application(environ, start_response)
        key = (
            environ.get("HTTP_HOST", ""), environ.get("wsgi.url_scheme", ""),
            environ.get("HTTP_X_FORWARDED_PROTO", ""), environ.get("SCRIPT_NAME", ""),
            environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""), cookies.get(self.language_cookie, ""),
        )  # fmt: skip
        entry = self.index.get(key)
        if entry is not None:
            try:
                if entry.kept is not None:
                    answer = self._answer_kept(entry, environ, cookies, start_response)
                else:
                    answer = self._answer(entry, environ, cookies, start_response)
            except Exception:  # the full stack answers, and reports, whatever went wrong here
                logger.exception("page cache fast path failed; answering through Django")
                answer = None
            if answer is not None:
                return answer
        return self._through_django(key, environ, start_response)

    # --- the full stack, remembering what it answered -----------------------------------------------------

    def _through_django(self, key, environ, start_response):
        def remember(status, headers, exc_info=None):
            if status.startswith("200") and exc_info is None:
                if (mark := environ.get(PAGE_MARK)) is not None:
                    page_key, token_keys = mark
                    self._remember(key, headers, environ.get(VISIT_MARK), page_key=page_key, token_keys=token_keys)
                elif (kept := environ.get(KEPT_MARK)) is not None and registered_answer(kept[0]) is not None:
                    self._remember(key, headers, environ.get(VISIT_MARK), kept=tuple(kept))
            return start_response(status, headers, exc_info)

        return self.application(environ, remember)

    def _remember(self, key, headers, agency_id, *, page_key="", token_keys=(), kept=None) -> None:
        """A cached page (its key and version-token keys), or a kept page with holes (`kept`: KEPT_MARK), whose
        CSRF cookie and the visitor's are set anew on each answer."""
        allowed = (f"{RETURNING_COOKIE}=", f"{settings.CSRF_COOKIE_NAME}=") if kept else (f"{RETURNING_COOKIE}=",)
        cookies = [value for name, value in headers if name.lower() == "set-cookie"]
        if any(not value.strip().startswith(allowed) for value in cookies):
            return  # a cookie of another kind: this answer was not for everyone
        content_type = next((value for name, value in headers if name.lower() == "content-type"), "")
        final = tuple((name, value) for name, value in headers if name.lower() not in PER_RESPONSE)
        entry = Entry(
            page_key=page_key,
            token_keys=tuple(token_keys),
            headers=self.header_sets.setdefault(final, final),  # most pages share one set: kept once
            agency_id=agency_id,
            countable=content_type.startswith("text/html") and not key[4].startswith(("/staff/", "/static/")),
            kept=kept,
        )
        self._keep(key, entry)

    def _keep(self, key, entry: Entry) -> None:
        with self.lock:
            if len(self.index) >= INDEX_SIZE:
                self.index.clear()
                self.header_sets.clear()
            self.index[key] = entry

    # --- the fast answer ------------------------------------------------------------------------------------

    def _answer(self, entry: Entry, environ, cookies, start_response):
        page = local_pages.get(entry.page_key)
        if not isinstance(page, CachedPage):
            return None
        # Tokens kept by this process under the current mark cost nothing; else they are read from the cache.
        tokens = kept_tokens(list(entry.token_keys))
        touched = tokens is None
        if tokens is None:
            tokens = current_tokens(list(entry.token_keys))
        if page.tokens != tokens:
            return None
        user_agent = environ.get("HTTP_USER_AGENT", "")
        counted = entry.countable and not is_bot(user_agent)
        if counted and entry.agency_id is None:
            return None  # the full stack knows which agency to count it under
        headers = list(entry.headers)
        not_modified = _not_modified(environ, page)
        if counted and not not_modified:  # the recorder counts 200s only
            _count(entry, environ, cookies, user_agent, headers)
        body, etag, compressed = page.answer(environ.get("HTTP_ACCEPT_ENCODING", ""))
        status = "200 OK"
        if not_modified:
            status, body = "304 Not Modified", b""
            headers = [(n, v) for n, v in headers if n.lower() not in ("content-type", "content-language")]
        elif compressed:
            headers.append(("Content-Encoding", "gzip"))
        # No Date: the server adds its own (gunicorn always does), as for every answer of the full stack.
        headers += [
            ("ETag", etag),
            ("Last-Modified", _last_modified(page.created)),
            ("Cache-Control", "public, max-age=0, must-revalidate"),
            ("X-Page-Cache", "hit"),
        ]
        if self.proxy_seconds:
            headers.append(("X-Accel-Expires", str(self.proxy_seconds)))
        if body:
            headers.append(("Content-Length", str(len(body))))
        start_response(status, headers)
        if touched:  # as Django does: connections past their age close (none was used otherwise)
            request_finished.send(sender=self.__class__)
        return [body]

    def _answer_kept(self, entry: Entry, environ, cookies, start_response):
        """The kept page through the function the view answered with, with CSRF's middleware around it (a token
        for this visitor, the cookie set as Django sets it); None for Django to answer."""
        name, args, language = entry.kept  # type: ignore[misc]
        answer = registered_answer(name)
        user_agent = environ.get("HTTP_USER_AGENT", "")
        counted = entry.countable and not is_bot(user_agent)
        if answer is None or (counted and entry.agency_id is None):
            return None
        request = WSGIRequest(environ)
        request.LANGUAGE_CODE = language
        self.csrf.process_request(request)
        try:
            with translation.override(language):
                response = answer(request, *args)
        finally:
            request_finished.send(sender=self.__class__)  # as Django does: connections past their age close
        if response is None or response.status_code != 200:
            return None
        self.csrf.process_response(request, response)
        own = {"cache-control"}  # the answer's own (a case's page is private), else the full stack's final ones
        headers = [(n, v) for n, v in entry.headers if n.lower() not in own]
        headers += [(n, v) for n, v in response.items() if n.lower() in own]
        headers += [("Set-Cookie", morsel.OutputString()) for morsel in response.cookies.values()]
        if counted:
            _count(entry, environ, cookies, user_agent, headers)
        body = response.content
        headers += [("X-Page-Cache", "kept"), ("Content-Length", str(len(body)))]
        start_response("200 OK", headers)
        return [body]


def _count(entry: Entry, environ, cookies, user_agent: str, headers: list) -> None:
    """Count the view as `VisitRecorderMiddleware` counts it, and tell a new visitor it has been here."""
    query = environ.get("QUERY_STRING", "")
    terms = [v for k, v in parse_qsl(query, keep_blank_values=True) if k == "q"] if "q=" in query else []
    hit_record(
        agency_id=entry.agency_id, path=get_script_name(environ).rstrip("/") + get_path_info(environ),
        client_address=client_address(_Meta(environ)) or "", user_agent=user_agent,
        is_new_visitor=RETURNING_COOKIE not in cookies, search_term=terms[-1] if terms else "",
    )  # fmt: skip
    if RETURNING_COOKIE not in cookies:
        headers.append(("Set-Cookie", _returning_cookie(environ)))


@lru_cache(maxsize=4096)
def _last_modified(created: float) -> str:
    return http_date(created)


def _not_modified(environ, page: CachedPage) -> bool:
    if_none_match = environ.get("HTTP_IF_NONE_MATCH", "")
    if if_none_match:
        return page.matches(if_none_match)
    modified_since = environ.get("HTTP_IF_MODIFIED_SINCE")
    if not modified_since:
        return False
    since = parse_http_date_safe(modified_since)
    return since is not None and int(page.created) <= since


def _returning_cookie(environ) -> str:
    """The Set-Cookie value `VisitRecorderMiddleware` sends a new visitor (the constant "1", no identifier)."""
    secure = environ.get("wsgi.url_scheme") == "https" or (
        settings.SECURE_PROXY_SSL_HEADER is not None
        and environ.get(settings.SECURE_PROXY_SSL_HEADER[0]) == settings.SECURE_PROXY_SSL_HEADER[1]
    )
    response = HttpResponse()
    response.set_cookie(RETURNING_COOKIE, "1", max_age=RETURNING_MAX_AGE, httponly=True, samesite="Lax", secure=secure)
    cookie: SimpleCookie = response.cookies
    return cookie[RETURNING_COOKIE].OutputString()
