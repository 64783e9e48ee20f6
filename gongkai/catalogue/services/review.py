"""三审三校: review before publishing (spec §4.4), publication, withdrawal and the validity life cycle.

"先审后发、谁发布谁负责": an item moves through its agency's review chain (default 初审 → 复审 → 终审), each step
done by a different person from the author and from the earlier reviewers of the same round, each recording
a proofreading sign-off (校对). Open findings of the automatic checks block every step.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.accounts.access import user_has_role
from gongkai.audit.services import audit_record
from gongkai.catalogue import search
from gongkai.catalogue.access import EDITOR_ROLES, item_can_review, item_can_withdraw
from gongkai.catalogue.models import (
    DEFAULT_REVIEW_CHAIN,
    CatalogueSettings,
    DocumentType,
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
from gongkai.core.errors import AccessDenied


def review_chain_of(agency) -> list[list[str]]:
    steps = list(ReviewStep.objects.filter(agency=agency).order_by("position").values_list("name", "role"))
    return [list(s) for s in steps] or [list(s) for s in DEFAULT_REVIEW_CHAIN]


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
        item.status = ItemStatus.IN_REVIEW
        item.review_chain = review_chain_of(item.agency)
        item.review_position = 0
        item.save()
        ReviewRecord.objects.create(
            item=item, version_number=item.version, reviewer=actor, decision=ReviewDecision.SUBMIT, step_name=_("提交")
        )
        audit_record(
            actor=actor,
            verb="catalogue.item_submit",
            obj=item,
            agency=item.agency,
            after={"status": item.status, "step": item.review_chain[0][0]},
        )
    return item


def item_approve(*, actor, item: Item, proofread: bool, comment: str = "") -> Item:
    """Pass the current review step; the last step publishes the item (or schedules it for publish_at)."""
    with transaction.atomic():
        item = _locked(item)
        step = item.current_step()
        if step is None:
            check_item_transition(item.status, ItemStatus.IN_REVIEW)
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
            item.status = ItemStatus.SCHEDULED
            item.save()
            audit_record(
                actor=actor,
                verb="catalogue.item_schedule",
                obj=item,
                agency=item.agency,
                after={"status": item.status, "publish_at": item.publish_at},
            )
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
    item.status = ItemStatus.PUBLISHED
    item.published_at = when
    if not item.index_number:
        item.index_number = _next_index_number(item, when)
    item.save()
    search.index_write([(item.pk, item.title, search.searchable_text(item))])
    audit_record(
        actor=actor,
        verb="catalogue.item_publish",
        obj=item,
        agency=item.agency,
        after={"status": item.status, "index_number": item.index_number, "published_at": when},
    )
    # A published document that repeals another ends the other's validity (its 废止 date is this one's
    # effective date, or the publication date).
    if item.repeals_id:
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
        item.status = ItemStatus.DRAFT
        item.review_position = 0
        item.save()
        audit_record(
            actor=actor,
            verb="catalogue.item_reject",
            obj=item,
            agency=item.agency,
            after={"status": item.status, "step": step[0]},
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
        item.status = ItemStatus.WITHDRAWN
        item.withdrawn_reason = reason.strip()
        item.save()
        search.index_remove([item.pk])
        audit_record(
            actor=actor,
            verb="catalogue.item_withdraw",
            obj=item,
            agency=item.agency,
            after={"status": item.status},
            note=item.withdrawn_reason,
        )
    return item


def item_reopen(*, actor, item: Item) -> Item:
    """A withdrawn item back to draft, to be fixed and reviewed again."""
    if actor is not None and not user_has_role(actor, item.agency, *EDITOR_ROLES):
        raise AccessDenied(_("您不能修改该条目。"))
    with transaction.atomic():
        item = _locked(item)
        check_item_transition(item.status, ItemStatus.DRAFT)
        item.status = ItemStatus.DRAFT
        item.save()
        audit_record(
            actor=actor, verb="catalogue.item_reopen", obj=item, agency=item.agency, after={"status": item.status}
        )
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
    before = {"validity": item.validity, "expires_on": item.expires_on, "repealed_on": item.repealed_on}
    item.validity = validity
    if validity == Validity.REPEALED:
        item.repealed_on = day
    elif validity == Validity.EXPIRED:
        item.expires_on = day
    else:
        item.repealed_on = None
    item.save(update_fields=["validity", "repealed_on", "expires_on", "updated_at"])
    search.index_set_validity([item.pk], item.validity)
    audit_record(
        actor=actor,
        verb="catalogue.item_validity",
        obj=item,
        agency=item.agency,
        before=before,
        after={"validity": item.validity, "expires_on": item.expires_on, "repealed_on": item.repealed_on},
        note=reason,
    )
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
