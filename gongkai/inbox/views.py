"""Back office: 待办, the to-do inbox of the current agency."""

from django.shortcuts import render

from gongkai.accounts.staff import staff_view
from gongkai.inbox.selectors import inbox_sections


@staff_view
def inbox(request):
    sections = inbox_sections(request.user, request.agency, request.agency_roles)
    total = sum(s.count for s in sections)
    if request.agency is not None:
        request._inbox_count = total  # the header shows the same number (gongkai.inbox.context_processors)
    return render(request, "inbox/inbox.html", {"sections": sections, "total": total})
