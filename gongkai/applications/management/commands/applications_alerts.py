"""Mark due-soon and overdue applications and email their handlers and the agency's approvers. Safe to rerun."""

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.utils import timezone

from gongkai.accounts.models import Role, User
from gongkai.applications.services import application_alerts_scan

SUBJECTS = {"due_soon": "政府信息公开申请即将到期", "overdue": "政府信息公开申请已超过答复期限"}


class Command(BaseCommand):
    help = "标记即将到期和已超期的依申请公开件，并邮件提醒承办人和终审人（可重复运行，不会重复提醒）。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="treat this date (YYYY-MM-DD) as today, for catching up after downtime")

    def handle(self, *args, **options):
        today = timezone.localdate()
        if options.get("date"):
            today = timezone.datetime.fromisoformat(options["date"]).date()
        changed = application_alerts_scan(today=today)
        sent = 0
        for application, state in changed:
            recipients = set(
                User.objects.filter(is_active=True, roles__agency=application.agency, roles__role=Role.APPROVER)
                .exclude(email="")
                .values_list("email", flat=True)
            )
            if application.handler and application.handler.email:
                recipients.add(application.handler.email)
            if not recipients:
                continue
            body = (
                f"{application.agency.name}\n申请编号：{application.number}\n所需信息：{application.title}\n"
                f"收到日期：{application.received_on:%Y年%m月%d日}\n答复期限：{application.due_on:%Y年%m月%d日}\n"
                f"状态：{SUBJECTS[state]}。请及时办理（《中华人民共和国政府信息公开条例》第三十三条）。"
            )
            send_mail(
                f"【{SUBJECTS[state]}】{application.number}", body, settings.DEFAULT_FROM_EMAIL, sorted(recipients)
            )
            sent += 1
        self.stdout.write(f"{len(changed)} 件状态变化，发送提醒 {sent} 封。")
