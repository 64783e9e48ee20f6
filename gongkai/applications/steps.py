"""Where a case stands in the order of the work, and which replies need the approver's sign-off.

The order of the work on a case: 受理 (registered, 条例 第三十一条) → 分办 (a handler assigned) → 办理 (correction
第三十条, consultation 第三十二条, extension 第三十三条, fee 第四十二条, as needed) → 拟办 (the handler drafts the
reply) → 签发 (the approver signs it, where the agency requires) → 出具 (the reply letter, 第三十六条) → 送达
(delivery recorded). The case page shows the current step first; `case_steps` gives the whole line with each step's
state, which the page draws as a progress bar.

Sign-off is internal control, not a rule of the Regulations: each agency says which outcome families its
approver must sign (`SignOffSetting`); without a setting the default applies (everything but 予以公开).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from gongkai.applications.letters import outcome_group
from gongkai.applications.models import (
    DEFAULT_SIGN_OFF_GROUPS,
    LIVE_DRAFT_STATES,
    SIGN_OFF_GROUPS,
    Application,
    DraftState,
    ReplyDraft,
    SignOffSetting,
    Status,
)


def sign_off_groups(agency) -> frozenset[str]:
    """The outcome families this agency's approver signs before the reply is issued (the default if unset)."""
    setting = SignOffSetting.objects.filter(agency=agency).first()
    if setting is None:
        return DEFAULT_SIGN_OFF_GROUPS
    known = {key for key, _label in SIGN_OFF_GROUPS}
    return frozenset(g for g in setting.outcome_groups if g in known)


def sign_off_required(agency, outcome: str) -> bool:
    return outcome_group(outcome) in sign_off_groups(agency)


def current_draft(application: Application) -> ReplyDraft | None:
    """The newest draft of an open case, live or returned (a returned one tells the handler why); None if none.

    Read from `application.drafts.all()`, so a page that prefetched the drafts (the case page) asks nothing more.
    """
    if not application.is_open:
        return None
    draft = max(application.drafts.all(), key=lambda d: (d.drafted_at, d.pk), default=None)
    if draft is None or draft.state not in (*LIVE_DRAFT_STATES, DraftState.RETURNED):
        return None
    return draft


def live_draft(application: Application) -> ReplyDraft | None:
    draft = current_draft(application)
    return draft if draft is not None and draft.is_live else None


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    state: str  # "done", "current", "todo" or "skipped"


STEP_LABELS = [
    ("accept", _("受理")),
    ("assign", _("分办")),
    ("handle", _("办理")),
    ("draft", _("拟办")),
    ("sign", _("签发")),
    ("issue", _("出具答复")),
    ("deliver", _("送达")),
]


def current_step(application: Application, draft: ReplyDraft | None = None) -> str:
    """The key of the step the case waits at (see STEP_LABELS); "done" once the reply is delivered."""
    if not application.is_open:
        undelivered = any(x.kind == "reply" and x.delivered_on is None for x in application.letters.all())
        return "deliver" if undelivered else "done"
    # A case someone already works on (paused, or drafted) is past 分办 even when nobody was named its handler.
    if application.status != Status.IN_PROGRESS:
        return "handle"
    if draft is None or not draft.is_live:
        return "assign" if application.handler_id is None and draft is None else "draft"
    if draft.state == DraftState.AWAITING_SIGN_OFF:
        return "sign"
    return "issue"


def case_steps(application: Application, draft: ReplyDraft | None = None) -> list[Step]:
    """Every step with its state: done before the current one, to do after; 签发 skipped where not needed."""
    now = current_step(application, draft)
    keys = [key for key, _label in STEP_LABELS]
    position = len(keys) if now == "done" else keys.index(now)
    signed_or_skipped = _sign_off_state(application, draft)
    steps = []
    for index, (key, label) in enumerate(STEP_LABELS):
        state = "done" if index < position else "current" if index == position else "todo"
        if key == "sign" and state == "done" and signed_or_skipped == "skipped":
            state = "skipped"
        if key == "assign" and state == "done" and application.handler_id is None:
            state = "skipped"
        steps.append(Step(key, str(label), state))
    return steps


def _sign_off_state(application: Application, draft: ReplyDraft | None) -> str:
    if draft is not None:
        return "skipped" if not draft.needs_sign_off else "done"
    issued = max(
        (d for d in application.drafts.all() if d.state == DraftState.ISSUED), key=lambda d: d.pk, default=None
    )
    return "done" if issued is not None and issued.needs_sign_off else "skipped"
