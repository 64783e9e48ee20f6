"""Each job's last run, last outcome and next run: for `manage.py jobs` and the back-office page."""

from dataclasses import dataclass

from django.utils import timezone

from gongkai.jobs.models import JobRun
from gongkai.jobs.registry import JOBS, Job


@dataclass(frozen=True)
class JobStatus:
    job: Job
    last: JobRun | None
    last_success: JobRun | None
    next_run: object  # aware datetime or None


def jobs_status(now=None) -> list[JobStatus]:
    now = now or timezone.now()
    local = timezone.localtime(now).replace(tzinfo=None)
    rows = []
    for job in sorted(JOBS.values(), key=lambda j: j.name):
        runs = JobRun.objects.filter(job=job.name).order_by("-started_at", "-pk")
        nxt = job.next_run(local)
        rows.append(
            JobStatus(
                job=job,
                last=runs.first(),
                last_success=runs.filter(state="succeeded").first(),
                next_run=timezone.make_aware(nxt) if nxt else None,
            )
        )
    return rows


def job_runs_recent(name: str, limit: int = 20) -> list[JobRun]:
    return list(JobRun.objects.filter(job=name).order_by("-started_at", "-pk")[:limit])
