"""The public portal served from a shared cache, at nearly static speed, and never stale.

`PublicPageCacheMiddleware` answers an anonymous GET of a portal page from the page cache (the `pages` cache:
a database table by default, Redis when GONGKAI_REDIS_URL is set). Each stored page carries the version tokens
(`gongkai.core.pagecache`) of the agency it belongs to and of the kinds of content it shows; it is served only
while they are current. Services audit every change; `classify_change` below maps the audited verb to the
scopes (the agency, its ancestors and "all") and kinds whose tokens it replaces.

What is never cached: staff pages and anything a logged-in user sees (any request with a session cookie
bypasses the cache), forms that carry a CSRF token, tracking pages and the application form (their URL names are
not listed), responses that set a cookie or vary by cookie, and anything but a 200. A stored page holds
nothing per visitor; `VisitRecorderMiddleware` sits outside this one and counts every view, cached or not.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.gzip import re_accepts_gzip
from django.urls import Resolver404, resolve
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe, quote_etag

from gongkai.agencies.models import Agency
from gongkai.agencies.selectors import agency_id_for_slug
from gongkai.core.pagecache import (
    ALL,
    EPOCH_KEY,
    current_tokens,
    has_visitor_state,
    page_cache,
    page_scope_of,
    token_key,
)

KINDS = ("agency", "catalogue", "participation", "gazette", "enforcement", "annual_report")

# Audited verbs (their first dotted part) → the kind of public content they change. Verbs of work that never
# shows on the portal (applications, appeals, supervision, accounts, the calendar) invalidate nothing.
KIND_OF_VERB_PREFIX = {
    "catalogue": "catalogue",
    "item": "catalogue",
    "category": "catalogue",
    "guide": "catalogue",
    "word": "catalogue",
    "gazette": "gazette",
    "decision": "enforcement",
    "fee": "enforcement",
    "licence": "enforcement",
    "penalty": "enforcement",
    "annual_report": "annual_report",
    "consultation": "participation",
    "comment": "participation",
    "survey": "participation",
    "concern": "participation",
    "interpretation": "participation",
    "publication": "participation",
}
EVERYTHING_VERB_PREFIXES = ("agency", "site")  # names, contacts and site identity show on every page
PRIVATE_VERB_PREFIXES = (
    "application", "letter", "letter_template", "applicant", "appeal", "reconsideration", "lawsuit", "role",
    "user", "workday_override", "holiday_notice", "training_session", "inspection", "inspection_problem",
    "new_media_account", "follower_count", "site_check", "analytics", "import", "api_key", "notice", "job",
)  # fmt: skip

# Work on drafts and settings the public never sees: these audited verbs invalidate nothing.
NON_PUBLIC_VERBS = {
    "catalogue.item_create", "catalogue.item_update", "catalogue.item_check", "catalogue.finding_override",
    "catalogue.item_submit", "catalogue.item_approve", "catalogue.item_reject", "catalogue.item_schedule",
    "catalogue.item_reopen", "catalogue.word_add", "catalogue.word_delete", "catalogue.review_chain_set",
}  # fmt: skip

# Which kinds each public URL namespace shows (a page depends on its own kind and on what it embeds).
KINDS_OF_NAMESPACE: dict[str, tuple[str, ...]] = {
    "portal": KINDS,
    "catalogue": ("agency", "catalogue", "participation", "gazette"),
    "participation": ("agency", "participation", "catalogue"),
    "gazette": ("agency", "gazette", "catalogue"),
    "enforcement": ("agency", "enforcement"),
    "annual_reports_public": ("agency", "annual_report"),
    "": KINDS,  # the root sitemap (the only root URL name listed in ROOT_URL_NAMES)
}
ROOT_URL_NAMES = {"sitemap"}
# Pages that are never cached although their namespace is listed (tracking and the application form are in the
# applications namespace, which is not listed at all).
EXCLUDED_URL_NAMES: set[str] = {"portal:language"}
SEARCH_URL_NAMES = {"catalogue:search"}
# Set in request.META (the WSGI environ) on an answer that is a cached or just stored page: (page key, token
# keys), for the fast path in front of Django (gongkai/portal/fastpath.py) to remember.
PAGE_MARK = "gongkai.page_cache"


def agency_ancestor_ids(agency_id: int) -> list[int]:
    """The agency and those above it, from its materialised path ("000001/000007/")."""
    path = Agency.objects.filter(pk=agency_id).values_list("path", flat=True).first() or ""
    return [int(part) for part in path.strip("/").split("/") if part]


def classify_change(agency_id: Any, verb: str) -> tuple[list[str], list[str], bool]:
    """(scopes, kinds, everything) of the pages an audited change can alter."""
    prefix = verb.split(".", 1)[0]
    if prefix in PRIVATE_VERB_PREFIXES or verb in NON_PUBLIC_VERBS:
        return [], [], False
    if prefix in EVERYTHING_VERB_PREFIXES or agency_id is None:
        return [], [], True  # an agency's identity, or a setting of every agency (global word lists)
    kind = KIND_OF_VERB_PREFIX.get(prefix)
    kinds = [kind] if kind else list(KINDS)  # a verb nobody classified yet: safe, not fast
    ids = agency_ancestor_ids(int(agency_id)) or [int(agency_id)]
    return [*(str(i) for i in ids), ALL], kinds, False


# --- the middleware -----------------------------------------------------------------------------------------


@dataclass
class CachedPage:
    tokens: dict[str, str]
    status: int
    content: bytes
    content_type: str
    headers: dict[str, str]
    created: float
    etag: str
    # The content compressed once, when stored, for the browsers that accept gzip (None: not worth it, or a page
    # stored before pages carried it). A stored page holds no secret (no CSRF token, nothing per visitor), so
    # compressing it gives nothing away (BREACH needs a secret beside what the attacker sends).
    gzipped: bytes | None = None

    def answer(self, accept_encoding: str) -> tuple[bytes, str, bool]:
        """(body, ETag, compressed) for a client that sent this Accept-Encoding (the same test as Django's
        GZipMiddleware). Each representation has its own strong ETag."""
        if self.gzipped is not None and re_accepts_gzip.search(accept_encoding):
            return self.gzipped, gzip_etag(self.etag), True
        return self.content, self.etag, False

    def matches(self, if_none_match: str) -> bool:
        tags = [t.strip() for t in if_none_match.split(",")]
        return self.etag in tags or gzip_etag(self.etag) in tags or "*" in tags


COMPRESSIBLE = ("text/", "application/json", "application/xml", "application/rss+xml", "application/atom+xml")
GZIP_MIN_BYTES = 1024  # below this the headers cost about what compressing saves


def gzip_etag(etag: str) -> str:
    return etag[:-1] + '-gzip"' if etag.endswith('"') else etag + "-gzip"


def gzipped_content(content: bytes, content_type: str) -> bytes | None:
    """The content compressed (level 6, no timestamp: the same bytes every time), or None if not worth it."""
    if len(content) < GZIP_MIN_BYTES or not content_type.startswith(COMPRESSIBLE):
        return None
    packed = gzip.compress(content, compresslevel=6, mtime=0)
    return packed if len(packed) < len(content) else None


def _scope_of(match) -> str:
    """The agency a page belongs to (its slug, or what its app registered), or "all"."""
    agency_id = page_scope_of(match.view_name, match.kwargs)
    slug = match.kwargs.get("slug")
    if agency_id is None and isinstance(slug, str):
        agency_id = agency_id_for_slug(slug)
    return str(agency_id) if agency_id else ALL


def _size(page: CachedPage) -> int:
    return len(page.content) + len(page.gzipped or b"")


class LocalPages:
    """A per-process copy of recently served pages, in front of the shared cache.

    It saves reading and unpickling the page from the shared cache, never the check: the version tokens are
    read from the shared cache on every request and a copy is served only while they are the ones it was
    stored with, so a change is visible on the next request in every process. Bounded by size (the pages it
    holds, GONGKAI_PAGE_CACHE_LOCAL_MB); a copy also expires when the shared entry would.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._pages: OrderedDict[str, tuple[CachedPage, float]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> CachedPage | None:
        with self._lock:
            entry = self._pages.get(key)
            if entry is None:
                return None
            if entry[1] <= time.time():
                self._drop(key)
                return None
            self._pages.move_to_end(key)
            return entry[0]

    def put(self, key: str, page: CachedPage, expires: float) -> None:
        size = _size(page)
        if size > self.max_bytes // 4:
            return
        with self._lock:
            if key in self._pages:
                self._drop(key)
            self._pages[key] = (page, expires)
            self._bytes += size
            while self._bytes > self.max_bytes:
                self._drop(next(iter(self._pages)))

    def _drop(self, key: str) -> None:
        page, _expires = self._pages.pop(key)
        self._bytes -= _size(page)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._bytes = 0


local_pages = LocalPages(settings.GONGKAI_PAGE_CACHE_LOCAL_MB * 1024 * 1024)

# path → the URL it resolves to, per process: resolving walks every pattern of the site, and a path's match
# never changes while the process runs (the URL configuration is fixed).
_resolved: dict[str, Any] = {}
RESOLVED_SIZE = 20_000


def resolve_path(path: str):
    match = _resolved.get(path)
    if match is None:
        match = resolve(path)  # Resolver404 propagates, and is not remembered
        if len(_resolved) >= RESOLVED_SIZE:
            _resolved.clear()
        _resolved[path] = match
    return match


def forget_local_pages() -> None:
    """Empty this process's copies (tests: ids and pages differ from test to test)."""
    local_pages.clear()
    _resolved.clear()


def normalised_query(request) -> str:
    """The query string with empty parameters dropped, values trimmed and keys sorted: one entry per search."""
    pairs = sorted((k, v.strip()) for k, values in request.GET.lists() for v in values if v.strip())
    return urlencode(pairs)


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = settings.GONGKAI_PAGE_CACHE
        self.timeout = settings.GONGKAI_PAGE_CACHE_SECONDS
        self.search_timeout = settings.GONGKAI_PAGE_CACHE_SEARCH_SECONDS
        self.local = settings.GONGKAI_PAGE_CACHE_LOCAL_MB > 0

    def __call__(self, request):
        match = self._cacheable_match(request)
        if match is None:
            return self.get_response(request)
        if request.method == "HEAD":
            request.page_cache_skip = True  # answer it, but store only what a GET rendered
        request.resolver_match = match  # the visit recorder above reads it, even when no view runs
        kinds = KINDS_OF_NAMESPACE[match.namespace]
        scope = _scope_of(match)
        token_keys = [EPOCH_KEY, *(token_key(scope, kind) for kind in kinds)]
        query = normalised_query(request)
        path_key = f"{request.path}?{query}"
        page_key = f"gk:page:{request.LANGUAGE_CODE}:{hashlib.sha256(path_key.encode()).hexdigest()[:32]}"
        page = local_pages.get(page_key) if self.local else None
        if page is not None:
            # The copy of this process: only the tokens are read from the shared cache.
            tokens = current_tokens(token_keys)
        else:
            fetched = page_cache().get_many([*token_keys, page_key])
            page = fetched.pop(page_key, None)
            tokens = current_tokens(token_keys, fetched)
            if isinstance(page, CachedPage) and page.tokens == tokens and self.local:
                timeout = self.search_timeout if match.view_name in SEARCH_URL_NAMES else self.timeout
                local_pages.put(page_key, page, expires=page.created + timeout)
        if isinstance(page, CachedPage) and page.tokens == tokens:
            request.META[PAGE_MARK] = (page_key, token_keys)
            return self._from_cache(request, page)
        # Tokens were read before rendering: a change committed while rendering replaces them, so what is
        # stored now can be served only until then.
        response = self.get_response(request)
        if self._storable(request, response):
            timeout = self.search_timeout if match.view_name in SEARCH_URL_NAMES else self.timeout
            page = self._store(response, tokens, page_key, timeout)
            if self.local:
                local_pages.put(page_key, page, expires=page.created + timeout)
                request.META[PAGE_MARK] = (page_key, token_keys)
            body, etag, compressed = page.answer(request.META.get("HTTP_ACCEPT_ENCODING", ""))
            if compressed:
                response.content = body
                response["Content-Encoding"] = "gzip"
            self._add_validators(response, page, etag)
        response.headers.setdefault("X-Page-Cache", "miss")
        return response

    def _cacheable_match(self, request):
        if not self.enabled or request.method not in ("GET", "HEAD"):
            return None
        if has_visitor_state(request.COOKIES):  # staff, or a visitor mid-form or with a message: the live page
            return None
        try:
            match = resolve_path(request.path_info)
        except Resolver404:
            return None
        if match.namespace not in KINDS_OF_NAMESPACE or match.view_name in EXCLUDED_URL_NAMES:
            return None
        if not match.namespace and match.url_name not in ROOT_URL_NAMES:
            return None
        return match

    @staticmethod
    def _storable(request, response) -> bool:
        vary = response.get("Vary", "").lower()
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "cookie" not in vary
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not getattr(request, "page_cache_skip", False)
            and "private" not in response.get("Cache-Control", "")
        )

    def _store(self, response, tokens, page_key, timeout) -> CachedPage:
        content = response.content
        etag = quote_etag(hashlib.sha256(content).hexdigest()[:32])
        kept = {
            name: value
            for name, value in response.headers.items()
            if name.lower()
            not in ("content-length", "date", "etag", "last-modified", "x-page-cache", "content-encoding")
        }
        content_type = response.get("Content-Type", "text/html; charset=utf-8")
        page = CachedPage(
            tokens=tokens,
            status=response.status_code,
            content=content,
            content_type=content_type,
            headers=kept,
            created=time.time(),
            etag=etag,
            gzipped=gzipped_content(content, content_type),
        )
        page_cache().set(page_key, page, timeout=timeout)
        return page

    @staticmethod
    def _add_validators(response, page: CachedPage, etag: str) -> None:
        response["ETag"] = etag
        # The same URL answers gzip or not by what the browser accepts: caches must keep the two apart.
        patch_vary_headers(response, ("Accept-Encoding",))
        response["Last-Modified"] = http_date(page.created)
        # Browsers revalidate every time (a 304 from the cache is cheap); a reverse proxy in front may keep the
        # page for GONGKAI_PROXY_CACHE_SECONDS (nginx reads X-Accel-Expires and does not pass it on).
        response["Cache-Control"] = "public, max-age=0, must-revalidate"
        if settings.GONGKAI_PROXY_CACHE_SECONDS:
            response["X-Accel-Expires"] = str(settings.GONGKAI_PROXY_CACHE_SECONDS)

    def _from_cache(self, request, page: CachedPage):
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH", "")
        since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
        body, etag, compressed = page.answer(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        if (if_none_match and page.matches(if_none_match)) or (
            not if_none_match and since is not None and int(page.created) <= since
        ):
            response = HttpResponseNotModified()
        else:
            response = HttpResponse(body, status=page.status, content_type=page.content_type)
            for name, value in page.headers.items():
                if name.lower() not in ("content-type", "content-encoding"):
                    response[name] = value
            if compressed:
                response["Content-Encoding"] = "gzip"
        self._add_validators(response, page, etag)
        response["X-Page-Cache"] = "hit"
        return response
