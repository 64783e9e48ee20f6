"""Notices to the applicant, by the channels they chose on the form (e-mail, SMS, or neither).

Called by the services inside their transaction, so a notice exists exactly when the change it reports does
(the outbox, gongkai.notices). Each notice is keyed by its event, so a service retried or a job run twice queues
it once. Only what the applicant gave and the case's own facts go out; never an identity number.
"""

from django.conf import settings
from django.urls import reverse

from gongkai.applications.clock import UNVERIFIED_NOTE, UNVERIFIED_SMS_NOTE, dated
from gongkai.applications.models import Application, Letter
from gongkai.core.dates import chinese_date
from gongkai.notices.services import notice_queue


def _day(day) -> str:
    return chinese_date(day) if day else ""


def track_url(application: Application | None = None) -> str:
    """The tracking page; with the case, its link that opens the case (the code is in the same notice anyway)."""
    url = f"{settings.SITE_URL}{reverse('applications:track')}"
    return f"{url}?code={application.tracking_code}" if application is not None else url


def letter_url(application: Application, letter: Letter | None) -> str:
    if letter is None:
        return track_url(application)
    return f"{settings.SITE_URL}{reverse('applications:letter', args=[application.tracking_code, letter.pk, 'pdf'])}"


def due_basis(application: Application) -> str:
    """How the deadline in a notice was computed (whether it may still move is said beside `{due}` itself)."""
    if application.due_on is None:
        return "补正、征求意见或缴费期间计时中止"
    return "自收到申请（或补正）之日起20个工作日，法定节假日不计（条例第三十三条）"


def _for_sms(values: dict) -> dict:
    """The values of a text message: a provisional date marked briefly (clock.UNVERIFIED_SMS_NOTE)."""
    return {k: v.replace(UNVERIFIED_NOTE, UNVERIFIED_SMS_NOTE) if isinstance(v, str) else v for k, v in values.items()}


def applicant_notify(application: Application, event: str, *, key: str = "", **values) -> int:
    """Queue `event`'s notice on each channel the applicant chose; returns how many were queued."""
    applicant = application.applicant
    base = {
        "number": application.number,
        "tracking_code": application.tracking_code,
        "title": application.title,
        "received": _day(application.received_on),
        # A deadline counted over a year whose holidays are not yet verified says so (clock.UNVERIFIED_NOTE).
        "due": dated(application.due_on, application.due_verified, missing="计时恢复后重新计算的期限"),
        "track_url": track_url(application),
        "due_basis": due_basis(application),
    }
    values = {**base, **values}
    queued = 0
    for channel, chosen, recipient in (
        ("email", application.notify_email, applicant.email),
        ("sms", application.notify_sms, applicant.phone),
    ):
        if not chosen or not recipient:
            continue
        notice = notice_queue(
            event=event,
            channel=channel,
            recipient=recipient,
            values=_for_sms(values) if channel == "sms" else values,
            agency=application.agency,
            obj=application,
            object_label=application.number,
            key=f"{event}:{application.pk}:{key}:{channel}" if key else f"{event}:{application.pk}:{channel}",
        )
        queued += notice is not None
    return queued
