"""Every change to supervision records: validated, access-checked, saved and audited in one transaction."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.audit.services import audit_record, audited_update, snapshot
from gongkai.core.errors import AccessDenied
from gongkai.core.workflow import move
from gongkai.supervision.access import agency_can_record, inspection_can_manage, problem_can_rectify
from gongkai.supervision.models import (
    PROBLEM_TRANSITIONS,
    FollowerCount,
    Inspection,
    InspectionProblem,
    NewMediaAccount,
    Platform,
    ProblemStatus,
    TrainingSession,
)


def _require_recorder(actor, agency: Agency) -> None:
    # actor None is the system (demo loader, imports run by an operator from the shell).
    if actor is not None and not agency_can_record(actor, agency):
        raise AccessDenied(_("您没有在该机关登记监督信息的权限。"))


def _full_clean(obj, exclude=None) -> None:
    obj.full_clean(exclude=exclude)


# ------------------------------------------------------------------------------------------- new media
def new_media_account_create(
    *, actor, agency: Agency, platform: str, name: str, handle: str = "", url: str = ""
) -> NewMediaAccount:
    _require_recorder(actor, agency)
    with transaction.atomic():
        account = NewMediaAccount(agency=agency, platform=platform, name=name.strip(), handle=handle.strip(), url=url)
        _full_clean(account)
        account.save()
        audit_record(actor=actor, verb="new_media_account.create", obj=account, agency=agency, after=snapshot(account))
    return account


def new_media_account_update(*, actor, account: NewMediaAccount, **fields) -> NewMediaAccount:
    _require_recorder(actor, account.agency)
    changes = {name: fields[name] for name in ("platform", "name", "handle", "url", "is_active") if name in fields}
    with transaction.atomic():
        audited_update(account, actor=actor, verb="new_media_account.update", changes=changes, always=True)
    return account


def _refresh_last_updated(account: NewMediaAccount) -> None:
    latest = None
    for recorded_on, last_post_on in account.follower_counts.values_list("recorded_on", "last_post_on"):
        day = last_post_on or recorded_on
        latest = day if latest is None or day > latest else latest
    NewMediaAccount.objects.filter(pk=account.pk).update(last_updated_on=latest)
    account.last_updated_on = latest


def follower_count_record(
    *, actor, account: NewMediaAccount, recorded_on: dt.date, followers: int, last_post_on: dt.date | None = None
) -> FollowerCount:
    """Record (or correct) the account's count on a date; one count per account and date."""
    _require_recorder(actor, account.agency)
    errors = {}
    if recorded_on > timezone.localdate():
        errors["recorded_on"] = _("统计日期不能晚于今天。")
    if last_post_on and last_post_on > recorded_on:
        errors["last_post_on"] = _("最近发布日期不能晚于统计日期。")
    if followers is None or followers < 0:
        errors["followers"] = _("关注/订阅数应为非负整数。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        count = FollowerCount.objects.filter(account=account, recorded_on=recorded_on).first()
        before = snapshot(count) if count else None
        if count is None:
            count = FollowerCount(account=account, recorded_on=recorded_on)
        count.followers, count.last_post_on = followers, last_post_on
        _full_clean(count, exclude=["account"])
        count.save()
        _refresh_last_updated(account)
        audit_record(
            actor=actor,
            verb="follower_count.record",
            obj=count,
            agency=account.agency_id,
            before=before,
            after=snapshot(count),
        )
    return count


@dataclass(frozen=True)
class ImportRow:
    line: int
    platform: str
    name: str
    recorded_on: dt.date
    followers: int
    last_post_on: dt.date | None


def follower_counts_import(*, actor, agency: Agency, rows: list[ImportRow]) -> int:
    """Import parsed rows for the agency's accounts, all or nothing; rows name accounts by platform and name.

    Every problem is collected and reported by line, so the clerk can fix the file in one go.
    """
    _require_recorder(actor, agency)
    accounts = {(a.platform, a.name): a for a in NewMediaAccount.objects.filter(agency=agency)}
    problems = []
    for row in rows:
        if (row.platform, row.name) not in accounts:
            problems.append(
                _("第%(line)d行：本机关没有%(platform)s账号“%(name)s”，请先登记该账号。")
                % {"line": row.line, "platform": Platform(row.platform).label, "name": row.name}
            )
    if not rows:
        problems.append(_("文件中没有数据行。"))
    if problems:
        raise ValidationError({"file": problems})
    with transaction.atomic():
        for row in rows:
            try:
                follower_count_record(
                    actor=actor,
                    account=accounts[(row.platform, row.name)],
                    recorded_on=row.recorded_on,
                    followers=row.followers,
                    last_post_on=row.last_post_on,
                )
            except ValidationError as exc:
                messages = [m for ms in exc.message_dict.values() for m in ms]
                raise ValidationError(
                    {"file": [_("第%(line)d行：%(error)s") % {"line": row.line, "error": m} for m in messages]}
                ) from exc
    return len(rows)


# -------------------------------------------------------------------------------------------- training
def training_session_create(
    *, actor, agency: Agency, held_on: dt.date, topic: str, audience: str, trained_count: int
) -> TrainingSession:
    _require_recorder(actor, agency)
    with transaction.atomic():
        session = TrainingSession(
            agency=agency, held_on=held_on, topic=topic.strip(), audience=audience.strip(), trained_count=trained_count
        )
        _full_clean(session)
        if held_on > timezone.localdate():
            raise ValidationError({"held_on": _("只登记已经举办的培训，举办日期不能晚于今天。")})
        session.save()
        audit_record(actor=actor, verb="training_session.create", obj=session, agency=agency, after=snapshot(session))
    return session


def training_session_update(
    *, actor, session: TrainingSession, held_on: dt.date, topic: str, audience: str, trained_count: int
) -> TrainingSession:
    """Correct a recorded session (a typo, the number trained)."""
    _require_recorder(actor, session.agency)
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("只登记已经举办的培训，举办日期不能晚于今天。")})
    changes = {"held_on": held_on, "topic": topic.strip(), "audience": audience.strip(), "trained_count": trained_count}
    with transaction.atomic():
        audited_update(session, actor=actor, verb="training_session.update", changes=changes, always=True)
    return session


# ------------------------------------------------------------------------------------------ inspections
def inspection_create(*, actor, agency: Agency, title: str, inspected_on: dt.date, scope: str = "") -> Inspection:
    _require_recorder(actor, agency)
    with transaction.atomic():
        inspection = Inspection(agency=agency, title=title.strip(), inspected_on=inspected_on, scope=scope)
        _full_clean(inspection)
        inspection.save()
        audit_record(actor=actor, verb="inspection.create", obj=inspection, agency=agency, after=snapshot(inspection))
    return inspection


def inspection_problem_record(
    *,
    actor,
    inspection: Inspection,
    responsible_agency: Agency,
    target_kind: str,
    target: str,
    category: str,
    description: str,
    deadline: dt.date,
) -> InspectionProblem:
    """A problem found by the inspection. The responsible agency must be below the inspecting agency."""
    if actor is not None and not inspection_can_manage(actor, inspection):
        raise AccessDenied(_("只有检查机关的工作人员可以登记检查发现的问题。"))
    if not (responsible_agency.is_descendant_of(inspection.agency) and responsible_agency.pk != inspection.agency_id):
        raise ValidationError({"responsible_agency": _("责任机关应为检查机关的下级机关。")})
    if deadline < inspection.inspected_on:
        raise ValidationError({"deadline": _("整改期限不能早于检查日期。")})
    with transaction.atomic():
        problem = InspectionProblem(
            inspection=inspection,
            responsible_agency=responsible_agency,
            target_kind=target_kind,
            target=target.strip(),
            category=category,
            description=description.strip(),
            deadline=deadline,
        )
        _full_clean(problem)
        problem.save()
        audit_record(
            actor=actor,
            verb="inspection_problem.record",
            obj=problem,
            agency=responsible_agency,
            after=snapshot(problem),
        )
    return problem


# Which note each move fills in and who may make it.
_MOVES = {
    ProblemStatus.VERIFIED: ("verification_note", "manage", "inspection_problem.verify"),
    ProblemStatus.DISMISSED: ("verification_note", "manage", "inspection_problem.dismiss"),
    ProblemStatus.FED_BACK: ("feedback_note", "manage", "inspection_problem.feed_back"),
    ProblemStatus.RECTIFIED: ("rectification_note", "rectify", "inspection_problem.rectify"),
    ProblemStatus.CLOSED: ("closing_note", "manage", "inspection_problem.close"),
}


def inspection_problem_move(
    *, actor, problem: InspectionProblem, status: str, note: str, on: dt.date | None = None
) -> InspectionProblem:
    """Move a problem along verification → feedback → rectification → closed (or dismiss, or send back).

    `on` is the date the step happened (today unless recorded afterwards); it is the closing date on closing.
    """
    problem = InspectionProblem.objects.select_related("inspection__agency", "responsible_agency").get(pk=problem.pk)
    status = ProblemStatus(status)
    PROBLEM_TRANSITIONS.check(problem, status)  # before the table below, which names only the legal targets
    field, who, verb = _MOVES[status]
    allowed = (
        inspection_can_manage(actor, problem.inspection) if who == "manage" else problem_can_rectify(actor, problem)
    )
    if actor is not None and not allowed:
        raise AccessDenied(_("您不能对该问题执行这一步。"))
    if not note.strip():
        raise ValidationError({"note": _("请填写说明（核实情况、反馈意见、整改情况或验收意见）。")})
    if status == ProblemStatus.FED_BACK and problem.status == ProblemStatus.RECTIFIED:
        verb = "inspection_problem.reopen"  # the rectification was not accepted: back to the responsible agency
    also: dict[str, Any] = {field: note.strip()}
    if status == ProblemStatus.CLOSED:
        also["closed_on"] = on or timezone.localdate()
    with transaction.atomic():
        move(
            problem, status, transitions=PROBLEM_TRANSITIONS, actor=actor, verb=verb, also=also,
            agency=problem.responsible_agency_id,
        )  # fmt: skip
    return problem
