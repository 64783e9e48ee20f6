"""The audit chain is keyed with an HMAC whose key lives outside the database, and checkpoints written to a file
outside the database catch truncation: someone who can write the database can no longer rewrite history unseen.
"""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from gongkai.audit.models import AuditChainHead, AuditEvent, key_fingerprint
from gongkai.audit.selectors import audit_chain_verify
from gongkai.audit.services import audit_record
from gongkai.audit.tests.test_audit_chain import _tamper


@pytest.fixture(autouse=True)
def checkpoint_file(settings, tmp_path):
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.jsonl"
    return settings.AUDIT_CHECKPOINT_FILE


@pytest.fixture
def events(prefecture, alice):
    return [audit_record(actor=alice, verb=f"test.step{i}", obj=prefecture, agency=prefecture) for i in range(4)]


def rewrite_from(first, *, change: dict, key: str | None, key_id: str | None = None, count: int | None = None):
    """What someone with write access to the database could do: change the event `first` and recompute the hashes
    of it and the events after it (`count` of them, or all, then moving the chain head too), all with SQL."""
    rows = list(AuditEvent.objects.order_by("id"))
    position = next(i for i, row in enumerate(rows) if row.pk == first.pk)
    stop = len(rows) if count is None else position + count
    previous = rows[position - 1].hash if position else ""
    for index in range(position, stop):
        event = rows[index]
        if index == position:
            for field, value in change.items():
                setattr(event, field, value)
        event.prev_hash = previous
        if key_id is not None:
            event.key_id = key_id
        event.hash = event.compute_hash(key)
        # Hashes are unique: park each under a temporary value first, so a recomputed one never collides.
        _tamper(
            "UPDATE audit_auditevent SET verb = %s, prev_hash = %s, hash = %s, key_id = %s WHERE id = %s",
            [event.verb, event.prev_hash, "tmp-" + event.hash[:50], event.key_id, event.id],
        )
        previous = event.hash
    for event in rows[position:stop]:
        _tamper("UPDATE audit_auditevent SET hash = %s WHERE id = %s", [event.hash, event.id])
    if count is None:
        AuditChainHead.objects.filter(pk=1).update(last_hash=previous, event_count=len(rows))


def test_new_events_are_keyed_with_the_configured_key(events, settings):
    assert all(e.key_id == key_fingerprint(settings.AUDIT_KEY) for e in events)
    assert events[0].hash == events[0].compute_hash(settings.AUDIT_KEY) != events[0].compute_hash(None)
    assert audit_chain_verify().ok


def test_rewriting_an_event_and_recomputing_the_chain_without_the_key_is_detected(events):
    rewrite_from(events[1], change={"verb": "test.forged"}, key=None)
    result = audit_chain_verify()
    assert not result.ok and result.broken_event_id == events[1].id


def test_recomputing_with_a_guessed_key_is_detected(events):
    rewrite_from(events[2], change={"verb": "test.forged"}, key="guessed-key")
    result = audit_chain_verify()
    assert not result.ok and result.broken_event_id == events[2].id and "密钥未知" not in result.reason


def test_passing_forged_events_off_as_unkeyed_ones_is_detected_after_a_keyed_event(events):
    rewrite_from(events[2], change={"verb": "test.forged"}, key=None, key_id="")
    result = audit_chain_verify()
    assert not result.ok and result.broken_event_id == events[2].id and "未加密钥" in result.reason


def test_rewriting_the_whole_chain_as_unkeyed_is_caught_by_the_checkpoint(events):
    call_command("audit_verify", "--checkpoint")
    rewrite_from(AuditEvent.objects.order_by("id").first(), change={"verb": "test.forged"}, key=None, key_id="")
    result = audit_chain_verify()
    assert not result.ok and "检查点" in result.reason


def test_truncating_the_newest_events_and_moving_the_head_is_caught_by_the_checkpoint(events, checkpoint_file):
    call_command("audit_verify", "--checkpoint")
    record = json.loads(checkpoint_file.read_text().splitlines()[-1])
    assert record["count"] == AuditEvent.objects.count() and record["hash"] == events[-1].hash
    _tamper("DELETE FROM audit_auditevent WHERE id >= %s", [events[2].id])
    AuditChainHead.objects.filter(pk=1).update(last_hash=events[1].hash, event_count=AuditEvent.objects.count())
    result = audit_chain_verify()
    assert not result.ok and "少于检查点" in result.reason
    with pytest.raises(CommandError, match="truncated"):
        call_command("audit_verify")


def test_checkpoints_are_only_ever_appended(events, checkpoint_file, prefecture, alice):
    call_command("audit_verify", "--checkpoint")
    first = checkpoint_file.read_text()
    audit_record(actor=alice, verb="test.later", obj=prefecture, agency=prefecture)
    call_command("audit_verify", "--checkpoint")
    text = checkpoint_file.read_text()
    assert text.startswith(first) and len(text.splitlines()) == 2
    assert audit_chain_verify().checkpoints_checked == 2


def test_a_broken_chain_gets_no_checkpoint(events, checkpoint_file):
    _tamper("UPDATE audit_auditevent SET note = %s WHERE id = %s", ["后补", events[0].id])
    with pytest.raises(CommandError):
        call_command("audit_verify", "--checkpoint")
    assert not checkpoint_file.exists()


def test_a_chain_begun_before_keying_still_verifies(db):
    """Events written before the upgrade carry no key id and a plain SHA-256; they form the chain's beginning, and
    the first keyed event after them covers them: changing one changes the previous hash that event was keyed on."""
    previous = ""
    for i in range(2):
        event = AuditEvent(
            created_at=timezone.now(), actor_label="系统", verb=f"legacy.{i}", object_type="agencies.agency",
            object_id="1", prev_hash=previous,
        )  # fmt: skip
        event.hash = event.compute_hash(None)
        event.save(force_insert=True)
        previous = event.hash
    AuditChainHead.objects.update_or_create(pk=1, defaults={"last_hash": previous, "event_count": 2})
    assert audit_chain_verify().ok
    new = audit_record(actor=None, verb="test.after_upgrade", object_type="agencies.agency", object_id="1")
    assert new.key_id and new.prev_hash == previous
    assert audit_chain_verify().ok
    # Rewriting the legacy events breaks the link to the first keyed event, whose hash cannot be recomputed.
    rewrite_from(AuditEvent.objects.order_by("id").first(), change={"verb": "legacy.forged"}, key=None, count=2)
    result = audit_chain_verify()
    assert not result.ok and result.broken_event_id == new.id


def test_after_a_key_rotation_old_events_verify_with_the_old_key_configured(events, settings, prefecture, alice):
    old = settings.AUDIT_KEY
    settings.AUDIT_KEY = "a-new-key-after-rotation"
    audit_record(actor=alice, verb="test.rotated", obj=prefecture, agency=prefecture)
    result = audit_chain_verify()
    assert not result.ok and "密钥未知" in result.reason
    settings.AUDIT_OLD_KEYS = [old]
    assert audit_chain_verify().ok


RUNTIME_ROLE = "gongkai_runtime_test"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger and roles exist on PostgreSQL only")
def test_the_runtime_role_cannot_disable_the_append_only_trigger(events):
    """docs/deploy.md: the app runs as a role that owns nothing; only the owner (migrations) may alter tables."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP ROLE IF EXISTS {RUNTIME_ROLE}")
        cursor.execute(f"CREATE ROLE {RUNTIME_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {RUNTIME_ROLE}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {RUNTIME_ROLE}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {RUNTIME_ROLE}")
    try:
        for statement in (
            "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only",
            "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
            "DROP TRIGGER audit_event_append_only ON audit_auditevent",
            "UPDATE audit_auditevent SET verb = 'x'",
            "DELETE FROM audit_auditevent",
            "SET session_replication_role = replica",
        ):
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL ROLE {RUNTIME_ROLE}")
                cursor.execute(statement)
        # The role can do the application's work: read the trail.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE {RUNTIME_ROLE}")
            cursor.execute("SELECT count(*) FROM audit_auditevent")
            visible = cursor.fetchone()[0]
            cursor.execute("RESET ROLE")  # SET LOCAL outlives a released savepoint; the test's transaction goes on
        assert visible == AuditEvent.objects.count()
        assert audit_chain_verify().ok
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {RUNTIME_ROLE}")
            cursor.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {RUNTIME_ROLE}")
            cursor.execute(f"REVOKE ALL ON SCHEMA public FROM {RUNTIME_ROLE}")
            cursor.execute(f"DROP ROLE IF EXISTS {RUNTIME_ROLE}")
