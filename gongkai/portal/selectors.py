"""What the portal shows about the deployment itself."""

from django.conf import settings

from gongkai.agencies.models import Agency
from gongkai.agencies.selectors import agency_ancestors, agency_by_slug, agency_roots


def portal_home_agency() -> Agency | None:
    """The agency whose portal "/" is: GONGKAI_PORTAL_AGENCY, or the first root of the tree."""
    if settings.PORTAL_AGENCY and (agency := agency_by_slug(settings.PORTAL_AGENCY)):
        return agency
    return agency_roots().first()


def site_identity_agency(agency: Agency | None) -> Agency | None:
    """The agency whose site identity (ICP, 政府网站标识码) the footer shows: the nearest one that has it."""
    if agency is None:
        return portal_home_agency()
    for candidate in [agency, *reversed(agency_ancestors(agency))]:
        if candidate.site_code:
            return candidate
    return portal_home_agency()
