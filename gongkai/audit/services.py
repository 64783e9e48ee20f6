"""Writing to the audit trail. Every service of every app records what it changed through audit_record."""

import json
import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from gongkai.audit.context import current_client_address
from gongkai.audit.models import AuditChainHead, AuditEvent, key_fingerprint, object_type_of
from gongkai.core.pagecache import note_change


def jsonable(value: Any) -> Any:
    """Dates, decimals and the like become strings, so the stored JSON hashes the same when read back."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str)) if value is not None else None


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict:
    """The concrete field values of a model instance, for the before/after of an event."""
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    return jsonable({name: getattr(obj, name) for name in names})


def changed_fields(before: dict, after: dict) -> tuple[dict, dict]:
    """Keep only the keys whose value changed, so an event shows exactly what was edited."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def audit_record(
    *,
    actor,
    verb: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    agency=None,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
) -> AuditEvent:
    """Append one event to the chain. Call it inside the transaction of the change it describes."""
    if obj is not None:
        object_type = object_type or object_type_of(obj)
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
    actor_obj = actor if actor is not None and getattr(actor, "pk", None) else None
    # No savepoint of its own (two round trips on every audited change, issue #15): an append that fails fails the
    # change it describes, whose transaction can then only be rolled back, so no change is ever kept without its
    # event (a savepoint would let a caller that catches the error go on and commit the change alone).
    with transaction.atomic(savepoint=False):
        # Locking the head row serialises writers on PostgreSQL; on SQLite the IMMEDIATE transaction already
        # holds the database's write lock.
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            created_at=timezone.now(),
            actor=actor_obj,
            actor_label=(actor_obj.get_full_name() or actor_obj.get_username()) if actor_obj else "系统",
            verb=verb,
            object_type=object_type,
            object_id=str(object_id),
            object_repr=object_repr[:300],
            agency_id=getattr(agency, "pk", agency),
            client_address=current_client_address(),
            before=jsonable(before),
            after=jsonable(after),
            note=note,
            prev_hash=head.last_hash,
            key_id=key_fingerprint(settings.AUDIT_KEY),
        )
        event.hash = event.compute_hash(settings.AUDIT_KEY)
        event.save(force_insert=True)
        AuditChainHead.objects.filter(pk=1).update(last_hash=event.hash, event_count=models.F("event_count") + 1)
    # Every change that can alter a public page is audited, so this is where the portal's cache hears of it.
    note_change(event.agency_id, verb)
    return event


_AGENCY_OF_OBJECT = object()
M = TypeVar("M", bound=models.Model)


def audited_update(
    obj: M,
    *,
    actor,
    verb: str,
    changes: Mapping[Any, Any],
    fields: Iterable[str] | None = None,
    agency: Any = _AGENCY_OF_OBJECT,
    note: str = "",
    validate: bool | Callable[[M], None] = True,
    always: bool = False,
) -> bool:
    """Change fields of a stored object and record what changed, in one step.

    The sequence every service used to write by hand: snapshot the fields, set the new values, validate
    (`full_clean`, or the callable given), save only those fields (and any `auto_now` field), and append an audit
    event with the fields whose value changed. `fields` names further fields to compare (ones the object's own
    `clean()` or `save()` may change). Returns whether anything changed; no event is written when nothing did,
    unless `always`. Call it inside the service's transaction.
    """
    meta = obj._meta
    names = list(dict.fromkeys([*changes, *(fields or [])]))
    attnames = [getattr(meta.get_field(name), "attname", name) for name in names]
    # `snapshot(obj, [])` would take every field: with nothing named there is nothing to compare.
    before = snapshot(obj, attnames) if attnames else {}
    for name, value in changes.items():
        setattr(obj, name, value)
    if callable(validate):
        validate(obj)
    elif validate:
        obj.full_clean()
    auto_now = [f.name for f in meta.concrete_fields if getattr(f, "auto_now", False)]
    obj.save(update_fields=list(dict.fromkeys([*names, *auto_now])))
    after = snapshot(obj, attnames) if attnames else {}
    old, new = changed_fields(before, after)
    if new or always:
        audit_record(
            actor=actor,
            verb=verb,
            obj=obj,
            agency=getattr(obj, "agency_id", None) if agency is _AGENCY_OF_OBJECT else agency,
            before=old if new else before,
            after=new if new else after,
            note=note,
        )
    return bool(new)


def audit_checkpoint_write(*, count: int, head_hash: str, path=None) -> dict:
    """Append the verified chain's length and newest hash to the checkpoint file (outside the database).

    Only ever appends (the operator may make the file append-only with `chattr +a`); `audit_chain_verify`
    then refuses a chain that lost events or changed them since any line of it. Call it after a successful
    verification only.
    """
    from pathlib import Path

    target = Path(path or settings.AUDIT_CHECKPOINT_FILE)
    target.parent.mkdir(parents=True, exist_ok=True)
    record = {"at": timezone.now().isoformat(timespec="seconds"), "count": count, "hash": head_hash}
    with target.open("a", encoding="utf-8") as stream:
        stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        stream.flush()
        os.fsync(stream.fileno())
    return record
