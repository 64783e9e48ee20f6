"""Shared pieces of the services: constants, date checks, access checks, transitions and the clock."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.applications import clock
from gongkai.applications.access import (
    application_can_handle,
)
from gongkai.applications.models import (
    LIVE_DRAFT_STATES,
    TRANSITIONS,
    Application,
    ClockPause,
    ExtensionKind,
    PauseKind,
    Status,
)
from gongkai.audit.services import audited_update
from gongkai.core.dates import chinese_date
from gongkai.core.errors import AccessDenied, IllegalTransition
from gongkai.core.workflow import move
from gongkai.workdays.selectors import workday_calendar

APPLICANT_FIELDS = [
    "kind",
    "name",
    "id_type",
    "id_number",
    "organisation_type",
    "credit_code",
    "legal_representative",
    "contact_person",
    "phone",
    "email",
    "address",
    "postcode",
]
REQUEST_FIELDS = ["title", "document_number", "description", "form_wanted", "delivery_method"]
AUDIT_FIELDS = ["status", "due_on", "handler_id", "outcome", "closed_on", "received_on"]


def _day(day: dt.date) -> str:
    return chinese_date(day)


def _today() -> dt.date:
    return timezone.localdate()


def _check_date(on: dt.date, field: str = "on", *, not_before: dt.date | None = None) -> None:
    if on > _today():
        raise ValidationError({field: _("日期不能晚于今天。")})
    if not_before is not None and on < not_before:
        raise ValidationError({field: _("日期不能早于%(v1)s。") % {"v1": _day(not_before)}})


def _check_handle(actor, application: Application) -> None:
    if not application_can_handle(actor, application):
        raise AccessDenied(_("无权办理该申请。"))


def _check_no_live_draft(application: Application) -> None:
    """A handling step (correction, consultation, fee, the item count) waits until the pending reply draft is
    withdrawn, so a signed draft never goes out on facts that changed after it (the case page hides these steps
    meanwhile; this refuses a POST from a page opened before the draft)."""
    if application.drafts.filter(state__in=LIVE_DRAFT_STATES).exists():
        raise IllegalTransition(_("本申请已有拟办答复，请先撤回拟办答复再办理此事项。"))


def _check_move(application: Application, target: str) -> None:
    """Refuse a move TRANSITIONS does not allow before the service writes anything else."""
    TRANSITIONS.check(application, target)


def _locked(application: Application) -> Application:
    """Re-read the row under a lock so two clerks acting at once cannot both move it."""
    return Application.objects.select_for_update().select_related("agency", "applicant").get(pk=application.pk)


def fee_wait_excluded() -> bool:
    return getattr(settings, "APPLICATIONS_FEE_WAIT_EXCLUDED", True)


def application_deadline(application: Application, calendar=None) -> clock.Deadline:
    """The clock of one application, from its stored pauses and approved extensions."""
    calendar = calendar or workday_calendar()
    saved = application.pk is not None
    pauses = [
        clock.Pause(p.kind, p.started_on, p.ended_on, str(PauseKind(p.kind).label))
        for p in (application.pauses.all() if saved else [])
    ]
    approved = [e for e in application.extensions.all() if e.approved_on] if saved else []
    extensions = [e.days for e in approved if e.kind == ExtensionKind.EXTENSION]
    delays = [e.days for e in approved if e.kind == ExtensionKind.DELAY]
    return clock.reply_deadline(
        calendar,
        received_on=application.received_on,
        pauses=pauses,
        extension_days=extensions,
        delay_days=delays,
        fee_wait_excluded=fee_wait_excluded(),
    )


def _clock_fields(application: Application, status: str) -> dict:
    """The reply deadline of the application in `status`, from its stored pauses and approved extensions."""
    deadline = application_deadline(application) if status != Status.CLOSED else None
    return {
        "due_on": deadline.date if deadline else None,
        "due_verified": deadline.verified if deadline else True,
        "alert_state": "",
    }


def _recompute_due(application: Application) -> None:
    for name, value in _clock_fields(application, application.status).items():
        setattr(application, name, value)


def _open_pause(application: Application, kind: str) -> ClockPause | None:
    return application.pauses.filter(kind=kind, ended_on__isnull=True).first()


def _save_clock(actor, application: Application, verb: str, *, to: str = "", note: str = "", also=None) -> None:
    """Recompute the clock and save it with the status move `to` (checked against TRANSITIONS by
    core.workflow.move) and any further fields, with one audit event of what changed."""
    changes = {**_clock_fields(application, to or application.status), **(also or {})}
    if to:
        move(application, to, transitions=TRANSITIONS, actor=actor, verb=verb, also=changes,
             agency=application.agency_id, note=note)  # fmt: skip
    else:
        audited_update(application, actor=actor, verb=verb, changes=changes, agency=application.agency_id,
                       note=note, validate=False, always=True)  # fmt: skip
