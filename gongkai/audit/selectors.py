"""Reading the audit trail: an object's timeline, an agency's log, and verification of the chain."""

from dataclasses import dataclass

from django.db.models import QuerySet

from gongkai.audit.models import AuditChainHead, AuditEvent


def audit_timeline(*, object_type: str, object_id: str) -> QuerySet[AuditEvent]:
    """All events about one object, oldest first, as shown on its history timeline."""
    return AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id)).select_related("actor")


def audit_events_all() -> QuerySet[AuditEvent]:
    return AuditEvent.objects.order_by("-id")


def audit_events_for_agencies(agency_ids) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(agency_id__in=agency_ids).order_by("-id")


@dataclass(frozen=True)
class ChainVerification:
    ok: bool
    events_checked: int
    broken_event_id: int | None = None
    reason: str = ""


def audit_chain_verify(*, chunk_size: int = 5000) -> ChainVerification:
    """Recompute every hash in order and name the first event that does not fit the chain."""
    previous_hash = ""
    checked = 0
    last_id = None
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size):
        if event.prev_hash != previous_hash:
            return ChainVerification(
                False,
                checked,
                event.id,
                "前一事件哈希不符：此前的事件被删除、插入或修改（previous event missing or altered）",
            )
        if event.compute_hash() != event.hash:
            return ChainVerification(
                False, checked, event.id, "事件内容与其哈希不符：此事件被修改（event content altered）"
            )
        previous_hash = event.hash
        last_id = event.id
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    expected_hash = head.last_hash if head else ""
    expected_count = head.event_count if head else 0
    if expected_hash != previous_hash or expected_count != checked:
        return ChainVerification(
            False,
            checked,
            last_id,
            f"链头不符：应有 {expected_count} 个事件，实有 {checked} 个；最新的事件被删除或替换（newest events removed）",
        )
    return ChainVerification(True, checked)
