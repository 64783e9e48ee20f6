"""The clock's records: correction requests (条例 第三十条), consultations (第三十二条), extensions (第三十三条、第三十五条)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.applications import clock
from gongkai.applications.access import (
    application_can_approve,
)
from gongkai.applications.models import (
    Application,
    ClockPause,
    Extension,
    ExtensionKind,
    LetterKind,
    PauseKind,
    Status,
)
from gongkai.applications.notify import applicant_notify
from gongkai.applications.services.base import (
    _check_date,
    _check_handle,
    _check_move,
    _check_no_live_draft,
    _clock_fields,
    _day,
    _locked,
    _open_pause,
    _save_clock,
)
from gongkai.applications.services.correspondence import _issue_letter
from gongkai.audit.services import audit_record
from gongkai.core.errors import AccessDenied, IllegalTransition
from gongkai.workdays.selectors import workday_calendar


@transaction.atomic
def application_request_correction(
    *, actor, application: Application, on: dt.date, text: str, period_days: int = 15
) -> ClockPause:
    """条例 第三十条: once, in full, within 7 working days of receipt, with a reasonable period to answer."""
    application = _locked(application)
    _check_handle(actor, application)
    _check_no_live_draft(application)
    _check_date(on, "on", not_before=application.received_on)
    calendar = workday_calendar()
    latest = clock.correction_notice_deadline(calendar, application.received_on)
    if on > latest.date and not latest.verified:
        # The 7 days were counted over a year whose holidays are not known yet: the real last day may be later,
        # so the clerk is told why the date may be wrong and how to settle it, not just refused.
        raise ValidationError(
            {
                "on": _(
                    "补正通知应当自收到申请之日起7个工作日内提出（条例第三十条）。按普通周末推算，本申请最迟为"
                    "%(v1)s，但%(years)s年的法定节假日安排尚未核实，实际期限可能更晚。请先由系统管理员在“工作日历”"
                    "中录入国务院办公厅当年的节假日安排通知，再发出补正通知。"
                )
                % {"v1": _day(latest.date), "years": "、".join(str(y) for y in latest.unverified_years)}
            }
        )
    if on > latest.date:
        raise ValidationError(
            {
                "on": _("补正通知应当自收到申请之日起7个工作日内提出（条例第三十条），本申请最迟为%(v1)s。")
                % {"v1": _day(latest.date)}
            }
        )
    if application.pauses.filter(kind=PauseKind.CORRECTION).exists():
        raise ValidationError({"text": _("补正应当一次性告知（条例第三十条），本申请已经发出过补正通知。")})
    if not text.strip():
        raise ValidationError({"text": _("请写明需要补正的事项。")})
    if not 1 <= period_days <= 60:
        raise ValidationError({"period_days": _("补正期限应在1至60个工作日之间。")})
    _check_move(application, Status.AWAITING_CORRECTION)
    period = calendar.add_working_days(on, period_days)
    respond_by = period.date
    pause = ClockPause.objects.create(
        application=application, kind=PauseKind.CORRECTION, started_on=on, respond_by=respond_by,
        request_text=text, created_by=actor,
    )  # fmt: skip
    written = clock.dated(respond_by, period.verified)
    _issue_letter(application, LetterKind.CORRECTION, on, respond_by=written, text=text)
    _save_clock(actor, application, "application.correction_request", to=Status.AWAITING_CORRECTION, note=text)
    applicant_notify(application, "application.correction", respond_by=written, text=text)
    return pause


@transaction.atomic
def application_receive_correction(*, actor, application: Application, on: dt.date, text: str = "") -> Application:
    """The corrected application arrived: the 20 working days start again from `on`."""
    application = _locked(application)
    _check_handle(actor, application)
    pause = _open_pause(application, PauseKind.CORRECTION)
    if pause is None:
        raise IllegalTransition(_("本申请没有等待中的补正。"))
    _check_date(on, "on", not_before=pause.started_on)
    end_correction(actor, application, pause, on=on, text=text, verb="application.correction_receive")
    return application


def end_correction(actor, application: Application, pause: ClockPause, *, on: dt.date, text: str, verb: str) -> None:
    """The corrected application arrived on `on` (条例 第三十条): close the pause, restart the clock from `on`.

    Shared by the clerk's record of a correction received on paper and the applicant's answer online, so both
    restart the 20 working days the same way. The caller holds the row lock and has checked the date.
    """
    _check_move(application, Status.IN_PROGRESS)
    pause.ended_on = on
    pause.result_text = text
    pause.save(update_fields=["ended_on", "result_text"])
    _save_clock(actor, application, verb, to=Status.IN_PROGRESS, note=text)


@transaction.atomic
def application_start_consultation(
    *, actor, application: Application, on: dt.date, kind: str, party: str, text: str
) -> ClockPause:
    """条例 第三十二条、第三十四条: third party or co-making agency, 15 working days; the time is not counted."""
    application = _locked(application)
    _check_handle(actor, application)
    _check_no_live_draft(application)
    _check_date(on, "on", not_before=application.received_on)
    if kind not in (PauseKind.THIRD_PARTY, PauseKind.OTHER_AGENCY):
        raise ValidationError({"kind": _("请选择征求意见的对象类型。")})
    if not party.strip():
        raise ValidationError({"party": _("请填写征求意见的对象。")})
    _check_move(application, Status.CONSULTING)
    period = workday_calendar().add_working_days(on, clock.THIRD_PARTY_DAYS)
    respond_by = period.date
    pause = ClockPause.objects.create(
        application=application, kind=kind, started_on=on, respond_by=respond_by, consulted_party=party,
        request_text=text, created_by=actor,
    )  # fmt: skip
    written = clock.dated(respond_by, period.verified)
    _issue_letter(application, LetterKind.CONSULTATION, on, party=party, text=text, respond_by=written)
    _save_clock(actor, application, "application.consultation_start", to=Status.CONSULTING, note=party)
    # The applicant learns that the clock stopped, never who is consulted.
    applicant_notify(application, "application.consultation", key=str(pause.pk), respond_by=written)
    return pause


@transaction.atomic
def application_end_consultation(*, actor, application: Application, on: dt.date, result: str) -> Application:
    """The answer came (or the 15 days passed in silence and the agency decides, 条例 第三十二条)."""
    application = _locked(application)
    _check_handle(actor, application)
    pause = application.pauses.filter(
        kind__in=[PauseKind.THIRD_PARTY, PauseKind.OTHER_AGENCY], ended_on__isnull=True
    ).first()
    if pause is None:
        raise IllegalTransition(_("本申请没有进行中的征求意见。"))
    _check_date(on, "on", not_before=pause.started_on)
    _check_move(application, Status.IN_PROGRESS)
    pause.ended_on = on
    pause.result_text = result
    pause.save(update_fields=["ended_on", "result_text"])
    _save_clock(actor, application, "application.consultation_end", to=Status.IN_PROGRESS, note=result)
    return application


@transaction.atomic
def application_request_extension(
    *, actor, application: Application, on: dt.date, days: int, reason: str, kind: str = ExtensionKind.EXTENSION
) -> Extension:
    """A handler asks for more time; the approver decides.

    条例 第三十三条第二款: an extension is at most 20 working days in all. 条例 第三十五条: a delay for a
    reasonable but very large request is set case by case (bounded here by clock.MAX_DELAY_DAYS).
    """
    application = _locked(application)
    _check_handle(actor, application)
    if not application.is_open:
        raise IllegalTransition(_("已办结的申请不能延期。"))
    _check_date(on, "on", not_before=application.received_on)
    if kind not in ExtensionKind.values:
        raise ValidationError({"kind": _("请选择延期类型。")})
    used = sum(e.days for e in application.extensions.filter(kind=kind))
    if kind == ExtensionKind.EXTENSION and (days < 1 or used + days > clock.MAX_EXTENSION_DAYS):
        raise ValidationError(
            {"days": _("延长期限最长不得超过20个工作日，本申请已延长或申请延长%(v1)s个工作日。") % {"v1": used}}
        )
    if kind == ExtensionKind.DELAY and not 1 <= days <= clock.MAX_DELAY_DAYS:
        raise ValidationError({"days": _("延迟答复的期限应在1至60个工作日之间。")})
    if not reason.strip():
        raise ValidationError({"reason": _("请写明延期理由。")})
    if application.extensions.filter(approved_on__isnull=True).exists():
        raise ValidationError({"days": _("已有一项延期申请待批准。")})
    extension = Extension.objects.create(
        application=application, kind=kind, days=days, reason=reason, requested_by=actor, requested_on=on
    )
    audit_record(
        actor=actor, verb="application.extension_request", obj=application, agency=application.agency_id,
        after={"kind": kind, "days": days, "reason": reason},
    )  # fmt: skip
    return extension


@transaction.atomic
def application_approve_extension(*, actor, extension: Extension, on: dt.date) -> Extension:
    application = _locked(extension.application)
    if not application_can_approve(actor, application):
        raise AccessDenied(_("延期答复须经政府信息公开工作机构负责人（终审人）同意。"))
    if extension.approved_on:
        raise IllegalTransition(_("该延期已经批准。"))
    if not application.is_open:
        raise IllegalTransition(_("已办结的申请不能延期。"))
    _check_date(on, "on", not_before=extension.requested_on)
    extension.approved_by = actor
    extension.approved_on = on
    extension.save(update_fields=["approved_by", "approved_on"])
    fields = _clock_fields(application, application.status)
    due = clock.dated(fields["due_on"], fields["due_verified"], missing="计时恢复后重新计算的期限")
    letter = LetterKind.DELAY if extension.kind == ExtensionKind.DELAY else LetterKind.EXTENSION
    _issue_letter(application, letter, on, days=extension.days, text=extension.reason, due=due)
    _save_clock(actor, application, "application.extension_approve", note=extension.reason)
    applicant_notify(application, "application.extension", key=str(extension.pk), days=extension.days, due=due)
    return extension
