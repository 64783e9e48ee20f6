"""The catalogue's management commands: re-scan, scheduled publication and expiry, index rebuild."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from gongkai.audit.models import AuditEvent
from gongkai.catalogue import search
from gongkai.catalogue.models import FindingKind, Item, ItemStatus, Validity, WordListKind
from gongkai.catalogue.selectors import catalogue_published_with_personal_data, catalogue_search
from gongkai.catalogue.services import item_approve, item_submit, word_entry_add
from gongkai.catalogue.tests.factories import draft, publish, second_reviewer

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewers(prefecture, rob, ann):
    return [rob, second_reviewer(prefecture), ann]


def test_rescan_applies_new_rules_to_old_items_and_reports(prefecture, alice, adam, reviewers, capsys, tmp_path):
    item = publish(alice, prefecture, reviewers, body="<p>本办法由州司法局负责解释。</p>")
    word_entry_add(actor=adam, agency=prefecture, kind=WordListKind.SENSITIVE, word="司法局负责")
    # A leak written straight into the database (as an old system might have left it).
    Item.objects.filter(pk=item.pk).update(body_text="经办人电话13812345678。本办法由州司法局负责解释。")
    report = tmp_path / "report.csv"
    call_command("catalogue_rescan", "--agency", prefecture.slug, "--csv", str(report))
    out = capsys.readouterr().out
    assert "检查 1 条" in out and "1 条因含未遮盖的个人信息已自动撤回" in out
    kinds = set(item.findings.values_list("kind", flat=True))
    assert kinds == {FindingKind.MOBILE, FindingKind.SENSITIVE_WORD}
    # 常态化监测: the leak is off the portal at once, recorded, and waits for an approver.
    item.refresh_from_db()
    assert item.status == ItemStatus.WITHDRAWN and item.withdrawn_by_rescan
    assert catalogue_published_with_personal_data(agencies=[prefecture]).ids == ()
    assert AuditEvent.objects.filter(verb="catalogue.item_withdraw_rescan", object_id=str(item.pk)).count() == 1
    assert "138****5678" in report.read_text(encoding="utf-8-sig")
    assert AuditEvent.objects.filter(verb="catalogue.rescan").count() == 1


def test_the_monitoring_page_shows_open_findings_to_the_supervisor(client, login, prefecture, alice, sue, reviewers):
    item = publish(alice, prefecture, reviewers)
    Item.objects.filter(pk=item.pk).update(body_text="电话13812345678")
    call_command("catalogue_rescan")
    page = login(sue).get("/staff/catalogue/monitoring/").content.decode()
    assert item.title in page and "138****5678" in page
    dashboard = client.get("/staff/").content.decode()
    assert "已发布但含未遮盖个人信息的条目" in dashboard


def test_scheduled_items_are_published_when_due_and_only_once(prefecture, alice, rob, ann, capsys):
    rita = second_reviewer(prefecture)
    item = draft(alice, prefecture, publish_at=timezone.now() + dt.timedelta(hours=2))
    item = item_submit(actor=alice, item=item)
    for reviewer in (rob, rita, ann):
        item = item_approve(actor=reviewer, item=item, proofread=True)
    assert item.status == ItemStatus.SCHEDULED and catalogue_search(query="森林防火").total == 0
    call_command("catalogue_publish_due")
    assert Item.objects.get(pk=item.pk).status == ItemStatus.SCHEDULED
    Item.objects.filter(pk=item.pk).update(publish_at=timezone.now() - dt.timedelta(minutes=1))
    call_command("catalogue_publish_due")
    call_command("catalogue_publish_due")
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED and item.index_number
    assert catalogue_search(query="森林防火").total == 1
    assert AuditEvent.objects.filter(verb="catalogue.item_publish", object_id=str(item.pk)).count() == 1


def test_documents_past_their_expiry_date_become_expired(prefecture, alice, reviewers):
    item = publish(alice, prefecture, reviewers)
    Item.objects.filter(pk=item.pk).update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    call_command("catalogue_publish_due")
    assert Item.objects.get(pk=item.pk).validity == Validity.EXPIRED


def test_reindex_rebuilds_the_index(prefecture, alice, reviewers):
    publish(alice, prefecture, reviewers)
    search.index_clear()
    assert catalogue_search(query="森林防火").total == 0
    call_command("catalogue_reindex")
    assert catalogue_search(query="森林防火").total == 1
    assert search.index_count() == 1
