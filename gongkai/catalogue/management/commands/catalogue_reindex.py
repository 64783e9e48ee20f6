"""Rebuild the full-text search index of published items (after a restore, or to check it is complete)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from gongkai.catalogue import search
from gongkai.catalogue.access import items_published


class Command(BaseCommand):
    help = "Rebuild the catalogue's search index from the published items."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=2000)

    def handle(self, *args, **options):
        pks = list(items_published().values_list("pk", flat=True).order_by("pk"))
        with transaction.atomic():
            search.index_clear()
            for start in range(0, len(pks), options["batch"]):
                search.index_write(search.searchable_rows(pks[start : start + options["batch"]]), replace=False)
        self.stdout.write(f"已为 {len(pks)} 条已发布信息建立检索索引")
