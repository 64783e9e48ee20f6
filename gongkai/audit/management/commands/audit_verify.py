from django.core.management.base import BaseCommand, CommandError

from gongkai.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain and name the first broken event (exit status 1 if broken)."

    def handle(self, *args, **options):
        result = audit_chain_verify()
        if not result.ok:
            raise CommandError(
                f"审计链校验失败 audit chain broken at event #{result.broken_event_id} "
                f"(after {result.events_checked} good events): {result.reason}"
            )
        self.stdout.write(self.style.SUCCESS(f"审计链完整 audit chain intact: {result.events_checked} events"))
