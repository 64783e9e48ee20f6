"""What the appeals app adds to other pages: the application's appeals, and the dashboard's deadlines."""

from django.utils import timezone

from gongkai.accounts.access import user_has_role
from gongkai.accounts.models import Role
from gongkai.appeals.selectors import appeal_deadlines, appeals_for_application
from gongkai.applications.tracking import case_token_key
from gongkai.core.pagecache import cached_by_work

APPEALS_FORMAT = 1  # the kept value's shape; a new one is read afresh


def application_appeals(request, application):
    """The case page's panel of the case's reconsiderations and lawsuits.

    What it lists is kept per case (issue #15: two queries on every visit of every case page) under the agency's
    work tokens, which every audited change of an appeal replaces (`core.pagecache.cached_by_work`; an appeal
    linked to a case is always the case's agency's, `services._check_application`), and the case's version,
    which any saved or deleted appeal row of the case replaces (apps.py), so a change shows on the next visit.
    New online applications change no appeal (`intake=False`)."""
    reconsiderations, lawsuits = cached_by_work(
        application.agency_id,
        f"gk:appeals{APPEALS_FORMAT}:{application.pk}",
        lambda: appeals_for_application(application),
        also=[case_token_key(application.pk)],
        intake=False,
    )
    can_register = user_has_role(request.user, application.agency, Role.CLERK, Role.AGENCY_ADMIN, Role.APPROVER)
    if not reconsiderations and not lawsuits and not can_register:
        return None
    return {"reconsiderations": reconsiderations, "lawsuits": lawsuits, "can_register": can_register}


def appeals_token_key(agency_id) -> str:
    """The version of an agency's appeals: replaced by every saved or deleted appeal row of the agency (apps.py)."""
    return f"gk:appeals-of:{agency_id}"


def deadlines_panel(request, agency):
    """The work queue's and the dashboard's answers and defences due soon or overdue (行政复议法 第四十八条,
    行政诉讼法 第六十七条: the time limits the agency must meet).

    What it lists is kept per agency and day (issue #15: two queries on every visit of the work queue) under the
    agency's work tokens and the version of its appeals, which any saved or deleted appeal row replaces, audited
    or not; the day, because "due soon" and "overdue" move with it. New online applications change no appeal.
    """
    if agency is None:
        return None
    today = timezone.localdate()
    rows = cached_by_work(
        agency.pk,
        f"gk:appeal-deadlines{APPEALS_FORMAT}:{agency.pk}:{today.isoformat()}",
        lambda: [row for row in appeal_deadlines(agencies=[agency], today=today) if row.state != "open"],
        also=[appeals_token_key(agency.pk)],
        intake=False,
    )
    return {"rows": rows} if rows else None
