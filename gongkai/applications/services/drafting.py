"""拟办 and 签发: the handler drafts the reply, the approver signs it or returns it; the agency's sign-off setting.

Sign-off is the agency's internal control, not a rule of the Regulations: 条例 第三十六条 says what a reply must
contain, and the agency decides (`SignOffSetting`) which outcomes its approver (the head of the disclosure office,
Role.APPROVER) signs before the reply is issued. A draft is decided once; a returned draft carries the approver's
comment and stays as history, and the handler drafts again. Nobody signs their own draft.
"""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.applications.access import application_can_approve, sign_off_can_configure
from gongkai.applications.models import (
    DRAFT_TRANSITIONS,
    SIGN_OFF_GROUPS,
    Application,
    DraftState,
    Outcome,
    PauseKind,
    ReplyDraft,
    SignOffSetting,
    Status,
)
from gongkai.applications.services.base import _check_handle, _locked
from gongkai.applications.services.online import reply_files_add
from gongkai.applications.steps import live_draft, sign_off_groups, sign_off_required
from gongkai.audit.services import audit_record
from gongkai.core.errors import AccessDenied, IllegalTransition

# Outcomes a reply may choose; the three 其他处理 endings have their own services (closing.py).
REPLY_OUTCOMES = [o for o in Outcome.values if not o.startswith("other")]


def check_reply(application: Application, outcome: str, detail: str) -> None:
    """What every reply must satisfy (条例 第三十六条), checked when it is drafted and again when it is issued."""
    if outcome not in REPLY_OUTCOMES:
        raise ValidationError({"outcome": _("请选择办理结果。")})
    if application.status != Status.IN_PROGRESS:
        raise IllegalTransition(
            _("申请当前状态为“%(v1)s”，须先结束补正、征求意见或缴费等待后才能答复。")
            % {"v1": Status(application.status).label}
        )
    if outcome != Outcome.DISCLOSED and not detail.strip():
        raise ValidationError({"detail": _("除予以公开外，答复须写明理由。")})
    if outcome == Outcome.UNAVAILABLE_UNCLEAR and not application.pauses.filter(kind=PauseKind.CORRECTION).exists():
        raise ValidationError({"outcome": _("“补正后申请内容仍不明确”只适用于已经补正过的申请。")})


def _draft_audit(actor, application: Application, draft: ReplyDraft, verb: str, before: str, note: str = "") -> None:
    audit_record(
        actor=actor, verb=verb, obj=application, agency=application.agency_id, note=note,
        before={"draft": draft.pk, "draft_state": before},
        after={"draft": draft.pk, "draft_state": draft.state, "outcome": draft.outcome},
    )  # fmt: skip


def _decide(draft: ReplyDraft, to: str, *, actor, comment: str = "") -> str:
    """Move the draft (checked against DRAFT_TRANSITIONS) and return the state it left."""
    before = draft.state
    DRAFT_TRANSITIONS.check(draft, to, field="state")
    draft.state = to
    fields = ["state"]
    if to in (DraftState.SIGNED, DraftState.RETURNED):
        draft.decided_by, draft.decided_at, draft.comment = actor, timezone.now(), comment
        fields += ["decided_by", "decided_at", "comment"]
    draft.save(update_fields=fields)
    return before


@transaction.atomic
def application_draft_reply(
    *,
    actor,
    application: Application,
    outcome: str,
    detail: str,
    topics: list[str] | None = None,
    disclosed_files: Sequence = (),
    redacted_files: Sequence = (),
) -> ReplyDraft:
    """拟办: the handler's proposed reply, with the files of information it would release (条例 第三十六条,
    and for 部分公开 the redacted versions of 第三十七条), so that the approver signs what goes out. It waits for
    sign-off when the agency's setting requires it."""
    application = _locked(application)
    _check_handle(actor, application)
    check_reply(application, outcome, detail)
    if live_draft(application) is not None:
        raise IllegalTransition(_("本申请已有拟办答复，请先撤回后再重新拟办。"))
    needs = sign_off_required(application.agency, outcome)
    draft = ReplyDraft.objects.create(
        application=application, outcome=outcome, detail=detail, topics=[t for t in topics or [] if t.strip()],
        needs_sign_off=needs, state=DraftState.AWAITING_SIGN_OFF if needs else DraftState.READY,
        drafted_by=actor, drafted_at=timezone.now(),
    )  # fmt: skip
    _draft_audit(actor, application, draft, "application.draft", "", note=detail)
    reply_files_add(
        actor=actor, application=application, draft=draft, outcome=outcome, disclosed=disclosed_files,
        redacted=redacted_files,
    )  # fmt: skip
    return draft


def _waiting_draft(actor, application: Application) -> ReplyDraft:
    if not application_can_approve(actor, application):
        raise AccessDenied(_("答复须由本机关的审批人签发。"))
    draft = live_draft(application)
    if draft is None or draft.state != DraftState.AWAITING_SIGN_OFF:
        raise IllegalTransition(_("本申请没有等待签发的拟办答复。"))
    if draft.drafted_by_id == actor.pk:
        raise AccessDenied(_("拟办人不能签发自己拟办的答复。"))
    return draft


@transaction.atomic
def application_sign_reply(*, actor, application: Application, comment: str = "") -> ReplyDraft:
    """签发: the approver agrees to the draft; the handler may then issue it."""
    application = _locked(application)
    draft = _waiting_draft(actor, application)
    before = _decide(draft, DraftState.SIGNED, actor=actor, comment=comment.strip())
    _draft_audit(actor, application, draft, "application.sign_off", before, note=comment.strip())
    return draft


@transaction.atomic
def application_return_reply(*, actor, application: Application, comment: str) -> ReplyDraft:
    """退回: the approver sends the draft back with a comment the handler reads; the handler drafts again."""
    application = _locked(application)
    draft = _waiting_draft(actor, application)
    if not comment.strip():
        raise ValidationError({"comment": _("退回修改须写明意见。")})
    before = _decide(draft, DraftState.RETURNED, actor=actor, comment=comment.strip())
    _draft_audit(actor, application, draft, "application.draft_return", before, note=comment.strip())
    return draft


@transaction.atomic
def application_withdraw_draft(*, actor, application: Application) -> ReplyDraft:
    """The handler takes a draft back (to handle the case further, or to draft it differently)."""
    application = _locked(application)
    _check_handle(actor, application)
    draft = live_draft(application)
    if draft is None:
        raise IllegalTransition(_("本申请没有可撤回的拟办答复。"))
    before = _decide(draft, DraftState.WITHDRAWN, actor=actor)
    _draft_audit(actor, application, draft, "application.draft_withdraw", before)
    return draft


@transaction.atomic
def sign_off_setting_save(*, actor, agency: Agency, outcome_groups: list[str]) -> SignOffSetting:
    """The agency's choice of which reply outcomes its approver signs; later drafts follow it."""
    if not sign_off_can_configure(actor, agency):
        raise AccessDenied(_("只有本机关的管理员可以修改答复签发设置。"))
    known = [key for key, _label in SIGN_OFF_GROUPS]
    unknown = [g for g in outcome_groups if g not in known]
    if unknown:
        raise ValidationError({"outcome_groups": _("未知的办理结果：%(v1)s") % {"v1": "、".join(unknown)}})
    before = sorted(sign_off_groups(agency))
    chosen = [key for key in known if key in outcome_groups]
    setting, _created = SignOffSetting.objects.update_or_create(agency=agency, defaults={"outcome_groups": chosen})
    audit_record(
        actor=actor, verb="sign_off_setting.save", obj=setting, agency=agency.pk,
        object_repr=str(_("答复签发设置")), before={"outcome_groups": before}, after={"outcome_groups": sorted(chosen)},
    )  # fmt: skip
    return setting
