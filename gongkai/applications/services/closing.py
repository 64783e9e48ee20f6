"""Endings: the reply with its outcome, lapses, withdrawal; and the due-soon / overdue scan."""

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.applications import clock
from gongkai.applications.letters import OUTCOME_REASONS, outcome_group
from gongkai.applications.models import (
    LIVE_DRAFT_STATES,
    OUTCOME_TABLE,
    Application,
    DraftState,
    LetterKind,
    Outcome,
    PauseKind,
    ReplyDraft,
    Status,
)
from gongkai.applications.notify import applicant_notify, letter_url
from gongkai.applications.services.base import (
    _check_date,
    _check_handle,
    _check_move,
    _day,
    _locked,
    _open_pause,
    _save_clock,
    application_deadline,
)
from gongkai.applications.services.correspondence import _issue_letter
from gongkai.applications.services.drafting import check_reply
from gongkai.applications.services.intake import topic_get_or_create
from gongkai.applications.services.online import reply_files_add
from gongkai.applications.steps import live_draft, sign_off_required
from gongkai.audit.services import audited_update
from gongkai.core.dates import chinese_date
from gongkai.core.errors import IllegalTransition
from gongkai.core.pagecache import note_change
from gongkai.workdays.selectors import workday_calendar


# ------------------------------------------------------------------------------------------ endings
def _close(actor, application: Application, *, outcome: str, detail: str, on: dt.date, verb: str) -> Application:
    _check_move(application, Status.CLOSED)
    for pause in application.pauses.filter(ended_on__isnull=True):
        pause.ended_on = on
        pause.save(update_fields=["ended_on"])
    # A draft still pending when the case ends otherwise (withdrawal, a lapse) is void, not left waiting.
    application.drafts.filter(state__in=LIVE_DRAFT_STATES).update(state=DraftState.WITHDRAWN)
    _save_clock(
        actor, application, verb, to=Status.CLOSED, note=detail,
        also={"outcome": outcome, "outcome_detail": detail, "closed_on": on},
    )  # fmt: skip
    reason = OUTCOME_REASONS.get(outcome, "")
    letter = _issue_letter(
        application, LetterKind.REPLY, on, outcome_group(outcome), basis=OUTCOME_TABLE[outcome][1],
        outcome_reason=reason, detail=detail,
    )  # fmt: skip
    applicant_notify(
        application, "application.reply", outcome=Outcome(outcome).label, letter_url=letter_url(application, letter)
    )  # the tracking link (track_url) leads to the letter and to any files issued with it
    return application


def _issue(
    actor, application: Application, *, outcome: str, detail: str, on: dt.date, topics, draft,
    disclosed_files: Sequence = (), redacted_files: Sequence = (),
) -> Application:  # fmt: skip
    check_reply(application, outcome, detail)
    _check_date(on, "on", not_before=application.received_on)
    if draft is not None and draft.needs_sign_off and (disclosed_files or redacted_files):
        # What the approver signed is what goes out: the files come with the draft, not after the signature.
        raise ValidationError(
            {"disclosed_files": _("须经签发的答复，随答复提供的文件应在拟办时上传，由审批人一并审阅后签发。")}
        )
    if topics is not None:
        application.topics.set(topic_get_or_create(name) for name in topics if name.strip())
    if draft is not None:
        draft.state = DraftState.ISSUED
        draft.save(update_fields=["state"])
    _close(actor, application, outcome=outcome, detail=detail, on=on, verb="application.reply")
    # The information itself goes with the reply letter (条例 第三十六条、第三十七条); the tracking page serves it.
    letter = application.letters.filter(kind=LetterKind.REPLY).latest("pk")  # the one _close just issued
    if draft is not None:
        for proposed in draft.files.all():  # saved one by one: each save renews the tracking page's version
            proposed.letter = letter
            proposed.save(update_fields=["letter"])
    reply_files_add(
        actor=actor, application=application, letter=letter, outcome=outcome, disclosed=disclosed_files,
        redacted=redacted_files,
    )  # fmt: skip
    return application


def _refuse_unsigned(application: Application, draft: ReplyDraft | None, outcome: str) -> None:
    """Internal control: an outcome the agency's setting names goes out only once the approver has signed it."""
    needs = sign_off_required(application.agency, outcome) or (draft is not None and draft.needs_sign_off)
    if needs and (draft is None or draft.state != DraftState.SIGNED):
        raise IllegalTransition(
            _("“%(v1)s”的答复须经审批人签发后才能出具：请先拟办，待审批人签发。") % {"v1": Outcome(outcome).label}
        )


@transaction.atomic
def application_issue_reply(
    *, actor, application: Application, on: dt.date, disclosed_files: Sequence = (), redacted_files: Sequence = ()
) -> Application:
    """出具答复 (条例 第三十六条): the current draft becomes the reply letter, once signed where sign-off is required."""
    application = _locked(application)
    _check_handle(actor, application)
    draft = live_draft(application)
    if draft is None:
        raise IllegalTransition(_("请先拟办答复。"))
    _refuse_unsigned(application, draft, draft.outcome)
    return _issue(actor, application, outcome=draft.outcome, detail=draft.detail, on=on, topics=draft.topics or None,
                  draft=draft, disclosed_files=disclosed_files, redacted_files=redacted_files)  # fmt: skip


@transaction.atomic
def application_reply(
    *,
    actor,
    application: Application,
    outcome: str,
    detail: str,
    on: dt.date,
    topics: list[str] | None = None,
    disclosed_files: Sequence = (),
    redacted_files: Sequence = (),
) -> Application:
    """答复 (条例 第三十六条) in one call: an outcome from the 2021 table, with its legal basis and remedies.

    For an outcome the agency's approver must sign, only the signed draft of that outcome and text may be issued
    (the case page drafts, signs and issues in steps; this is the same rule for scripts and the demo data).
    """
    application = _locked(application)
    _check_handle(actor, application)
    draft = live_draft(application)
    if draft is not None and (draft.outcome, draft.detail.strip()) != (outcome, detail.strip()):
        raise IllegalTransition(_("本申请已有不同内容的拟办答复，请先撤回。"))
    _refuse_unsigned(application, draft, outcome)
    return _issue(
        actor, application, outcome=outcome, detail=detail, on=on, topics=topics, draft=draft,
        disclosed_files=disclosed_files, redacted_files=redacted_files,
    )  # fmt: skip


@transaction.atomic
def application_close_without_correction(*, actor, application: Application, on: dt.date) -> Application:
    """条例 第三十条: no correction within the period and no good reason; the application is deemed abandoned."""
    application = _locked(application)
    _check_handle(actor, application)
    pause = _open_pause(application, PauseKind.CORRECTION)
    if pause is None:
        raise IllegalTransition(_("本申请没有等待中的补正。"))
    _check_date(on, "on")
    if pause.respond_by and on <= pause.respond_by:
        raise ValidationError(
            {"on": _("补正期限到%(v1)s为止，期限届满后才能终止办理。") % {"v1": _day(pause.respond_by)}}
        )
    return _close(
        actor, application, outcome=Outcome.OTHER_NO_CORRECTION, on=on, verb="application.correction_lapse",
        detail=f"本机关于{chinese_date(pause.started_on)}告知补正，"
        + (f"补正期限至{chinese_date(pause.respond_by)}，" if pause.respond_by else "")
        + "申请人逾期未补正。",
    )  # fmt: skip


@transaction.atomic
def application_close_fee_unpaid(*, actor, application: Application, on: dt.date) -> Application:
    """国办函〔2020〕109号: not paid within 20 working days; the application is deemed abandoned."""
    application = _locked(application)
    _check_handle(actor, application)
    fee = application.fees.filter(paid_on__isnull=True).first()
    if fee is None or application.status != Status.AWAITING_FEE:
        raise IllegalTransition(_("本申请没有待缴的信息处理费。"))
    _check_date(on, "on")
    if on <= fee.pay_by:
        raise ValidationError({"on": _("缴费期限到%(v1)s为止，期限届满后才能终止办理。") % {"v1": _day(fee.pay_by)}})
    return _close(
        actor, application, outcome=Outcome.OTHER_FEE_UNPAID, on=on, verb="application.fee_lapse",
        detail=f"本机关于{chinese_date(fee.notified_on)}发出收费通知，申请人逾期未缴纳{fee.amount}元。",
    )  # fmt: skip


@transaction.atomic
def application_withdraw(*, actor, application: Application, on: dt.date, reason: str) -> Application:
    """The applicant withdrew: 其他处理 / 其他 (spec §2.5)."""
    application = _locked(application)
    _check_handle(actor, application)
    _check_date(on, "on", not_before=application.received_on)
    if not reason.strip():
        raise ValidationError({"reason": _("请写明撤回的方式和日期（如：申请人来电撤回）。")})
    return _close(
        actor,
        application,
        outcome=Outcome.OTHER,
        on=on,
        verb="application.withdraw",
        detail=f"申请人撤回申请：{reason}",
    )


# ------------------------------------------------------------------------------------------ alerts
def application_deadlines_recheck() -> int:
    """Recount the reply deadline of open cases whose deadline was counted over a year whose holidays were not yet
    verified: once an administrator records that year's notice (or the package learns it), the date moves to
    where the official holidays put it and the flag clears. Returns how many cases changed; each change is an
    audit event. Safe to run twice (an unchanged deadline writes nothing).
    """
    calendar = workday_calendar()
    changed = 0
    open_cases = Application.objects.exclude(status=Status.CLOSED).filter(due_verified=False, due_on__isnull=False)
    for application in open_cases.select_related("agency"):
        if application.due_on and not clock.span_verified(calendar, application.received_on, application.due_on):
            continue  # still counted over an unknown year: nothing to learn yet, and no need to read its pauses
        deadline = application_deadline(application, calendar)
        if (deadline.date, deadline.verified) == (application.due_on, application.due_verified):
            continue
        note = _("按核实后的节假日安排重新计算答复期限：%(v1)s。") % {
            "v1": _day(deadline.date) if deadline.date else "—"
        }
        changed += audited_update(
            application, actor=None, verb="application.deadline_recheck",
            changes={"due_on": deadline.date, "due_verified": deadline.verified}, agency=application.agency_id,
            note=note, validate=False,
        )  # fmt: skip
    return changed


def application_alerts_scan(*, today: dt.date) -> list[tuple[Application, str]]:
    """Mark due-soon and overdue cases; returns only the cases whose state changed (so a rerun notifies nobody).

    Compare-and-set: a case moves only if it still holds the state read, so two runs at once cannot both notify.
    """
    calendar = workday_calendar()
    changed = []
    touched = set()
    open_cases = Application.objects.exclude(status=Status.CLOSED).filter(due_on__isnull=False)
    for application in open_cases.select_related("agency", "handler"):
        state = clock.alert_state(calendar, application.due_on, today)
        if state == application.alert_state:
            continue
        moved = Application.objects.filter(pk=application.pk, alert_state=application.alert_state).update(
            alert_state=state
        )
        if moved:
            touched.add(application.agency_id)
        if moved and state:
            application.alert_state = state
            changed.append((application, state))
    # Not audited (a state derived from the due date), but the to-do counts read it (gongkai.inbox.counts).
    for agency_id in sorted(touched):
        note_change(agency_id, "application.alert_state")
    return changed
