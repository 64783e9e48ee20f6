"""The catalogue's scheduled work: publish items whose scheduled time has come, and mark expired documents.

Safe to run twice (each change is a compare-and-set); run it every few minutes from cron or a systemd timer.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from gongkai.catalogue.services import item_publish_due, items_expire_due


class Command(BaseCommand):
    help = "Publish scheduled catalogue items that are due and mark documents past their expiry date as expired."

    def handle(self, *args, **options):
        published = item_publish_due(now=timezone.now())
        expired = items_expire_due(today=timezone.localdate())
        self.stdout.write(f"定时发布 {len(published)} 条，标记失效 {expired} 件")
