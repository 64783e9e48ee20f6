"""The audit trail is append-only and any change to history is detected, naming the first broken event."""

import contextlib

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from gongkai.audit.models import AppendOnlyError, AuditEvent
from gongkai.audit.selectors import audit_chain_verify
from gongkai.audit.services import audit_record


def _tamper(sql: str, params) -> None:
    """Change the table behind the application's back, as someone with database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Fire the deferred foreign-key checks first: PostgreSQL refuses ALTER TABLE while they are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")


@pytest.fixture
def three_events(prefecture, alice):
    return [
        audit_record(
            actor=alice, verb=f"test.step{i}", obj=prefecture, agency=prefecture, after={"n": i, "名称": "测试"}
        )
        for i in range(3)
    ]


def test_events_are_chained_and_verify(three_events):
    first, second, third = three_events
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    result = audit_chain_verify()
    assert result.ok
    assert result.events_checked == AuditEvent.objects.count()


def test_changing_an_event_is_detected_and_named(three_events):
    target = three_events[1]
    _tamper("UPDATE audit_auditevent SET verb = %s WHERE id = %s", ["test.forged", target.id])
    result = audit_chain_verify()
    assert not result.ok
    assert result.broken_event_id == target.id
    assert "修改" in result.reason


def test_deleting_an_event_in_the_middle_is_detected_at_the_next_one(three_events):
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [three_events[1].id])
    result = audit_chain_verify()
    assert not result.ok
    assert result.broken_event_id == three_events[2].id


def test_deleting_the_newest_event_is_detected_by_the_chain_head(three_events):
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [three_events[2].id])
    result = audit_chain_verify()
    assert not result.ok
    assert "链头" in result.reason


def test_the_verify_command_fails_loudly_on_a_broken_chain(three_events):
    call_command("audit_verify")  # intact: no error
    _tamper("UPDATE audit_auditevent SET note = %s WHERE id = %s", ["后补", three_events[0].id])
    with pytest.raises(CommandError, match=f"#{three_events[0].id}"):
        call_command("audit_verify")


def test_ordinary_code_cannot_update_or_delete_events(three_events):
    event = AuditEvent.objects.get(pk=three_events[0].pk)
    event.verb = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(verb="changed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).verb == "test.step0"


def test_raw_sql_changes_are_refused_by_postgresql_and_caught_by_the_chain_elsewhere(three_events):
    from django.db import DatabaseError, transaction

    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditevent SET verb = 'x' WHERE id = %s", [three_events[0].id])
        assert audit_chain_verify().ok
    else:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditevent SET verb = 'x' WHERE id = %s", [three_events[0].id])
        assert audit_chain_verify().broken_event_id == three_events[0].id


def test_an_event_records_who_what_where_and_the_values(prefecture, alice, client):
    # Through a real request, so the client address comes from the middleware.
    from gongkai.accounts.models import Role
    from gongkai.accounts.services import role_grant

    role_grant(actor=None, user=alice, agency=prefecture, role=Role.AGENCY_ADMIN)
    client.force_login(alice)
    response = client.post(
        f"/staff/agencies/{prefecture.pk}/edit/",
        {**_agency_form_data(prefecture), "office_phone": "0855-1234567"},
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302
    event = AuditEvent.objects.filter(verb="agency.update").get()
    assert event.actor == alice
    assert event.actor_label == "张敏"
    assert event.agency_id == prefecture.pk
    assert event.client_address == "203.0.113.9"
    assert event.before == {"office_phone": "0855-8227803"}
    assert event.after == {"office_phone": "0855-1234567"}
    assert audit_chain_verify().ok


def _agency_form_data(agency) -> dict:
    from gongkai.backoffice.forms import AgencyForm

    form = AgencyForm(instance=agency)
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or value is False:
            continue
        data[name] = value.pk if hasattr(value, "pk") else value
    return data


def test_an_event_is_appended_in_its_changes_transaction_without_a_savepoint(prefecture, alice):
    """Issue #15: a savepoint of its own cost two round trips on every audited change."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        audit_record(actor=alice, verb="test.step", obj=prefecture, agency=prefecture)
    assert not [q["sql"] for q in captured.captured_queries if "SAVEPOINT" in q["sql"].upper()]


def test_a_failed_append_fails_the_change_it_describes(prefecture, alice, monkeypatch):
    """A caller that catches the error cannot go on and keep its change without the event: the transaction can
    only be rolled back."""
    from django.db import transaction
    from django.db.transaction import TransactionManagementError

    from gongkai.agencies.models import Agency

    def broken(self, key):
        raise RuntimeError("the key cannot be read")

    monkeypatch.setattr(AuditEvent, "compute_hash", broken)
    with pytest.raises(TransactionManagementError), transaction.atomic():
        Agency.objects.filter(pk=prefecture.pk).update(name="改过的名称")
        with contextlib.suppress(RuntimeError):  # the caller that catches the error and goes on
            audit_record(actor=alice, verb="agency.update", obj=prefecture, agency=prefecture)
        Agency.objects.filter(pk=prefecture.pk).update(short_name="改过")
    assert Agency.objects.get(pk=prefecture.pk).name == prefecture.name
