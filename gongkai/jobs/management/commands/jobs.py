"""List the periodic jobs (last run, outcome, next run), or run one now under its lock: `manage.py jobs run NAME`."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gongkai.jobs.registry import JOBS
from gongkai.jobs.selectors import jobs_status
from gongkai.jobs.services import job_run


def _when(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else "—"


class Command(BaseCommand):
    help = "列出定时任务的上次运行时间、结果和下次运行时间；`jobs run 名称` 立即运行一个任务（与后台任务共用锁）。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action")
        run = sub.add_parser("run", help="run one job now")
        run.add_argument("name", choices=sorted(JOBS))

    def handle(self, *args, action=None, **options):
        if action == "run":
            job = JOBS[options["name"]]
            try:
                run = job_run(job=job, trigger="command")
            except Exception as exc:
                raise CommandError(f"{job.name} failed: {exc}") from exc
            self.stdout.write(f"{job.name}: {run.get_state_display()} {run.summary}")
            return
        header = f"{'job':<26} {'schedule':<12} {'last run':<17} {'outcome':<10} {'next run':<17} summary"
        self.stdout.write(header)
        for row in jobs_status():
            last = row.last
            self.stdout.write(
                f"{row.job.name:<26} {row.job.cron:<12} {_when(last.started_at if last else None):<17} "
                f"{(last.state if last else 'never'):<10} {_when(row.next_run):<17} {last.summary if last else ''}"
            )
