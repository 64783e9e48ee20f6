"""Counts page views of the public portal as they are served, without storing who viewed them."""

import logging
import re
from functools import lru_cache

from django.conf import settings
from django.db import DatabaseError

from gongkai.agencies.models import Agency
from gongkai.agencies.selectors import agency_id_for_slug, agency_root_id, forget_agency_slugs
from gongkai.analytics.services import hit_record
from gongkai.core.client import client_address

logger = logging.getLogger(__name__)

# Crawlers, link checkers, monitors and scripts are not visitors.
BOT_PATTERN = re.compile(
    r"bot|crawl|spider|slurp|baidu|bingpreview|yandex|sogou|360spider|bytespider|headless|phantom|lighthouse|"
    r"curl|wget|python|java/|go-http|okhttp|libwww|httpclient|scrapy|monitor|check|scan|preview|^$",
    re.IGNORECASE,
)
EXCLUDED_PREFIXES = ("/staff/", "/static/", "/i18n/", "/media/", "/favicon")
# Holds the constant "1": it says "this browser has been here before" and identifies no one.
RETURNING_COOKIE = "gk_returning"
RETURNING_MAX_AGE = 2 * 365 * 24 * 3600
# Which URL keyword names the agency a page belongs to; apps may also set request.analytics_agency_id.
AGENCY_URL_KWARGS = ("slug", "agency_slug", "agency")
# Set in request.META (the WSGI environ) to the agency a view was counted under, so that the portal's fast path
# (gongkai/portal/fastpath.py) counts the same page's later views under the same agency.
VISIT_MARK = "gongkai.visit_agency"


@lru_cache(maxsize=2048)  # a handful of browser strings make most of the traffic; the pattern is long
def is_bot(user_agent: str) -> bool:
    return bool(BOT_PATTERN.search(user_agent))


def _agency_id_for(request) -> int | None:
    if explicit := getattr(request, "analytics_agency_id", None):
        return explicit
    match = request.resolver_match
    kwargs = match.kwargs if match else {}
    for key in AGENCY_URL_KWARGS:
        value = kwargs.get(key)
        if isinstance(value, Agency):
            return value.pk
        if isinstance(value, str) and (agency_id := agency_id_for_slug(value)):
            return agency_id
    # Pages of no particular agency (the home page, the directory) belong to the portal's own agency.
    if settings.PORTAL_AGENCY and (agency_id := agency_id_for_slug(settings.PORTAL_AGENCY)):
        return agency_id
    return agency_root_id()


def should_count(request, response) -> bool:
    return (
        request.method == "GET"
        and response.status_code == 200
        and response.get("Content-Type", "").startswith("text/html")
        and not request.path.startswith(EXCLUDED_PREFIXES)
        # Staff previewing the portal are not the public.
        and not (hasattr(request, "user") and request.user.is_authenticated)
        and not is_bot(request.META.get("HTTP_USER_AGENT", ""))
    )


class VisitRecorderMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not should_count(request, response):
            return response
        try:
            agency_id = _agency_id_for(request)
            if agency_id is not None:
                request.META[VISIT_MARK] = agency_id
                hit_record(
                    agency_id=agency_id,
                    path=request.path,
                    client_address=client_address(request) or "",
                    user_agent=request.META.get("HTTP_USER_AGENT", ""),
                    is_new_visitor=RETURNING_COOKIE not in request.COOKIES,
                    search_term=request.GET.get("q", ""),
                )
        except DatabaseError:
            # A page must never fail because it could not be counted. The slug cache may name an agency
            # that is gone; forget it.
            forget_agency_slugs()
            logger.exception("could not record a portal hit")
            return response
        if RETURNING_COOKIE not in request.COOKIES:
            response.set_cookie(
                RETURNING_COOKIE, "1", max_age=RETURNING_MAX_AGE, httponly=True, samesite="Lax",
                secure=request.is_secure(),
            )  # fmt: skip
        return response
