"""Every periodic job, with its schedule. The worker (`manage.py run_huey`) imports this module and runs them.

Each job calls the same functions as the operators' management commands, and returns a one-line summary
kept in its JobRun. docs/jobs.md lists them all (tests/test_docs checks that).
"""

from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from huey.contrib.djhuey import db_task, on_shutdown

from gongkai.agencies.models import Agency
from gongkai.analytics.services import analytics_rollup, hits_prune, search_counts_prune
from gongkai.applications.services.reminders import applicant_reminders_send, application_alerts_send
from gongkai.audit.selectors import audit_chain_verify
from gongkai.audit.services import audit_checkpoint_write
from gongkai.catalogue.services import item_publish_due, items_expire_due, items_rescan
from gongkai.inbox.services import inbox_digests_send
from gongkai.jobs.registry import periodic_job
from gongkai.jobs.reminders import annual_report_reminders_send, inspection_reminders_send
from gongkai.jobs.services import job_runs_prune
from gongkai.notices.services import notices_deliver
from gongkai.notices.tasks import DELIVERY_LOCK, DELIVERY_LOCK_TTL
from gongkai.supervision.site_checks import site_check_run


@db_task()
def job_run_now(name: str) -> None:
    """One run of a job asked for in the back office (立即运行): recorded as "manual", not retried."""
    from gongkai.jobs.registry import JOBS
    from gongkai.jobs.services import job_run

    job = JOBS.get(name)
    if job is not None:
        job_run(job=job, trigger="manual")


@on_shutdown()
def close_database_connections() -> None:
    """Each worker thread closes its database connections when the worker stops."""
    connections.close_all()


class AuditChainBroken(RuntimeError):
    """The audit trail's hash chain does not verify: the job fails and the site administrators are told."""


@periodic_job("catalogue_publish_due", _("定时发布目录条目"), "* * * * *", lock_ttl=600)
def catalogue_publish_due() -> str:
    """Publish scheduled items whose minute has come (an item is public within 60 s of its time)."""
    published = item_publish_due(now=timezone.now())
    expired = items_expire_due(today=timezone.localdate())
    return f"定时发布 {len(published)} 条，标记失效 {expired} 件"


@periodic_job(DELIVERY_LOCK, _("发送通知"), "* * * * *", lock_ttl=DELIVERY_LOCK_TTL, retries=0)
def notices_deliver_job() -> str:
    """Deliver queued notices (the safety net behind the delivery enqueued at each commit)."""
    totals = notices_deliver()
    return f"发送 {totals['sent']} 条，失败待重试 {totals['failed']} 条"


@periodic_job("applications_alerts", _("依申请公开期限提醒"), "0 8 * * *")
def applications_alerts() -> str:
    today = timezone.localdate()
    changed, queued = application_alerts_send(today=today)
    reminders = applicant_reminders_send(today=today)
    return f"{changed} 件到期状态变化，提醒工作人员 {queued} 封，提醒申请人 {reminders} 条"


@periodic_job("analytics_rollup", _("访问统计汇总与清理"), "10 0 * * *")
def analytics_rollup_job() -> str:
    done = analytics_rollup()
    pruned = hits_prune(keep_days=7)
    terms = search_counts_prune()
    return f"汇总 {len(done)} 天，{sum(done.values())} 次访问；清理原始记录 {pruned} 条，过期搜索词统计 {terms} 条"


@periodic_job("catalogue_rescan", _("常态化监测：重新检查已发布条目"), "0 2 * * *", lock_ttl=6 * 3600)
def catalogue_rescan() -> str:
    scanned = withdrawn = 0
    for agency in Agency.objects.filter(is_active=True).order_by("path"):
        summary = items_rescan(actor=None, agency=agency)
        scanned += summary["scanned"]
        withdrawn += len(summary["withdrawn"])
    return f"检查 {scanned} 条，因个人信息自动撤回 {withdrawn} 条"


@periodic_job("site_check", _("网站检查（失效链接、栏目更新）"), "30 3 * * *", lock_ttl=6 * 3600)
def site_check() -> str:
    run = site_check_run()
    return f"检查 {run.pages} 个页面，发现问题 {run.findings.count()} 个"


@periodic_job("audit_verify", _("审计链校验"), "0 4 * * *", lock_ttl=6 * 3600)
def audit_verify() -> str:
    result = audit_chain_verify()
    if not result.ok:
        raise AuditChainBroken(
            f"审计链校验失败：事件 #{result.broken_event_id}（此前 {result.events_checked} 个事件完好）：{result.reason}"
        )
    # The verified head goes to the append-only checkpoint file outside the database, so a later truncation or
    # rewrite of the chain is caught even by someone who can write to the database (docs/audit.md).
    audit_checkpoint_write(count=result.events_checked, head_hash=result.last_hash)
    return f"审计链完整，共 {result.events_checked} 个事件，检查点已写入"


@periodic_job("annual_report_reminders", _("年度报告发布提醒（条例第四十九条）"), "0 9 * * *")
def annual_report_reminders() -> str:
    return f"提醒 {annual_report_reminders_send(today=timezone.localdate())} 封"


@periodic_job("inspection_reminders", _("督查整改逾期提醒"), "30 8 * * *")
def inspection_reminders() -> str:
    return f"提醒 {inspection_reminders_send(today=timezone.localdate())} 封"


@periodic_job("inbox_digest", _("每日待办邮件摘要"), "0 7 * * *")
def inbox_digest() -> str:
    """Each staff member who asked for it gets one e-mail of their 待办 a day (keyed by person and day)."""
    return f"待办邮件 {inbox_digests_send(today=timezone.localdate())} 封"


@periodic_job("jobs_prune", _("清理30天前的任务运行记录"), "20 0 * * *")
def jobs_prune() -> str:
    return f"删除 {job_runs_prune(keep_days=30)} 条运行记录"
