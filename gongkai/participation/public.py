"""What every public page of the domain apps needs around its content: the portal's navigation and footer.

The portal app sits above the domain apps, so they cannot borrow its helpers; this small one is shared by the
participation, gazette and enforcement pages (all on the same level) instead.
"""

from django.http import Http404

from gongkai.agencies.models import Agency
from gongkai.agencies.selectors import agency_ancestors, agency_by_slug, site_identity_agency
from gongkai.core.client import client_address
from gongkai.core.registry import portal_nav_items


def public_agency(slug: str) -> Agency:
    agency = agency_by_slug(slug)
    if agency is None or not agency.is_active:
        raise Http404
    return agency


def portal_context(agency: Agency, section: str, **extra) -> dict:
    ancestors = agency_ancestors(agency)
    return {
        "nav_items": portal_nav_items(agency, section),
        "agency": agency,
        "ancestors": ancestors,
        "site_agency": site_identity_agency(agency, ancestors),
        **extra,
    }


def visitor_address(group, request) -> str:
    """The rate-limit key of a public form: the client address as the audit trail sees it."""
    return client_address(request) or "unknown"
