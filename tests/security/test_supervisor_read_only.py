"""Supervisors read and change nothing (docs/access.md): every staff POST of theirs is refused with 403."""

from gongkai.audit.models import AuditEvent
from gongkai.catalogue.models import Finding
from gongkai.catalogue.tests.factories import draft


def test_a_supervisor_cannot_trigger_a_catalogue_recheck(client, login, prefecture, alice, sue, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    item = draft(alice, prefecture)
    findings, events = Finding.objects.count(), AuditEvent.objects.count()
    login(sue)
    response = client.post(f"/staff/catalogue/{item.pk}/recheck/")
    assert response.status_code == 403
    assert Finding.objects.count() == findings
    assert AuditEvent.objects.count() == events


def test_the_clerk_of_the_agency_still_may_recheck(client, login, prefecture, alice, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    item = draft(alice, prefecture)
    login(alice)
    assert client.post(f"/staff/catalogue/{item.pk}/recheck/").status_code == 302


def test_a_supervisor_may_still_switch_agency_and_log_out(client, login, tree, sue):
    login(sue)
    response = client.post("/staff/switch-agency/", {"agency": tree["county"].pk})
    assert response.status_code == 302
    assert client.session["current_agency_id"] == tree["county"].pk
    # Working in a subordinate agency they only supervise, they are still read-only there.
    assert client.post("/staff/agencies/new/", {"name": "x"}).status_code == 403
    assert client.post("/staff/logout/").status_code == 302
