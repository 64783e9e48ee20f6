"""The periodic jobs: each declared once with its schedule, and turned into a huey periodic task.

docs/jobs.md lists every job here with its schedule (a test fails when one is missing). Schedules are crontab
expressions in the site's time zone (settings.HUEY utc=False, TIME_ZONE Asia/Shanghai).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gongkai.core.locks import lock_register


@dataclass(frozen=True)
class Job:
    name: str
    label: str
    cron: str  # "minute hour day month weekday", as written in docs/jobs.md
    func: Callable[[], str]  # does the work, returns a one-line summary
    retries: int = 3
    retry_delay: int = 60  # seconds before the first retry; doubled before each next one
    lock_ttl: int = 3600  # a killed worker's lock expires after this many seconds
    task: object = field(default=None, compare=False)

    def schedule(self):
        minute, hour, day, month, weekday = self.cron.split()
        return crontab(minute=minute, hour=hour, day=day, month=month, day_of_week=weekday)

    def next_run(self, after: dt.datetime) -> dt.datetime | None:
        """The first whole minute after `after` (naive local time) that the schedule matches, within 8 days."""
        check = self.schedule()
        moment = after.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
        for _step in range(8 * 24 * 60):
            if check(moment):
                return moment
            moment += dt.timedelta(minutes=1)
        return None


JOBS: dict[str, Job] = {}


def periodic_job(name: str, label: str, cron: str, **options):
    """Declare `func` a periodic job: registered here, run by the worker through services.job_run."""

    def decorator(func: Callable[[], str]) -> Job:
        job = Job(name=name, label=label, cron=cron, func=func, **options)

        @db_periodic_task(
            job.schedule(), retries=job.retries, retry_delay=job.retry_delay, retry_backoff=2, context=True, name=name
        )
        def run(task=None):
            from gongkai.jobs.services import job_run

            job_run(job=job, task=task)

        job = Job(**{**job.__dict__, "task": run})
        JOBS[name] = job
        lock_register(name)
        return job

    return decorator
