"""The periodic jobs: declared and documented, locked, recorded, retried and then alerted, idempotent."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from conftest import make_user
from gongkai.annual_reports.models import AnnualReport, ReportStatus
from gongkai.catalogue.models import Item, ItemStatus
from gongkai.catalogue.selectors import catalogue_search
from gongkai.catalogue.services import item_approve, item_submit
from gongkai.catalogue.tests.factories import draft, second_reviewer
from gongkai.jobs import reminders
from gongkai.jobs.models import JobRun, RunState
from gongkai.jobs.registry import JOBS
from gongkai.jobs.services import job_run, job_runs_prune
from gongkai.notices.models import Notice
from gongkai.notices.services import notices_deliver

pytestmark = pytest.mark.django_db


class FakeTask:
    """What huey hands a task run with context=True: how many retries are left."""

    def __init__(self, retries: int):
        self.retries = retries


def test_every_periodic_job_is_documented_with_its_schedule():
    docs = (Path(settings.BASE_DIR) / "docs" / "jobs.md").read_text()
    rows = dict(re.findall(r"^\| `(\w+)` \| `([^`]+)`", docs, re.MULTILINE))
    assert JOBS and {name: job.cron for name, job in JOBS.items()} == {name: rows.get(name) for name in JOBS}


def test_every_job_is_a_huey_periodic_task_on_its_schedule():
    monday_0800 = dt.datetime(2026, 12, 7, 8, 0)
    due = {t.name for t in HUEY.read_periodic(monday_0800)}
    assert {"catalogue_publish_due", "notices_deliver", "applications_alerts"} <= due
    assert "audit_verify" not in due and "audit_verify" in {
        t.name for t in HUEY.read_periodic(monday_0800.replace(hour=4))
    }


def test_the_next_run_follows_the_schedule():
    assert JOBS["audit_verify"].next_run(dt.datetime(2026, 12, 7, 4, 0, 30)) == dt.datetime(2026, 12, 8, 4, 0)
    assert JOBS["catalogue_publish_due"].next_run(dt.datetime(2026, 12, 7, 4, 0, 30)) == dt.datetime(2026, 12, 7, 4, 1)


def test_a_scheduled_item_is_published_by_the_minute_job_once(prefecture, alice, rob, ann):
    rita = second_reviewer(prefecture)
    item = item_submit(actor=alice, item=draft(alice, prefecture, publish_at=timezone.now() + dt.timedelta(hours=1)))
    for reviewer in (rob, rita, ann):
        item = item_approve(actor=reviewer, item=item, proofread=True)
    Item.objects.filter(pk=item.pk).update(publish_at=timezone.now() - dt.timedelta(seconds=30))
    run = job_run(job=JOBS["catalogue_publish_due"], task=FakeTask(3))
    assert run.state == RunState.SUCCEEDED and run.summary.startswith("定时发布 1 条")
    assert Item.objects.get(pk=item.pk).status == ItemStatus.PUBLISHED and catalogue_search(query="森林防火").total == 1
    again = job_run(job=JOBS["catalogue_publish_due"], task=FakeTask(3))
    assert again.summary.startswith("定时发布 0 条")


def test_a_job_already_running_is_skipped_not_run_twice():
    with HUEY.lock_task("audit_verify"):
        run = job_run(job=JOBS["audit_verify"], task=FakeTask(3))
    assert run.state == RunState.SKIPPED
    assert job_run(job=JOBS["audit_verify"], task=FakeTask(3)).state == RunState.SUCCEEDED


def test_a_failing_job_is_retried_then_the_site_administrators_are_told(sam, monkeypatch):
    sam.email = "sam@example.cn"
    sam.save()
    job = JOBS["site_check"]

    def broken(**kwargs):
        raise RuntimeError("portal unreachable")

    monkeypatch.setattr("gongkai.jobs.tasks.site_check_run", broken)
    with pytest.raises(RuntimeError):
        job_run(job=job, task=FakeTask(3))
    assert JobRun.objects.get().state == RunState.RETRYING and Notice.objects.count() == 0
    with pytest.raises(RuntimeError):
        job_run(job=job, task=FakeTask(0))  # the last retry
    last = JobRun.objects.order_by("-pk").first()
    assert (last.state, last.attempt) == (RunState.FAILED, 4) and "portal unreachable" in last.error
    notices_deliver()
    assert [m.to for m in mail.outbox] == [["sam@example.cn"]]
    assert "site_check" in mail.outbox[0].subject and "portal unreachable" in mail.outbox[0].body


def test_the_jobs_command_lists_last_run_outcome_and_next_run(capsys):
    call_command("jobs", "run", "audit_verify")
    capsys.readouterr()
    call_command("jobs")
    out = capsys.readouterr().out
    line = next(row for row in out.splitlines() if row.startswith("audit_verify"))
    assert "succeeded" in line and "审计链完整" in line
    assert "never" in next(row for row in out.splitlines() if row.startswith("site_check"))


def test_the_site_administrator_sees_the_jobs_page_and_others_do_not(login, client, sam, alice):
    job_run(job=JOBS["audit_verify"], task=FakeTask(3))
    page = login(sam).get("/staff/jobs/").content.decode()
    assert "审计链校验" in page and "成功" in page and "定时发布目录条目" in page and "从未运行" in page
    assert "审计链完整" in login(sam).get("/staff/jobs/audit_verify/").content.decode()
    client.logout()
    assert login(alice).get("/staff/jobs/").status_code == 403


def test_the_site_administrator_runs_a_job_now_and_its_run_is_recorded_as_manual(
    login, sam, alice, django_capture_on_commit_callbacks
):
    from gongkai.audit.models import AuditEvent

    client = login(sam)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/staff/jobs/audit_verify/run/")  # queued once the request's transaction commits
    assert response.status_code == 302 and response["Location"] == "/staff/jobs/audit_verify/"
    page = client.get(response["Location"]).content.decode()
    assert "已交给后台任务进程运行" in page
    run = JobRun.objects.get(job="audit_verify")
    assert (run.trigger, run.state) == ("manual", RunState.SUCCEEDED)
    assert "<td>手动立即运行</td>" in page  # the trigger by name, not "manual"
    assert AuditEvent.objects.filter(verb="job.run_now", object_id="audit_verify", actor=sam).count() == 1
    assert client.get("/staff/jobs/audit_verify/run/").status_code == 405  # a POST, never a link
    assert client.post("/staff/jobs/no_such_job/run/").status_code == 404
    assert login(alice).post("/staff/jobs/audit_verify/run/").status_code == 403
    assert JobRun.objects.count() == 1


def test_in_english_the_jobs_are_named_in_english(login, sam):
    client = login(sam)
    client.cookies["django_language"] = "en"
    page = client.get("/staff/jobs/").content.decode()
    assert "Verify the audit chain" in page and "Publish scheduled catalogue items" in page
    assert "审计链校验" not in page and "定时发布目录条目" not in page
    assert '<td data-label="Schedule" class="nowrap"><code>0 4 * * *</code></td>' in page  # one line


def test_old_run_records_are_pruned_but_each_jobs_last_run_is_kept():
    old = timezone.now() - dt.timedelta(days=40)
    for name in ("a", "a", "b"):
        JobRun.objects.create(job=name, started_at=old, state=RunState.SUCCEEDED)
    assert job_runs_prune(keep_days=30) == 1
    assert sorted(JobRun.objects.values_list("job", flat=True)) == ["a", "b"]


def test_annual_report_reminders_warn_two_weeks_before_and_tell_the_late_once(tree, adam, ann):
    adam.email, ann.email = "adam@example.cn", "ann@example.cn"
    adam.save(), ann.save()
    fin = make_user("fin", (tree["finance"], "agency_admin"))
    fin.email = "fin@example.cn"
    fin.save()
    # 州财政局 (a department) must publish its 2025 report by 31 January 2026; 州政府 by 31 March.
    assert reminders.annual_report_reminders_send(today=dt.date(2026, 1, 16)) == 0
    assert reminders.annual_report_reminders_send(today=dt.date(2026, 1, 17)) == 1
    assert reminders.annual_report_reminders_send(today=dt.date(2026, 1, 20)) == 0
    assert reminders.annual_report_reminders_send(today=dt.date(2026, 2, 1)) == 1
    assert reminders.annual_report_reminders_send(today=dt.date(2026, 3, 17)) == 2  # 州政府's warning: adam, ann
    events = sorted(Notice.objects.values_list("event", "recipient"))
    assert events == [
        ("annual_report.due_soon", "adam@example.cn"), ("annual_report.due_soon", "ann@example.cn"),
        ("annual_report.due_soon", "fin@example.cn"), ("annual_report.overdue", "fin@example.cn"),
    ]  # fmt: skip


def test_an_agency_that_published_its_report_is_not_reminded(tree, adam):
    adam.email = "adam@example.cn"
    adam.save()
    AnnualReport.objects.create(agency=tree["prefecture"], year=2025, title="2025年报", status=ReportStatus.PUBLISHED)
    assert reminders.annual_report_reminders_send(today=dt.date(2026, 3, 20)) == 0


def test_scheduling_an_item_asks_the_worker_to_publish_it_at_its_second(
    prefecture, alice, rob, ann, django_capture_on_commit_callbacks
):
    when = (timezone.now() + dt.timedelta(hours=1)).replace(microsecond=0)
    rita = second_reviewer(prefecture)
    item = item_submit(actor=alice, item=draft(alice, prefecture, publish_at=when))
    for reviewer in (rob, rita):
        item = item_approve(actor=reviewer, item=item, proofread=True)
    with django_capture_on_commit_callbacks(execute=True):
        item_approve(actor=ann, item=item, proofread=True)
    etas = [t.eta for t in HUEY.scheduled() if t.name == "catalogue_publish_scheduled"]
    assert etas == [timezone.make_naive(when)]
