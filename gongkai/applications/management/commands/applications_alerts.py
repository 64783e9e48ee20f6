"""Mark due-soon and overdue applications and e-mail their handlers and approvers; remind applicants. Rerunnable.

The worker runs the same functions every morning (docs/jobs.md: applications_alerts); this command is for an
operator catching up, e.g. with --date after downtime.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from gongkai.applications.services.reminders import applicant_reminders_send, application_alerts_send


class Command(BaseCommand):
    help = (
        "标记即将到期和已超期的依申请公开件并提醒承办人和终审人，提醒申请人补正、缴费期限（可重复运行，不会重复提醒）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="treat this date (YYYY-MM-DD) as today, for catching up after downtime")

    def handle(self, *args, **options):
        today = timezone.localdate()
        if options.get("date"):
            today = timezone.datetime.fromisoformat(options["date"]).date()
        changed, queued = application_alerts_send(today=today)
        reminders = applicant_reminders_send(today=today)
        self.stdout.write(f"{changed} 件状态变化，生成提醒 {queued} 封；申请人期限提醒 {reminders} 条。")
