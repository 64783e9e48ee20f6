"""三审三校: review before publishing (spec §4.4), publication, withdrawal and the validity life cycle.

"先审后发、谁发布谁负责": an item moves through its agency's review chain (default 初审 → 复审 → 终审), each step
done by a different person from the author and from the earlier reviewers of the same round, each recording
a proofreading sign-off (校对). Open findings of the automatic checks block every step.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.accounts.access import user_has_role
from gongkai.audit.services import audit_record, audited_update
from gongkai.catalogue import search
from gongkai.catalogue.access import EDITOR_ROLES, item_can_review, item_can_withdraw
from gongkai.catalogue.models import (
    DEFAULT_REVIEW_CHAIN,
    ITEM_TRANSITIONS,
    PERSONAL_DATA_KINDS,
    CatalogueSettings,
    DocumentType,
    Finding,
    IndexSequence,
    Item,
    ItemStatus,
    ReviewDecision,
    ReviewRecord,
    ReviewStep,
    Validity,
    check_item_transition,
    format_index_number,
)
from gongkai.catalogue.services.checks import item_check
from gongkai.catalogue.tasks import publish_at_its_time
from gongkai.core.errors import AccessDenied, IllegalTransition
from gongkai.core.workflow import move


def review_chain_of(agency) -> list[list[str]]:
    steps = list(ReviewStep.objects.filter(agency=agency).order_by("position").values_list("name", "role"))
    return [list(s) for s in steps] or [list(s) for s in DEFAULT_REVIEW_CHAIN]


def _move(item: Item, to: str, *, actor, verb: str, also=None, note: str = "") -> Item:
    """Move the item along ITEM_TRANSITIONS, saving the status (and `also`) with one audit event."""
    move(item, to, transitions=ITEM_TRANSITIONS, actor=actor, verb=verb, also=also, agency=item.agency, note=note)
    return item


def _locked(item: Item) -> Item:
    return Item.objects.select_for_update().select_related("agency").get(pk=item.pk)


def _block_on_findings(item: Item) -> None:
    findings = item_check(actor=None, item=item, record=False)
    open_ones = [f for f in findings if f.is_open]
    if open_ones:
        raise ValidationError(
            _("自动检查发现 {count} 个问题尚未处理：{first}。请修改，或由审核人注明理由后忽略。").format(
                count=len(open_ones), first=open_ones[0]
            )
        )


def _reviewers_this_round(item: Item) -> set[int]:
    """Who already acted in the current review round (since the last submission)."""
    last_submit = item.reviews.filter(decision=ReviewDecision.SUBMIT).order_by("-id").first()
    records = item.reviews.filter(decision=ReviewDecision.APPROVE)
    if last_submit is not None:
        records = records.filter(id__gt=last_submit.id)
    return set(records.values_list("reviewer_id", flat=True))


def item_submit(*, actor, item: Item) -> Item:
    """Draft → first review step. The chain is fixed on the item now, so later configuration changes don't
    move items already in review."""
    if actor is not None and not user_has_role(actor, item.agency, *EDITOR_ROLES):
        raise AccessDenied(_("您不能提交该条目。"))
    with transaction.atomic():
        item = _locked(item)
        check_item_transition(item.status, ItemStatus.IN_REVIEW)
        _block_on_findings(item)
        _move(
            item,
            ItemStatus.IN_REVIEW,
            actor=actor,
            verb="catalogue.item_submit",
            also={"review_chain": review_chain_of(item.agency), "review_position": 0},
        )
        ReviewRecord.objects.create(
            item=item, version_number=item.version, reviewer=actor, decision=ReviewDecision.SUBMIT, step_name=_("提交")
        )
    return item


def item_approve(*, actor, item: Item, proofread: bool, comment: str = "") -> Item:
    """Pass the current review step; the last step publishes the item (or schedules it for publish_at)."""
    with transaction.atomic():
        item = _locked(item)
        step = item.current_step()
        if step is None:
            check_item_transition(item.status, ItemStatus.IN_REVIEW)
            raise IllegalTransition(_("该条目不在审核中。"))
        if actor is not None and not item_can_review(actor, item):
            raise AccessDenied(_("该步骤（{step}）需要其他角色审核。").format(step=step[0]))
        if actor is not None and actor.pk == item.created_by_id:
            raise ValidationError(_("起草人不能审核自己起草的条目。"))
        if actor is not None and actor.pk in _reviewers_this_round(item):
            raise ValidationError(_("每个审核步骤须由不同的人完成，您已审核过本条目。"))
        if not proofread:
            raise ValidationError({"proofread": _("请确认已完成校对（三校）后再通过。")})
        _block_on_findings(item)
        ReviewRecord.objects.create(
            item=item,
            version_number=item.version,
            step_position=item.review_position,
            step_name=step[0],
            reviewer=actor,
            decision=ReviewDecision.APPROVE,
            comment=(comment or "").strip(),
            proofread=True,
        )
        if not item.is_last_step():
            check_item_transition(item.status, ItemStatus.IN_REVIEW)
            item.review_position += 1
            item.save()
            audit_record(
                actor=actor,
                verb="catalogue.item_approve",
                obj=item,
                agency=item.agency,
                after={"step": step[0], "next": item.review_chain[item.review_position][0]},
                note=comment,
            )
            return item
        audit_record(
            actor=actor,
            verb="catalogue.item_approve",
            obj=item,
            agency=item.agency,
            after={"step": step[0]},
            note=comment,
        )
        if item.publish_at and item.publish_at > timezone.now():
            check_item_transition(item.status, ItemStatus.SCHEDULED)
            _move(item, ItemStatus.SCHEDULED, actor=actor, verb="catalogue.item_schedule")
            # The worker publishes it at its second (docs/jobs.md); the minute job is the safety net.
            when = item.publish_at
            transaction.on_commit(lambda: publish_at_its_time(when))
            return item
        return _publish(actor=actor, item=item, when=timezone.now())


def _next_index_number(item: Item, when: dt.datetime) -> str:
    template = (
        CatalogueSettings.objects.filter(agency=item.agency).values_list("index_template", flat=True).first()
        or CatalogueSettings._meta.get_field("index_template").default
    )
    day = timezone.localtime(when).date()
    IndexSequence.objects.get_or_create(agency=item.agency, year=day.year)
    sequence = IndexSequence.objects.select_for_update().get(agency=item.agency, year=day.year)
    while True:
        sequence.last += 1
        number = format_index_number(template, credit_code=item.agency.credit_code, when=day, seq=sequence.last)
        if not Item.objects.filter(agency=item.agency, index_number=number).exists():
            break
    sequence.save()
    return number


def _publish(*, actor, item: Item, when: dt.datetime) -> Item:
    check_item_transition(item.status, ItemStatus.PUBLISHED)
    index_number = item.index_number or _next_index_number(item, when)
    _move(
        item,
        ItemStatus.PUBLISHED,
        actor=actor,
        verb="catalogue.item_publish",
        also={"published_at": when, "index_number": index_number},
    )
    search.index_write([(item.pk, item.title, search.searchable_text(item))])
    # A published document that repeals another ends the other's validity (its 废止 date is this one's
    # effective date, or the publication date).
    if item.repeals is not None:
        day = item.effective_from or timezone.localtime(when).date()
        _set_validity(actor=actor, item=item.repeals, validity=Validity.REPEALED, day=day, reason=str(item))
    return item


def item_reject(*, actor, item: Item, comment: str) -> Item:
    """Return the item to its author with comments (退回修改)."""
    if not (comment or "").strip():
        raise ValidationError({"comment": _("退回时必须填写审核意见，说明需要修改什么。")})
    with transaction.atomic():
        item = _locked(item)
        step = item.current_step()
        if step is None:
            check_item_transition(item.status, ItemStatus.DRAFT)
            raise IllegalTransition(_("该条目不在审核中。"))
        if actor is not None and not item_can_review(actor, item):
            raise AccessDenied(_("该步骤（{step}）需要其他角色审核。").format(step=step[0]))
        check_item_transition(item.status, ItemStatus.DRAFT)
        ReviewRecord.objects.create(
            item=item,
            version_number=item.version,
            step_position=item.review_position,
            step_name=step[0],
            reviewer=actor,
            decision=ReviewDecision.REJECT,
            comment=comment.strip(),
        )
        _move(
            item,
            ItemStatus.DRAFT,
            actor=actor,
            verb="catalogue.item_reject",
            also={"review_position": 0},
            note=comment.strip(),
        )
    return item


def item_withdraw(*, actor, item: Item, reason: str) -> Item:
    """Take a published (or scheduled) item off the portal, with a reason kept in the audit trail."""
    if actor is not None and not item_can_withdraw(actor, item):
        raise AccessDenied(_("只有终审或机关管理员可以撤回已发布的条目。"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写撤回原因。")})
    with transaction.atomic():
        item = _locked(item)
        check_item_transition(item.status, ItemStatus.WITHDRAWN)
        _move(
            item,
            ItemStatus.WITHDRAWN,
            actor=actor,
            verb="catalogue.item_withdraw",
            also={"withdrawn_reason": reason.strip()},
            note=reason.strip(),
        )
        search.index_remove([item.pk])
    return item


def item_withdraw_by_rescan(*, item: Item, findings: list) -> Item | None:
    """常态化监测: take a published item with personal data off the portal and the search at once.

    The system withdraws it (no actor); the reason names what was found, the audit event records it, and the
    agency's approvers see it in their to-do list until they restore it (item_restore) or reopen it to fix it.
    Returns None when the item is no longer published (another run or a person got there first).
    """
    with transaction.atomic():
        item = _locked(item)
        if item.status != ItemStatus.PUBLISHED:
            return None
        kinds = "、".join(sorted({str(f.get_kind_display()) for f in findings})) or _("个人信息")
        reason = _("常态化监测发现未遮盖的个人信息（%(kinds)s），系统已自动撤回。") % {"kinds": kinds}
        _move(
            item, ItemStatus.WITHDRAWN, actor=None, verb="catalogue.item_withdraw_rescan",
            also={"withdrawn_by_rescan": True, "withdrawn_reason": reason}, note=reason,
        )  # fmt: skip
        search.index_remove([item.pk])
    return item


def item_restore(*, actor, item: Item, reason: str) -> Item:
    """Put an item the re-scan withdrew back on the portal, once no personal-data finding is left open.

    The approver either had the finding fixed in a corrected text (reopen, edit, review) or judged it a false
    alarm and overrode it (finding_override, with a reason); the restore itself is recorded with its reason.
    """
    if actor is not None and not user_has_role(actor, item.agency, "approver", "agency_admin"):
        raise AccessDenied(_("只有终审或机关管理员可以恢复发布被撤回的条目。"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写恢复发布的理由。")})
    with transaction.atomic():
        item = _locked(item)
        if not item.withdrawn_by_rescan:
            raise ValidationError({"reason": _("只有因常态化监测撤回的条目可以直接恢复发布。")})
        check_item_transition(item.status, ItemStatus.PUBLISHED)
        if Finding.objects.filter(item=item, kind__in=PERSONAL_DATA_KINDS, overridden_at__isnull=True).exists():
            raise ValidationError(
                {"reason": _("该条目仍有未处理的个人信息问题：请先遮盖（恢复为草稿后修改）或核实为误报并忽略。")}
            )
        _move(
            item, ItemStatus.PUBLISHED, actor=actor, verb="catalogue.item_restore",
            also={"withdrawn_by_rescan": False, "withdrawn_reason": ""}, note=reason.strip(),
        )  # fmt: skip
        search.index_write([(item.pk, item.title, search.searchable_text(item))])
    return item


def item_reopen(*, actor, item: Item) -> Item:
    """A withdrawn item back to draft, to be fixed and reviewed again."""
    if actor is not None and not user_has_role(actor, item.agency, *EDITOR_ROLES):
        raise AccessDenied(_("您不能修改该条目。"))
    with transaction.atomic():
        item = _locked(item)
        check_item_transition(item.status, ItemStatus.DRAFT)
        _move(item, ItemStatus.DRAFT, actor=actor, verb="catalogue.item_reopen", also={"withdrawn_by_rescan": False})
    return item


def item_publish_due(*, now: dt.datetime | None = None) -> list[Item]:
    """Publish scheduled items whose time has come. Safe to run twice: each item is claimed under a lock."""
    now = now or timezone.now()
    published = []
    for pk in Item.objects.filter(status=ItemStatus.SCHEDULED, publish_at__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            item = Item.objects.select_for_update().select_related("agency").get(pk=pk)
            if item.status != ItemStatus.SCHEDULED:
                continue
            published.append(_publish(actor=None, item=item, when=item.publish_at or now))
    return published


def _set_validity(*, actor, item: Item, validity: str, day: dt.date | None, reason: str = "") -> Item:
    changes: dict[str, Any] = {"validity": validity}
    if validity == Validity.REPEALED:
        changes["repealed_on"] = day
    elif validity == Validity.EXPIRED:
        changes["expires_on"] = day
    else:
        changes["repealed_on"] = None
    audited_update(
        item,
        actor=actor,
        verb="catalogue.item_validity",
        changes=changes,
        fields=["validity", "expires_on", "repealed_on"],
        agency=item.agency,
        note=reason,
        validate=False,
        always=True,
    )
    search.index_set_validity([item.pk], item.validity)
    return item


def item_set_validity(*, actor, item: Item, validity: str, day: dt.date | None, reason: str = "") -> Item:
    """Declare a rule or normative document expired (失效) or repealed (废止) on `day`, or in force again."""
    if actor is not None and not user_has_role(actor, item.agency, "approver", "agency_admin"):
        raise AccessDenied(_("只有终审或机关管理员可以变更文件的有效性。"))
    errors = {}
    if validity not in Validity.values:
        errors["validity"] = _("请选择有效性。")
    if validity != Validity.IN_FORCE and day is None:
        errors["day"] = _("请填写失效或废止的日期。")
    if item.document_type not in (DocumentType.RULES, DocumentType.NORMATIVE, DocumentType.OTHER):
        errors["validity"] = _("只有文件类条目有有效性。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return _set_validity(actor=actor, item=_locked(item), validity=validity, day=day, reason=reason)


def items_expire_due(*, today: dt.date) -> int:
    """Mark in-force items whose expiry date has passed as expired (compare-and-set, safe to run twice)."""
    due = list(Item.objects.filter(validity=Validity.IN_FORCE, expires_on__lt=today).values_list("pk", flat=True))
    count = 0
    for pk in due:
        with transaction.atomic():
            changed = Item.objects.filter(pk=pk, validity=Validity.IN_FORCE).update(validity=Validity.EXPIRED)
            if changed:
                search.index_set_validity([pk], Validity.EXPIRED)
                item = Item.objects.select_related("agency").get(pk=pk)
                audit_record(
                    actor=None,
                    verb="catalogue.item_validity",
                    obj=item,
                    agency=item.agency,
                    before={"validity": Validity.IN_FORCE},
                    after={"validity": Validity.EXPIRED, "expires_on": item.expires_on},
                )
                count += 1
    return count
