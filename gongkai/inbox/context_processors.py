from gongkai.inbox.counts import cached_inbox_count


def inbox(request):
    """The to-do count in the back-office header, on staff pages only (where the staff view set the roles).

    Kept between changes (gongkai.inbox.counts), and read once per request: a page rendered with the request more
    than once (a fragment, a panel rendered outside a page's context) runs the context processors again.
    """
    agency = getattr(request, "agency", None)
    if agency is None or not getattr(request, "roles", None):
        return {}
    if (count := getattr(request, "_inbox_count", None)) is None:
        count = request._inbox_count = cached_inbox_count(request.user, agency, getattr(request, "agency_roles", set()))
    return {"inbox_count": count}
