"""The back-office home page's supervision card: the counts that need attention, linking to the dashboard."""

from django.utils import timezone

from gongkai.accounts.access import agencies_visible_to
from gongkai.agencies.selectors import agency_subtree
from gongkai.supervision.access import inspection_problems_visible_to, new_media_accounts_visible_to
from gongkai.supervision.selectors import problems_open, problems_overdue, stale_new_media_accounts


def supervision_panel(request, agency):
    if agency is None:
        return None
    today = timezone.localdate()
    scope = agency_subtree(agency).filter(pk__in=agencies_visible_to(request.user))
    problems = inspection_problems_visible_to(request.user).filter(responsible_agency__in=scope)
    accounts = new_media_accounts_visible_to(request.user).filter(agency__in=scope)
    context = {
        "open_problems": problems_open(problems).count(),
        "overdue_problems": problems_overdue(problems, today).count(),
        "stale_accounts": stale_new_media_accounts(accounts, today).count(),
    }
    return context if any(context.values()) else None
