"""Reading the audit trail: an object's timeline, an agency's log, and verification of the chain."""

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from gongkai.audit.models import AuditChainHead, AuditEvent, key_fingerprint


def audit_timeline(*, object_type: str, object_id: str) -> QuerySet[AuditEvent]:
    """All events about one object, oldest first, as shown on its history timeline."""
    return AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id)).select_related("actor")


def audit_events_all() -> QuerySet[AuditEvent]:
    return AuditEvent.objects.order_by("-id")


def audit_events_for_agencies(agency_ids) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(agency_id__in=agency_ids).order_by("-id")


def audit_events_matching(
    events: QuerySet[AuditEvent],
    *,
    verb: str = "",
    actor: str = "",
    text: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """The log narrowed as a reviewer asks: one kind of action, an actor by name or user name, words of the
    object's name, and the days from `since` to `until` (both included, in the site's time zone)."""
    if verb:
        events = events.filter(verb=verb)
    if actor:
        events = events.filter(Q(actor_label__icontains=actor) | Q(actor__username__iexact=actor))
    if text:
        events = events.filter(object_repr__icontains=text)
    zone = timezone.get_current_timezone()
    if since:
        events = events.filter(created_at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=zone))
    if until:
        events = events.filter(
            created_at__lt=dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        )
    return events


@dataclass(frozen=True)
class ChainVerification:
    ok: bool
    events_checked: int
    broken_event_id: int | None = None
    reason: str = ""
    checkpoints_checked: int = 0
    last_hash: str = ""


@dataclass(frozen=True)
class Checkpoint:
    count: int
    hash: str
    at: str = ""


def audit_keys() -> dict[str, str]:
    """The keys verification accepts, by fingerprint: the current one and those of earlier rotations."""
    keys = [settings.AUDIT_KEY, *settings.AUDIT_OLD_KEYS]
    return {key_fingerprint(key): key for key in keys if key}


def audit_checkpoints_read(path: Path | None = None) -> list[Checkpoint]:
    """The checkpoints written by `audit_verify --checkpoint`, oldest first; none when there is no file yet."""
    path = Path(path or settings.AUDIT_CHECKPOINT_FILE)
    if not path.exists():
        return []
    checkpoints = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            checkpoints.append(Checkpoint(int(record["count"]), str(record["hash"]), str(record.get("at", ""))))
    return checkpoints


def audit_chain_verify(*, chunk_size: int = 5000, checkpoints: list[Checkpoint] | None = None) -> ChainVerification:
    """Recompute every hash in order and name the first event that does not fit the chain.

    Keyed events are checked with the key their `key_id` names; events without one (written before the chain
    was keyed) may only come before the first keyed event. The chain head row and the checkpoints (from the
    file outside the database, unless given) must match: the n-th event of a checkpoint must still carry its
    hash, and the table must hold at least its n events.
    """
    keys = audit_keys()
    # The head is read first: events appended while the walk runs come after it and do not disturb the check.
    head = AuditChainHead.objects.filter(pk=1).first()
    head_count, head_hash = (head.event_count, head.last_hash) if head else (0, "")
    if checkpoints is None:
        checkpoints = audit_checkpoints_read()
    expected_at = {c.count: c for c in checkpoints}
    previous_hash = ""
    checked = 0
    last_id = None
    keyed_seen = False
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size):
        if event.prev_hash != previous_hash:
            return ChainVerification(
                False,
                checked,
                event.id,
                "前一事件哈希不符：此前的事件被删除、插入或修改（previous event missing or altered）",
            )
        if event.key_id:
            key = keys.get(event.key_id)
            if key is None:
                return ChainVerification(
                    False, checked, event.id, "事件的密钥未知：密钥被更换而未配置旧密钥，或事件被伪造（unknown key）"
                )
            keyed_seen = True
        elif keyed_seen:
            return ChainVerification(
                False,
                checked,
                event.id,
                "未加密钥的事件出现在加密钥的事件之后：此事件被伪造（unkeyed event after keyed ones）",
            )
        else:
            key = None
        if event.compute_hash(key) != event.hash:
            return ChainVerification(
                False, checked, event.id, "事件内容与其哈希不符：此事件被修改（event content altered）"
            )
        previous_hash = event.hash
        last_id = event.id
        checked += 1
        if checked == head_count and event.hash != head_hash:
            return ChainVerification(
                False, checked - 1, event.id, "链头不符：链头记录的最新哈希与此事件不符（chain head altered）"
            )
        checkpoint = expected_at.get(checked)
        if checkpoint is not None and checkpoint.hash != event.hash:
            return ChainVerification(
                False,
                checked - 1,
                event.id,
                f"与检查点不符：{checkpoint.at} 记录的第 {checkpoint.count} 个事件的哈希已改变，"
                "历史被改写（differs from checkpoint）",
            )
    if checked < head_count:
        return ChainVerification(
            False,
            checked,
            last_id,
            f"链头不符：应有 {head_count} 个事件，实有 {checked} 个；最新的事件被删除或替换（newest events removed）",
        )
    if checkpoints and (latest := max(checkpoints, key=lambda c: c.count)).count > checked:
        return ChainVerification(
            False,
            checked,
            last_id,
            f"少于检查点：{latest.at} 时已有 {latest.count} 个事件，现只有 {checked} 个；"
            "最新的事件连同链头被删除（truncated since checkpoint）",
        )
    return ChainVerification(True, checked, checkpoints_checked=len(checkpoints), last_hash=previous_hash)
