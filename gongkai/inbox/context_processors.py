from gongkai.inbox.selectors import inbox_count


def inbox(request):
    """The to-do count in the back-office header, on staff pages only (where the staff view set the roles)."""
    agency = getattr(request, "agency", None)
    if agency is None or not getattr(request, "roles", None):
        return {}
    return {"inbox_count": inbox_count(request.user, agency, getattr(request, "agency_roles", set()))}
