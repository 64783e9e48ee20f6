from django.core.management.base import BaseCommand, CommandError

from gongkai.audit.selectors import audit_chain_verify
from gongkai.audit.services import audit_checkpoint_write


class Command(BaseCommand):
    help = (
        "Verify the audit trail's keyed hash chain against its head and the checkpoint file, naming the first "
        "broken event (exit status 1 if broken); with --checkpoint, then append the verified head to the file."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoint",
            action="store_true",
            help="after a successful verification, append the event count and newest hash to "
            "GONGKAI_AUDIT_CHECKPOINT_FILE (run nightly)",
        )

    def handle(self, *args, **options):
        result = audit_chain_verify()
        if not result.ok:
            raise CommandError(
                f"审计链校验失败 audit chain broken at event #{result.broken_event_id} "
                f"(after {result.events_checked} good events): {result.reason}"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"审计链完整 audit chain intact: {result.events_checked} events, "
                f"{result.checkpoints_checked} checkpoints"
            )
        )
        if options["checkpoint"]:
            record = audit_checkpoint_write(count=result.events_checked, head_hash=result.last_hash)
            self.stdout.write(f"检查点已写入 checkpoint written: {record['count']} events, {record['hash'][:16]}…")
