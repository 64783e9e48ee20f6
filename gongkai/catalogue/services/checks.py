"""Recording what the automatic checks find: an item's findings replaced after each check, a reviewer's
override of a finding, and the periodic rescan of an agency's published items (常态化监测, spec §4.3)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.audit.services import audit_record
from gongkai.catalogue.access import finding_can_override
from gongkai.catalogue.models import PERSONAL_DATA_KINDS, Finding, FindingKind, Item, ItemStatus
from gongkai.catalogue.selectors.checks import problems_of, word_lists_for
from gongkai.core.errors import AccessDenied


def item_check(*, actor, item: Item, record: bool = True, words=None) -> list[Finding]:
    """Run the checks and replace the item's findings; an override survives while the same problem remains."""
    problems = problems_of(item, today=timezone.localdate(), words=words)
    by_fingerprint = {p.fingerprint: p for p in problems}
    with transaction.atomic():
        existing = {f.fingerprint: f for f in Finding.objects.filter(item=item)}
        Finding.objects.filter(item=item).exclude(fingerprint__in=list(by_fingerprint)).delete()
        Finding.objects.bulk_create(
            [
                Finding(
                    item=item,
                    kind=p.kind,
                    location=p.location[:200],
                    fingerprint=fp,
                    excerpt=p.excerpt[:300],
                    suggestion=p.suggestion[:300],
                )
                for fp, p in by_fingerprint.items()
                if fp not in existing
            ]
        )
        findings = list(Finding.objects.filter(item=item))
        personal = any(f.kind in PERSONAL_DATA_KINDS and f.is_open for f in findings)
        Item.objects.filter(pk=item.pk).update(personal_data_found=personal, last_checked_at=timezone.now())
        item.personal_data_found = personal
        if record:
            audit_record(
                actor=actor,
                verb="catalogue.item_check",
                obj=item,
                agency=item.agency,
                after={"findings": len(findings), "open": sum(1 for f in findings if f.is_open)},
            )
    return findings


def finding_override(*, actor, finding: Finding, reason: str) -> Finding:
    """A reviewer accepts a finding as not a problem (e.g. a published office phone), with a recorded reason."""
    item = finding.item
    if actor is not None and not finding_can_override(actor, item):
        raise AccessDenied(_("只有审核人、终审或机关管理员可以忽略检查结果。"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写忽略该检查结果的理由。")})
    if finding.kind == FindingKind.MISSING_METADATA:
        raise ValidationError({"reason": _("缺少的元数据必须补充，不能忽略。")})
    with transaction.atomic():
        finding.overridden_by = actor if getattr(actor, "pk", None) else None
        finding.override_reason = reason.strip()
        finding.overridden_at = timezone.now()
        finding.save()
        personal = Finding.objects.filter(item=item, kind__in=PERSONAL_DATA_KINDS, overridden_at__isnull=True).exists()
        Item.objects.filter(pk=item.pk).update(personal_data_found=personal)
        audit_record(
            actor=actor,
            verb="catalogue.finding_override",
            obj=item,
            agency=item.agency,
            after={"finding": finding.get_kind_display(), "excerpt": finding.excerpt},
            note=finding.override_reason,
        )
    return finding


def items_rescan(*, actor, agency, batch: int = 500) -> dict:
    """常态化监测: check every published item of `agency` again with today's rules and word lists.

    Returns a summary (items scanned, items with open findings, open findings by kind, items withdrawn); one
    audit event per agency records it. Each item's findings are replaced in its own transaction, so a long scan
    can be interrupted and run again. A published item found to carry personal data (an identity, phone or bank
    number not overridden as a false alarm) is withdrawn at once (review.item_withdraw_by_rescan; 条例 第十五条).
    """
    from gongkai.catalogue.services.review import item_withdraw_by_rescan

    words = word_lists_for(agency)
    scanned = 0
    withdrawn = []
    pks = list(Item.objects.filter(agency=agency, status=ItemStatus.PUBLISHED).values_list("pk", flat=True))
    for start in range(0, len(pks), batch):
        items = Item.objects.filter(pk__in=pks[start : start + batch]).select_related("agency")
        for item in items.prefetch_related("attachments"):
            findings = item_check(actor=None, item=item, record=False, words=words)
            scanned += 1
            if item.personal_data_found:
                personal = [f for f in findings if f.kind in PERSONAL_DATA_KINDS and f.is_open]
                if item_withdraw_by_rescan(item=item, findings=personal) is not None:
                    withdrawn.append(item.pk)
    open_findings_qs = Finding.objects.filter(
        item__agency=agency, item__status=ItemStatus.PUBLISHED, overridden_at__isnull=True
    )
    by_kind = dict(open_findings_qs.order_by().values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    summary = {
        "scanned": scanned,
        "items_with_findings": open_findings_qs.values("item").distinct().count(),
        "personal_data_items": Item.objects.filter(
            agency=agency, status=ItemStatus.PUBLISHED, personal_data_found=True
        ).count(),
        "by_kind": {str(FindingKind(k).label): v for k, v in by_kind.items()},
        "withdrawn": withdrawn,
    }
    with transaction.atomic():
        audit_record(
            actor=actor,
            verb="catalogue.rescan",
            object_type="agencies.agency",
            object_id=str(agency.pk),
            object_repr=str(agency),
            agency=agency,
            after=summary,
        )
    return summary
