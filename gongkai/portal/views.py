"""The public portal: no account needed, nothing but published information."""

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from gongkai.agencies.models import Agency
from gongkai.agencies.selectors import agency_ancestors, agency_by_slug, agency_tree
from gongkai.core.registry import portal_nav_items
from gongkai.portal.selectors import portal_home_agency, site_identity_agency


def _agency_page(request, agency: Agency, template: str, *, section: str = "", **extra):
    context = {
        "nav_items": portal_nav_items(agency, section),
        "agency": agency,
        "ancestors": agency_ancestors(agency),
        "children": agency.children.filter(is_active=True).order_by("sort_order", "id"),
        "site_agency": site_identity_agency(agency),
        **extra,
    }
    return render(request, template, context)


def home(request):
    agency = portal_home_agency()
    if agency is None:
        return render(request, "portal/empty.html", status=200)
    return _agency_page(request, agency, "portal/home.html", is_home=True)


def agency_detail(request, slug: str):
    agency = agency_by_slug(slug)
    if agency is None:
        raise Http404
    return _agency_page(request, agency, "portal/agency.html", section="about")


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


def switch_language(request, code: str):
    """The language switch is a plain link, so that the pages that carry it hold no CSRF token and can be shared
    from the cache. It only sets the visitor's language cookie and goes back where they were."""
    if code not in {c for c, _name in settings.LANGUAGES}:
        raise Http404
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, code, max_age=365 * 24 * 3600, samesite="Lax", secure=request.is_secure()
    )
    return response
