"""The daily reminders: deadline alerts to staff (条例 第三十三条) and the applicant's own deadlines.

Both write notices into the outbox (gongkai.notices) and are keyed, so a run repeated the same day, or a job
retried after a crash, sends nothing twice. `manage.py applications_alerts` and the worker's job call these.
"""

import datetime as dt

from django.db import transaction

from gongkai.accounts.models import Role, User
from gongkai.applications.clock import dated, span_verified
from gongkai.applications.models import Application, ClockPause, PauseKind, Status
from gongkai.applications.notify import applicant_notify
from gongkai.applications.services.closing import application_alerts_scan, application_deadlines_recheck
from gongkai.core.dates import chinese_date
from gongkai.notices.services import notice_queue
from gongkai.workdays.selectors import workday_calendar

# Working days before the applicant's own deadline (correction, payment) that the reminder goes out.
APPLICANT_REMINDER_DAYS = 3


def _staff_recipients(application: Application) -> list[User]:
    people = {
        u.pk: u
        for u in User.objects.filter(
            is_active=True, roles__agency=application.agency, roles__role=Role.APPROVER
        ).exclude(email="")
    }
    if application.handler and application.handler.is_active and application.handler.email:
        people[application.handler.pk] = application.handler
    return sorted(people.values(), key=lambda u: u.pk)


def application_alerts_send(*, today: dt.date) -> tuple[int, int]:
    """Mark due-soon and overdue cases and e-mail their handler and the agency's approvers.

    Returns (cases whose state changed, notices queued). The state change and its notices are one transaction.
    """
    queued = 0
    with transaction.atomic():
        # Deadlines counted over a year whose holidays have since been verified move first, then are scanned.
        application_deadlines_recheck()
        changed = application_alerts_scan(today=today)
        for application, state in changed:
            for person in _staff_recipients(application):
                notice = notice_queue(
                    event=f"application.{state}",
                    channel="email",
                    recipient=person.email,
                    user=person,
                    values={
                        "number": application.number,
                        "title": application.title,
                        "received": chinese_date(application.received_on),
                        "due": dated(application.due_on, application.due_verified),
                    },
                    agency=application.agency,
                    obj=application,
                    object_label=application.number,
                    key=f"application.{state}:{application.pk}:{application.due_on}:{person.pk}",
                )
                queued += notice is not None
    return len(changed), queued


def applicant_reminders_send(*, today: dt.date) -> int:
    """Remind applicants, by their chosen channels, a few working days before a correction or payment is due."""
    calendar = workday_calendar()
    horizon = calendar.add_working_days(today, APPLICANT_REMINDER_DAYS).date
    pauses = ClockPause.objects.filter(
        kind__in=[PauseKind.CORRECTION, PauseKind.FEE],
        ended_on__isnull=True,
        respond_by__gte=today,
        respond_by__lte=horizon,
        application__status__in=[Status.AWAITING_CORRECTION, Status.AWAITING_FEE],
    ).select_related("application", "application__agency", "application__applicant")
    queued = 0
    for pause in pauses:
        application = pause.application
        # The stored date says whether it was counted over a year whose holidays are not yet verified (the query
        # only selects pauses with a respond_by).
        respond_by = pause.respond_by or today
        written = dated(respond_by, span_verified(calendar, pause.started_on, respond_by))
        with transaction.atomic():
            if pause.kind == PauseKind.CORRECTION:
                queued += applicant_notify(
                    application, "application.correction_reminder", key=str(pause.pk),
                    respond_by=written,
                )  # fmt: skip
            else:
                fee = application.fees.order_by("-pk").first()
                queued += applicant_notify(
                    application, "application.fee_reminder", key=str(pause.pk),
                    amount=fee.amount if fee else "", pay_by=written,
                )  # fmt: skip
    return queued
