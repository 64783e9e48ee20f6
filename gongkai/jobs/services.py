"""Running a job: the lock, the JobRun record, and the alert to site administrators when retries are used up."""

import datetime as dt
import logging
import traceback

from django.db import transaction
from django.utils import timezone
from huey.exceptions import TaskLockedException

from gongkai.accounts.models import User
from gongkai.audit.services import audit_record
from gongkai.core.locks import job_lock
from gongkai.jobs.models import JobRun, RunState
from gongkai.jobs.registry import Job
from gongkai.notices.services import notice_queue

logger = logging.getLogger(__name__)


def _attempt(job: Job, task) -> int:
    """Huey counts retries down: the first run has `job.retries` left."""
    if task is None:
        return 1
    return job.retries - task.retries + 1


def job_run(*, job: Job, task=None, trigger: str = "") -> JobRun:
    """Run `job` once under its lock and record the run. A job already running elsewhere is skipped, not queued.

    An exception is recorded and raised again, so huey retries with back-off; when the last retry fails (or there
    is no worker behind the call), the site administrators get an e-mail notice.
    """
    attempt = _attempt(job, task)
    run = JobRun.objects.create(
        job=job.name,
        started_at=timezone.now(),
        attempt=attempt,
        trigger=trigger or ("retry" if attempt > 1 else ("schedule" if task is not None else "command")),
    )
    try:
        with job_lock(job.name, ttl=job.lock_ttl):
            summary = job.func()
    except TaskLockedException:
        _finish(run, RunState.SKIPPED, summary="上一次运行尚未结束")
        return run
    except Exception as exc:
        final = task is None or not task.retries
        _finish(run, RunState.FAILED if final else RunState.RETRYING, error=traceback.format_exc()[-4000:])
        if final and task is not None:
            job_failure_alert(job=job, run=run, error=f"{type(exc).__name__}: {exc}")
        raise
    _finish(run, RunState.SUCCEEDED, summary=str(summary or "")[:500])
    return run


def _finish(run: JobRun, state: str, *, summary: str = "", error: str = "") -> None:
    run.state, run.summary, run.error, run.finished_at = state, summary, error, timezone.now()
    run.save(update_fields=["state", "summary", "error", "finished_at"])


@transaction.atomic
def job_failure_alert(*, job: Job, run: JobRun, error: str) -> int:
    """E-mail every active site administrator that `job` failed after its retries (one notice per run)."""
    queued = 0
    for admin in User.objects.filter(is_active=True, is_superuser=True).exclude(email="").order_by("pk"):
        notice = notice_queue(
            event="jobs.failed",
            channel="email",
            recipient=admin.email,
            user=admin,
            values={"job": f"{job.label}（{job.name}）", "error": error[:1000], "attempts": run.attempt},
            obj=run,
            object_label=job.label,
            key=f"jobs.failed:{run.pk}:{admin.pk}",
        )
        queued += notice is not None
    return queued


def job_runs_prune(*, keep_days: int = 30, now: dt.datetime | None = None) -> int:
    """Delete run records older than `keep_days`; the last run of each job is always kept."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=keep_days)
    keep = set()
    for name in JobRun.objects.values_list("job", flat=True).distinct():
        last = JobRun.objects.filter(job=name).order_by("-started_at", "-pk").values_list("pk", flat=True).first()
        if last is not None:
            keep.add(last)
    deleted, _ = JobRun.objects.filter(started_at__lt=cutoff).exclude(pk__in=keep).delete()
    return deleted


def job_run_request(*, actor, job: Job) -> None:
    """Queue one run of `job` now, outside its schedule (the back office's 立即运行), audited as the actor's."""
    from gongkai.jobs.tasks import job_run_now

    audit_record(
        actor=actor, verb="job.run_now", object_type="jobs.job", object_id=job.name, object_repr=str(job.label)
    )
    transaction.on_commit(lambda: job_run_now(job.name))
