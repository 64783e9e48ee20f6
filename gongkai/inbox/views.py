"""Back office: 待办, the to-do inbox of the current agency."""

from django.shortcuts import render

from gongkai.accounts.staff import staff_view
from gongkai.inbox.selectors import inbox_sections


@staff_view
def inbox(request):
    sections, total = inbox_sections(request.user, request.agency, request.agency_roles)
    if request.agency is not None:
        request._inbox_count = total  # the header shows the same number (gongkai.inbox.context_processors)
    # A case can be in several lists (assigned to me and overdue); the total counts it once, and says so.
    listed = sum(s.count for s in sections)
    return render(request, "inbox/inbox.html", {"sections": sections, "total": total, "counted_once": listed > total})
