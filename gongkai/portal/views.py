"""The public portal: no account needed, nothing but published information."""

from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from gongkai.agencies.models import Agency
from gongkai.agencies.selectors import (
    agency_ancestors,
    agency_by_slug,
    agency_tree,
    portal_home_agency,
    site_identity_agency,
)
from gongkai.core.registry import portal_nav_items
from gongkai.portal.selectors import (
    portal_heading,
    portal_latest_items,
    portal_open_participation,
    portal_quick_entries,
)


def _agency_page(request, agency: Agency, template: str, *, section: str = "", **extra):
    ancestors = agency_ancestors(agency)
    context = {
        "nav_items": portal_nav_items(agency, section),
        "agency": agency,
        "ancestors": ancestors,
        "children": agency.children.filter(is_active=True).order_by("sort_order", "id"),
        "site_agency": site_identity_agency(agency, ancestors),
        **extra,
    }
    return render(request, template, context)


def _home_context(agency: Agency) -> dict:
    """What an agency's home page shows: search, quick entries, latest items, open participation, contact."""
    return {
        "quick_entries": portal_quick_entries(agency),
        "latest_items": portal_latest_items(agency),
        "participation": portal_open_participation(agency, timezone.localdate()),
    }


def home(request):
    agency = portal_home_agency()
    if agency is None:
        return render(request, "portal/empty.html", status=200)
    return _agency_page(
        request, agency, "portal/home.html", is_home=True, heading=portal_heading(agency), **_home_context(agency)
    )


def agency_detail(request, slug: str):
    """An agency's own portal home: the same blocks as the site's home, and its basic facts."""
    agency = agency_by_slug(slug)
    if agency is None:
        raise Http404
    return _agency_page(
        request, agency, "portal/home.html", section="about", heading=agency.name, **_home_context(agency)
    )


def directory(request):
    agencies = Agency.objects.filter(is_active=True)
    home_agency = portal_home_agency()
    return render(
        request,
        "portal/directory.html",
        {
            "tree": agency_tree(agencies),
            "agency": home_agency,
            "site_agency": site_identity_agency(home_agency),
            "nav_items": portal_nav_items(home_agency, "directory"),
        },
    )


def language(request, code: str):
    """Switch the interface language by a plain link, so public pages carry no form and no CSRF token.

    Only the language cookie changes (no account, no data), and `next` must be a path on this site.
    """
    if code not in dict(settings.LANGUAGES):
        raise Http404
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=False):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE or "Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )
    return response


FAVICON = Path(__file__).resolve().parents[1] / "core" / "static" / "core" / "favicon.svg"


def favicon(request):
    """/favicon.ico for browsers and crawlers that ask for it before reading the page's <link rel="icon">."""
    response = HttpResponse(FAVICON.read_bytes(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=604800"
    return response
